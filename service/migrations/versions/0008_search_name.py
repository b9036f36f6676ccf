"""participants: the name folded for search, without accents and case

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.tables import name_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("search_name", sa.Text(), nullable=False, server_default=""))
    people = sa.table(
        "participants",
        sa.column("id", sa.Integer),
        sa.column("display_name", sa.String),
        sa.column("search_name", sa.Text),
    )
    connection = op.get_bind()
    names = connection.execute(sa.select(people.c.id, people.c.display_name)).all()
    if names:
        connection.execute(
            people.update().where(people.c.id == sa.bindparam("row_id")),
            [{"row_id": i, "search_name": name_key(name)} for i, name in names],
        )


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("search_name")
