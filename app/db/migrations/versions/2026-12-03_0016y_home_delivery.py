"""home delivery: who carries the document to the resident

Revision ID: 0016y_home_delivery
Revises: 0014w_wakeup_notify
Create Date: 2026-12-03 18:10:00.000000

Sending a request `out_for_delivery` names the courier, a tracking number, or both; the resident
is told them with a one-time code (the same `pickup_code_hash` as a pickup) to give the courier.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016y_home_delivery'
down_revision: str | None = '0014w_wakeup_notify'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request') as batch_op:
        batch_op.add_column(sa.Column('courier_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('courier_tracking', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('request') as batch_op:
        batch_op.drop_column('courier_tracking')
        batch_op.drop_column('courier_name')
