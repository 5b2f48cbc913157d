"""Run Alembic from code: `loket migrate`, `/readyz` and the tests all use these helpers."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

# Alembic's scripts ship inside the package, so an installed `loket` (wheel, Docker image) migrates
# with no extra configuration.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic config pointing at the project's migrations (and at `database_url` if given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def is_at_head(engine: AsyncEngine) -> bool:
    """True when the database answers and its schema is at the newest revision."""

    def _current(sync_conn: object) -> set[str]:
        context = MigrationContext.configure(sync_conn)  # type: ignore[arg-type]
        return set(context.get_current_heads())

    async with engine.connect() as conn:
        current = await conn.run_sync(_current)
    return current == head_revisions()
