"""inbox failures: mark inbound events set aside after repeated failures

Revision ID: 0009a_inbox_failures
Revises: 0009f_sessions
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0009a_inbox_failures'
down_revision: str | None = '0009f_sessions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Before this column an event set aside after 3 failed tries looked processed; its attempts
# tell them apart (an event that failed fewer times and then succeeded has fewer).
_SET_ASIDE_BEFORE = 3


def upgrade() -> None:
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_inbound_event_failed_at'), ['failed_at'], unique=False)
    op.execute(
        sa.text(
            'UPDATE inbound_event SET failed_at = processed_at '
            'WHERE processed_at IS NOT NULL AND attempts >= :limit AND last_error IS NOT NULL'
        ).bindparams(limit=_SET_ASIDE_BEFORE)
    )


def downgrade() -> None:
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_event_failed_at'))
        batch_op.drop_column('failed_at')
