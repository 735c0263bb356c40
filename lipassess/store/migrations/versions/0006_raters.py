"""raters: observers of a participant at a wave (link state, sending) and their answers

Revision ID: 0006_raters
Revises: 0005_stored_analyses
Create Date: 2026-12-03 09:45:00

New tables only (``raters``, ``rater_answers``); nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lipassess.store.types

revision = '0006_raters'
down_revision = '0005_stored_analyses'
branch_labels = None
depends_on = None

_TIME = lipassess.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'raters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('contact', sa.String(length=320), nullable=False),
        sa.Column('relation', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('expires_at', _TIME, nullable=True),
        sa.Column('revoked_at', _TIME, nullable=True),
        sa.Column('invited_at', _TIME, nullable=True),
        sa.Column('reminders_sent', sa.Integer(), nullable=False),
        sa.Column('last_sent_at', _TIME, nullable=True),
        sa.Column('send_error', sa.Text(), nullable=True),
        sa.Column('consent_at', _TIME, nullable=True),
        sa.Column('submitted_at', _TIME, nullable=True),
        sa.Column('created_at', _TIME, nullable=False),
        sa.Column('updated_at', _TIME, nullable=False),
        sa.CheckConstraint("relation IN ('supervisor', 'peer', 'direct_report', 'other')",
                           name=op.f('ck_raters_known_relation')),
        sa.CheckConstraint('email IS NOT NULL OR phone IS NOT NULL', name=op.f('ck_raters_has_contact')),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_raters_participant_id_participants')),
        sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_raters_wave_id_waves')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_raters')),
        sa.UniqueConstraint('participant_id', 'wave_id', 'contact',
                            name=op.f('uq_raters_participant_id_wave_id_contact')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_raters_token_hash')),
    )
    with op.batch_alter_table('raters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raters_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raters_wave_id'), ['wave_id'], unique=False)
    op.create_table(
        'rater_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rater_id', sa.Integer(), nullable=False),
        sa.Column('instrument_version_id', sa.Integer(), nullable=False),
        sa.Column('item_key', sa.String(length=100), nullable=False),
        sa.Column('value_number', sa.Float(), nullable=True),
        sa.Column('value_text', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_versions.id'],
                                name=op.f('fk_rater_answers_instrument_version_id_instrument_versions')),
        sa.ForeignKeyConstraint(['rater_id'], ['raters.id'], name=op.f('fk_rater_answers_rater_id_raters')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rater_answers')),
        sa.UniqueConstraint('rater_id', 'instrument_version_id', 'item_key',
                            name=op.f('uq_rater_answers_rater_id_instrument_version_id_item_key')),
    )


def downgrade() -> None:
    op.drop_table('rater_answers')
    with op.batch_alter_table('raters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raters_wave_id'))
        batch_op.drop_index(batch_op.f('ix_raters_participant_id'))
    op.drop_table('raters')
