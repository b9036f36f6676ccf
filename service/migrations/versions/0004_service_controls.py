"""service_controls: the stop switch (learned ranker on/off, recommendations paused)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_controls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("service_controls")
