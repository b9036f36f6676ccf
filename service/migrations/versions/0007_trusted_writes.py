"""Trusted writes: idempotency keys scoped to their owner; the trainees each company
was shown for each challenge

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# an existing key's owner, from the API key that recorded it (see
# service.operations.outcomes.client_scope): its company, or the programme's staff
OWNER_OF_KEY = """
UPDATE outcomes SET client_scope = COALESCE(
    (SELECT 'company:' || CAST(api_keys.company_id AS VARCHAR(12)) FROM api_keys
     WHERE api_keys.id = outcomes.recorded_by AND api_keys.role = 'company'),
    'programme')
WHERE client_key IS NOT NULL
"""


def _outcomes_without_key_constraint(metadata: sa.MetaData) -> sa.Table:
    """The outcomes table as revision 0001 made it, less its unnamed unique constraint on
    client_key: SQLite rebuilds the table from this, the only way to drop that one."""
    return sa.Table(
        "outcomes",
        metadata,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "participant_id",
            sa.Integer(),
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "challenge_id",
            sa.Integer(),
            sa.ForeignKey("challenges.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("client_key", sa.String(length=80), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Index("ix_outcomes_challenge_id", "challenge_id"),
        sa.Index("ix_outcomes_participant_id", "participant_id"),
    )


def upgrade() -> None:
    scope = sa.Column("client_scope", sa.String(length=40), nullable=False, server_default="")
    if op.get_bind().dialect.name == "sqlite":
        old = _outcomes_without_key_constraint(sa.MetaData())
        with op.batch_alter_table("outcomes", recreate="always", copy_from=old) as batch:
            batch.add_column(scope)
            batch.create_unique_constraint(
                "uq_outcomes_client_scope_key", ["client_scope", "client_key"]
            )
    else:
        op.drop_constraint("outcomes_client_key_key", "outcomes", type_="unique")
        op.add_column("outcomes", scope)
        op.create_unique_constraint(
            "uq_outcomes_client_scope_key", "outcomes", ["client_scope", "client_key"]
        )
    op.execute(OWNER_OF_KEY)
    op.create_table(
        "shown_trainees",
        sa.Column(
            "challenge_id",
            sa.Integer(),
            sa.ForeignKey("challenges.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "participant_id",
            sa.Integer(),
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("first_shown_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_shown_trainees_participant_id", "shown_trainees", ["participant_id"])


def downgrade() -> None:
    op.drop_table("shown_trainees")
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_constraint("uq_outcomes_client_scope_key", type_="unique")
        batch.drop_column("client_scope")
        batch.create_unique_constraint("outcomes_client_key_key", ["client_key"])
