"""reply context: the prompt id an interactive outbound message carried

A resident's button or list reply names the message it answers (`context.id`, the wamid Meta gave
that message); the prompt id stored with the message tells the engine which question it answered,
so a tap on an old button is not taken for an answer to the current question.

Revision ID: 0009b_reply_context
Revises: 0008_operations
Create Date: 2026-11-22 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009b_reply_context'
down_revision: str | None = '0008_operations'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prompt', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_column('prompt')
