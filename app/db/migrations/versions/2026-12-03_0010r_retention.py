"""retention: mark the messages, conversations and requests whose personal data was redacted

Revision ID: 0010r_retention
Revises: 0009a_inbox_failures
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0010r_retention'
down_revision: str | None = '0009a_inbox_failures'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ('inbound_event', 'outbound_message', 'conversation', 'request')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('redacted_at', app.db.UTCDateTime(timezone=True), nullable=True)
            )


def downgrade() -> None:
    for table in reversed(_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('redacted_at')
