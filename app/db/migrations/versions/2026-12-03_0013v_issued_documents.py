"""issued documents: the PDF an office issued for a request, with its verification code

Revision ID: 0013v_issued_documents
Revises: 0012q_request_listing_indexes
Create Date: 2026-12-03 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0013v_issued_documents'
down_revision: str | None = '0012q_request_listing_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'issued_document',
        sa.Column(
            'id',
            sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column('request_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('signed_by', sa.String(length=16), nullable=False),
        sa.Column('issued_by', sa.String(length=64), nullable=False),
        sa.Column('issued_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lookups', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['request.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('request_id'),
    )
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_issued_document_document_id'), ['document_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_document_document_id'))
    op.drop_table('issued_document')
