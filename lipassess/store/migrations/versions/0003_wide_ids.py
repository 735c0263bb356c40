"""Moodle ids are 64-bit: widen the columns that hold them

Moodle declares every record id BIGINT; a user, course, category, grade item
or message id of 2**31 or more overflowed the 32-bit columns on PostgreSQL.

Revision ID: 0003_wide_ids
Revises: 0002_auth_sessions
Create Date: 2026-12-03 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_wide_ids'
down_revision = '0002_auth_sessions'
branch_labels = None
depends_on = None

#: (table, column, nullable) of every column that holds a Moodle id.
MOODLE_ID_COLUMNS = (
    ('programs', 'moodle_category_id', True),
    ('cohorts', 'moodle_course_id', False),
    ('participants', 'moodle_user_id', False),
    ('grade_items', 'moodle_item_id', False),
    ('messages', 'moodle_message_id', True),
)


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    for table, column, nullable in MOODLE_ID_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=nullable)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())
