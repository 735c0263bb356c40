"""stored analyses: cohort and program results kept in the store for every host

Revision ID: 0005_stored_analyses
Revises: 0004_dispatch_state
Create Date: 2026-12-03 09:45:00

The table starts empty: the first request (or ``lipassess analyze refresh``,
``sync``, ``dispatch``) computes and stores each result.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lipassess.store.types

revision = '0005_stored_analyses'
down_revision = '0004_dispatch_state'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stored_analyses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('cohorts', sa.Text(), nullable=False),
    sa.Column('data_version', sa.String(length=64), nullable=False),
    sa.Column('code_version', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('computed_at', lipassess.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_analyses')),
    sa.UniqueConstraint('key', name=op.f('uq_stored_analyses_key'))
    )


def downgrade() -> None:
    op.drop_table('stored_analyses')
