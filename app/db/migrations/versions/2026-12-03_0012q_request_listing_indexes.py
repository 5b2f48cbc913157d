"""request listing indexes: newest first, overall and per service

Revision ID: 0012q_request_listing_indexes
Revises: 0011m_resident_memory
Create Date: 2026-12-03 14:00:00.000000

The queue page, `GET /api/v1/requests` and the exports list requests newest first
(`ORDER BY created_at DESC, id DESC LIMIT n`). Without an index in that order PostgreSQL reads
and sorts every visible request (about 0.5 s at 100,000 rows); with one it walks the index
backwards and stops after n rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0012q_request_listing_indexes'
down_revision: str | None = '0011m_resident_memory'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_created_id', ['created_at', 'id'], unique=False)
        batch_op.create_index(
            'ix_request_service_created', ['service_code', 'created_at', 'id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_service_created')
        batch_op.drop_index('ix_request_created_id')
