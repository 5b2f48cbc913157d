"""pickup by a proxy: the family member (same KK) the resident named to collect

Revision ID: 0017z_pickup_proxy
Revises: 0016y_home_delivery
Create Date: 2026-12-03 18:10:00.000000

Two nullable columns on `request`: the name and NIK of the person the resident named in the chat
to collect the result in their place (only for services whose catalog allows it). Empty means
the resident collects it themselves. Retention clears both with the rest of the answers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017z_pickup_proxy'
down_revision: str | None = '0016y_home_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request') as batch_op:
        batch_op.add_column(sa.Column('proxy_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('proxy_nik', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('request') as batch_op:
        batch_op.drop_column('proxy_nik')
        batch_op.drop_column('proxy_name')
