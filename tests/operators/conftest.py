"""A fresh, migrated database for each CLI test, and a runner for `python -m app.cli`."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db import migrate
from tests.support.cli_database import Loket
from tests.support.environment import _backend, _pg_admin


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy: migrating once per run keeps each CLI test fast.

    SQLite: the path of a migrated file. PostgreSQL: the name of a migrated database on the
    server, used as `CREATE DATABASE … TEMPLATE`.
    """
    backend = _backend()
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("cli-template") / "template.db"
        migrate.upgrade(f"sqlite+aiosqlite:///{path}")
        yield str(path)
        return
    server = backend.rstrip("/")
    name = f"loket_cli_template_{uuid.uuid4().hex[:8]}"
    _pg_admin(server, f'CREATE DATABASE "{name}"')
    try:
        migrate.upgrade(f"{server}/{name}")
        yield name
    finally:
        _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """An empty database at the newest schema (with the root office `migrate` leaves)."""
    backend = _backend()
    if backend == "sqlite":
        path = tmp_path / "cli.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server = backend.rstrip("/")
    name = f"loket_cli_{uuid.uuid4().hex[:10]}"
    _pg_admin(server, f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    try:
        yield f"{server}/{name}"
    finally:
        _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def loket(fresh_database_url: str, tmp_path: Path) -> Loket:
    return Loket(fresh_database_url, tmp_path)
