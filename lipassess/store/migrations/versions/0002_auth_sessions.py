"""server-side staff sessions, sign-in throttling, API token expiry

Revision ID: 0002_auth_sessions
Revises: lti_0001
Create Date: 2026-11-23 09:00:00

Existing API tokens get 90 days from the upgrade instead of expiring at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import lipassess.store.types

revision = '0002_auth_sessions'
down_revision = 'lti_0001'
branch_labels = None
depends_on = None

EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table('staff_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('lti_moodle_user_id', sa.BigInteger(), nullable=True),
    sa.Column('lti_cohort_id', sa.Integer(), nullable=True),
    sa.Column('display_name', sa.String(length=255), nullable=True),
    sa.Column('created_at', lipassess.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', lipassess.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', lipassess.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'],
                            name=op.f('fk_staff_sessions_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_staff_sessions_key_hash'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_staff_user_id'), ['staff_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_sessions_lti_moodle_user_id'), ['lti_moodle_user_id'],
                              unique=False)

    op.create_table('sign_in_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', lipassess.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', lipassess.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_sign_in_throttle_scope_key'))
    )

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_token_expires_at', lipassess.store.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('api_token_last_used_at', lipassess.store.types.UTCDateTime(timezone=True),
                                      nullable=True))

    staff_users = sa.table('staff_users', sa.column('api_token_hash', sa.String()),
                           sa.column('api_token_expires_at', lipassess.store.types.UTCDateTime(timezone=True)))
    op.execute(staff_users.update().where(staff_users.c.api_token_hash.is_not(None))
               .values(api_token_expires_at=datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS)))


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('api_token_last_used_at')
        batch_op.drop_column('api_token_expires_at')

    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_lti_moodle_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_sessions_staff_user_id'))

    op.drop_table('staff_sessions')
