"""dispatch state: a message's claim time, the last accepted link kept while a newer message is open

Revision ID: 0004_dispatch_state
Revises: 0003_wide_ids
Create Date: 2026-12-03 07:30:00

``messages.claimed_at`` tells a message waiting for the next run (``NULL``)
from one a run took to send; ``invitations.previous_token_hash`` keeps the
link of the last message Moodle accepted working until Moodle accepts the
next one. Existing ``pending`` rows were claimed by a run that never recorded
Moodle's answer: they get ``claimed_at = updated_at``, so the next dispatch
resolves them as unknown-fate messages.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lipassess.store.types

revision = '0004_dispatch_state'
down_revision = '0003_wide_ids'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', lipassess.store.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE messages SET claimed_at = updated_at WHERE status = 'pending'")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_invitations_previous_token_hash'), ['previous_token_hash'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_previous_token_hash'))
        batch_op.drop_column('previous_token_hash')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
