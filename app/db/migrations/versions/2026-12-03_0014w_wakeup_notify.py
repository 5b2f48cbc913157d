"""wake-ups: PostgreSQL NOTIFY when inbox or outbox rows are committed

Revision ID: 0014w_wakeup_notify
Revises: 0013v_issued_documents
Create Date: 2026-12-03 14:30:00.000000

A statement-level trigger sends `NOTIFY loket_inbox` / `NOTIFY loket_outbox` after rows are
inserted (and, for the outbox, when held messages become pending again). PostgreSQL delivers a
notification only when the transaction commits and folds identical ones of one transaction into
one, so a batch of a thousand rows costs one notification. Workers LISTEN and wake at once; their
poll stays as the fallback (app/workers/wakeups.py). SQLite has no NOTIFY: nothing to do there.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0014w_wakeup_notify'
down_revision: str | None = '0013v_issued_documents'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, channel, events that make work for a worker)
_TRIGGERS = (
    ('inbound_event', 'loket_inbox', 'INSERT'),
    ('outbound_message', 'loket_outbox', 'INSERT OR UPDATE OF state'),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, channel, events in _TRIGGERS:
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {channel}_notify() RETURNS trigger AS $$
            BEGIN
                PERFORM pg_notify('{channel}', '');
                RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_notify AFTER {events} ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {channel}_notify()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, channel, _events in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {channel}_notify()")
