"""The `loket` command: help everywhere, one-line errors, migrate, catalog check (contract §2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import loket
from tests.support.environment import _backend

BROKEN = Path(__file__).parent / "flows" / "data" / "broken"


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["worker"],
        ["migrate"],
        ["catalog"],
        ["catalog", "check"],
        ["purge"],
        ["locker", "reencrypt"],
        ["templates", "export"],
        ["inbox", "failed"],
        ["inbox", "retry"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    """`--help` works on every command and exits 0."""
    result = loket(*command, "--help")
    assert result.returncode == 0
    assert "usage: loket" in result.stdout


def test_live_mode_without_all_whatsapp_values_refuses_to_start(tmp_path: Path) -> None:
    """A token without the other values is one clear line on stderr and a non-zero exit."""
    result = loket("serve", env={"WHATSAPP_ACCESS_TOKEN": "x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "loket: invalid configuration: live mode (WHATSAPP_ACCESS_TOKEN is set) also needs "
        "WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN"
    ]


def test_a_bad_database_url_is_one_line(tmp_path: Path) -> None:
    result = loket("migrate", env={"DATABASE_URL": "mysql://x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL must use an async driver" in result.stderr


@pytest.mark.skipif(_backend() != "sqlite", reason="one embedded database is enough here")
def test_migrate_builds_a_fresh_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    result = loket("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database is at head" in result.stdout
    again = loket("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert again.returncode == 0


def test_catalog_check_passes_the_shipped_catalog() -> None:
    result = loket("catalog", "check")
    assert result.returncode == 0
    assert "7 service files, no errors" in result.stdout


def test_catalog_check_names_file_line_and_reason() -> None:
    """The first error, as `file:line: reason`, and exit 1."""
    result = loket("catalog", "check", str(BROKEN / "unknown_validator"))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("loket: ")
    file, number, reason = line.removeprefix("loket: ").split(":", 2)
    assert file.endswith(".yaml")
    assert int(number) > 1
    assert "validator" in reason


def test_catalog_check_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    result = loket("catalog", "check", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"loket: {tmp_path / 'nope'}: not a folder"


@pytest.mark.skipif(_backend() != "sqlite", reason="one embedded database is enough here")
def test_purge_and_reencrypt_report_what_they_did(tmp_path: Path) -> None:
    import base64

    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        "LOCKER_URL": f"file:{tmp_path / 'locker'}",
    }
    assert loket("migrate", env=env, cwd=tmp_path).returncode == 0
    purged = loket("purge", env=env, cwd=tmp_path)
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.startswith("purged 0 documents (0 of ended requests")

    no_key = loket("locker", "reencrypt", env=env, cwd=tmp_path)
    assert no_key.returncode == 1
    assert no_key.stderr.strip().splitlines()[-1] == (
        "loket: LOKET_ENCRYPTION_KEY is not set: nothing to encrypt with"
    )
    key = base64.b64encode(bytes(range(32))).decode()
    with_key = loket(
        "locker", "reencrypt", env={**env, "LOKET_ENCRYPTION_KEY": f"k1:{key}"}, cwd=tmp_path
    )
    assert with_key.returncode == 0, with_key.stderr
    assert (
        with_key.stdout.strip() == "re-encrypted 0 files under key k1; 0 already current; 0 failed"
    )


def test_a_usage_error_is_one_line() -> None:
    result = loket("office", "create", "--code", "X")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "loket office create: the following arguments are required: --name, --level (see --help)"
    ]


def test_templates_export_prints_meta_shaped_json() -> None:
    import json

    result = loket("templates", "export")
    assert result.returncode == 0
    exported = json.loads(result.stdout)
    assert {t["name"] for t in exported} >= {"loket_pesan_menunggu", "loket_siap_diambil"}
    assert all(t["category"] == "UTILITY" for t in exported)


@pytest.mark.skipif(_backend() != "sqlite", reason="one embedded database is enough here")
def test_outbox_failed_lists_and_resend_requeues(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "o.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert loket("migrate", env=env, cwd=tmp_path).returncode == 0
    empty = loket("outbox", "failed", env=env, cwd=tmp_path)
    assert empty.stdout.strip() == "no given-up messages"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO resident (id, wa_id, language, created_at) "
            "VALUES (1, '62811', 'id', '2026-11-22 00:00:00')"
        )
        conn.execute(
            "INSERT INTO outbound_message (id, resident_id, kind, body, state, attempts, "
            "next_attempt_at, last_error_code, last_error, created_at, hold_on_fallback) VALUES "
            "(7, 1, 'text', '{}', 'given_up', 8, '2026-11-22 00:00:00', 131026, "
            "'permanent: 131026 Message undeliverable', '2026-11-22 00:00:00', 0)"
        )
    listed = loket("outbox", "failed", env=env, cwd=tmp_path)
    assert listed.stdout.startswith("7\tresident 1\ttext\t8 attempts\t2026-11-22 00:00\tpermanent")
    assert loket("outbox", "resend", "7", env=env, cwd=tmp_path).stdout.strip() == (
        "message 7 is queued again"
    )
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT state, attempts FROM outbound_message").fetchall() == [
            ("pending", 0)
        ]
    again = loket("outbox", "resend", "7", env=env, cwd=tmp_path)
    assert again.returncode == 1
    assert "only given-up or failed messages can be re-sent" in again.stderr


@pytest.mark.skipif(_backend() != "sqlite", reason="one embedded database is enough here")
def test_inbox_failed_lists_and_retry_requeues(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "i.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}"}
    assert loket("migrate", env=env, cwd=tmp_path).returncode == 0
    empty = loket("inbox", "failed", env=env, cwd=tmp_path)
    assert (empty.returncode, empty.stdout) == (0, "no set-aside events\n")
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO resident (id, wa_id, language, created_at) "
            "VALUES (1, '62811', 'id', '2026-11-22 00:00:00')"
        )
        conn.execute(
            "INSERT INTO inbound_event (id, dedup_key, kind, resident_id, external_id, payload, "
            "received_at, processed_at, failed_at, attempts, last_error) VALUES "
            "(9, 'm:wamid.9', 'message', 1, 'wamid.9', "
            '\'{"message": {"type": "image"}}\', \'2026-11-22 01:02:00\', '
            "'2026-11-22 01:03:00', '2026-11-22 01:03:00', 3, 'IntegrityError: UNIQUE failed'), "
            "(10, 'm:wamid.10', 'message', 1, 'wamid.10', '{}', '2026-11-22 01:04:00', "
            "'2026-11-22 01:04:00', NULL, 0, NULL)"
        )
    listed = loket("inbox", "failed", env=env, cwd=tmp_path)
    assert listed.stdout == (
        "9\tresident 1\tmessage/image\t3 attempts\t2026-11-22 01:02\t"
        "IntegrityError: UNIQUE failed\n"
    )
    retried = loket("inbox", "retry", "9", env=env, cwd=tmp_path)
    assert (retried.returncode, retried.stdout) == (0, "event 9 is queued again\n")
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT processed_at, failed_at, attempts, last_error FROM inbound_event WHERE id = 9"
        ).fetchall() == [(None, None, 0, None)]
        assert conn.execute("SELECT actor, action, target FROM audit_event").fetchall() == [
            ("cli", "inbox_retry", "inbound_event:9")
        ]
    again = loket("inbox", "retry", "9", env=env, cwd=tmp_path)
    assert (again.returncode, again.stderr) == (
        1,
        "loket: inbound event 9 is still pending; only events set aside after repeated "
        "failures can be retried\n",
    )
    handled = loket("inbox", "retry", "10", env=env, cwd=tmp_path)
    assert handled.returncode == 1
    assert "inbound event 10 is already processed" in handled.stderr
    unknown = loket("inbox", "retry", "77", env=env, cwd=tmp_path)
    assert (unknown.returncode, unknown.stderr) == (
        1,
        "loket: inbound event 77 does not exist\n",
    )


def test_a_database_error_is_one_line(tmp_path: Path) -> None:
    """An unmigrated database: a hint, not a traceback."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"}
    result = loket("outbox", "failed", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "loket: database error: no such table: outbound_message "
        "(is it migrated? run `loket migrate`)"
    ]
