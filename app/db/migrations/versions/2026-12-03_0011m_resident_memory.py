"""resident memory: consent to be remembered, the resident's own data, remembered subjects

Revision ID: 0011m_resident_memory
Revises: 0010r_retention
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision: str = '0011m_resident_memory'
down_revision: str | None = '0010r_retention'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'resident_memory',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('resident_id', _ID, nullable=False),
        sa.Column('consent', sa.String(length=16), nullable=False),
        sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('person', _JSON, nullable=False),
        sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('resident_id'),
    )
    op.create_table(
        'remembered_subject',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('resident_id', _ID, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject_key', sa.String(length=200), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('service_code', sa.String(length=40), nullable=False),
        sa.Column('fields', _JSON, nullable=False),
        sa.Column('documents', _JSON, nullable=False),
        sa.Column('expires_on', sa.Date(), nullable=True),
        sa.Column('reminded_for', sa.Date(), nullable=True),
        sa.Column('reminded_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('resident_id', 'kind', 'subject_key'),
    )
    with op.batch_alter_table('remembered_subject', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_remembered_subject_resident_id'), ['resident_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_remembered_subject_expires_on'), ['expires_on'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('remembered_subject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remembered_subject_expires_on'))
        batch_op.drop_index(batch_op.f('ix_remembered_subject_resident_id'))
    op.drop_table('remembered_subject')
    op.drop_table('resident_memory')
