"""delivery choice: how the result reaches the resident

Revision ID: 0018_delivery_choice
Revises: 0017z_pickup_proxy
Create Date: 2026-12-04 16:40:00.000000

One column on `request`: "pickup", "digital" (the signed PDF sent in the chat) or "home" (a
courier). Every request before this one was collected at the office, so the default is "pickup".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_delivery_choice'
down_revision: str | None = '0017z_pickup_proxy'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request') as batch_op:
        batch_op.add_column(
            sa.Column('delivery', sa.String(length=16), nullable=False, server_default='pickup')
        )


def downgrade() -> None:
    with op.batch_alter_table('request') as batch_op:
        batch_op.drop_column('delivery')
