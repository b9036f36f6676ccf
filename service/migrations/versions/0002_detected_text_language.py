"""profile text language is detected, and may be unknown

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.alter_column(
            "text_language", existing_type=sa.String(length=2), nullable=True, server_default=None
        )


def downgrade() -> None:
    op.execute("UPDATE participants SET text_language = 'es' WHERE text_language IS NULL")
    with op.batch_alter_table("participants") as batch:
        batch.alter_column("text_language", existing_type=sa.String(length=2), nullable=False)
