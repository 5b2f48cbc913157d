"""Conversation steps per second: one `loket worker` vs two on PostgreSQL, and one on SQLite.

    python bench/scaleout_bench.py [--residents 200] [--each 6] [--postgres URL] [--no-sqlite]

For each setup: a fresh database (`loket migrate`), the worker processes started and idle, then
`residents x each` text messages committed in one transaction, as the webhook stores them. The
clock runs from that commit until the last message is processed (conversation step: claim, load
the session, run the engine, write the outbox, commit). On PostgreSQL the commit's NOTIFY wakes
the workers; on SQLite they find the rows by polling. Replies go to the sandbox (no Meta), so the
figure is the conversation step alone. Prints steps/s per setup and the ratio two workers / one.
PostgreSQL: LOKET_TEST_POSTGRES or --postgres (default postgresql+asyncpg://postgres@127.0.0.1:5432);
each run creates and drops its own database there.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.inbox.models import KIND_MESSAGE, InboundEvent  # noqa: E402  (after the path is set)
from app.residents.models import Resident  # noqa: E402

TEXTS = ("halo", "mau buat KTP", "syaratnya apa saja?", "menu", "terima kasih", "akta kelahiran")
START_TIMEOUT = 180.0
RUN_TIMEOUT = 600.0


@dataclass
class Figure:
    setup: str
    workers: int
    steps: int
    seconds: float
    set_aside: int
    worker_cpu: float = 0.0  # CPU seconds the worker processes used during the run
    database_cpu: float = 0.0  # and PostgreSQL's processes (0 on SQLite: it is in the worker)

    @property
    def per_second(self) -> float:
        return self.steps / self.seconds

    @property
    def cores_busy(self) -> float:
        """Cores the workers and the database kept busy, on average, during the run."""
        return (self.worker_cpu + self.database_cpu) / self.seconds


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time (user + system) of each live process in `pids`, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends come and go)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


def sync_url(url: str) -> str:
    return url.replace("sqlite+aiosqlite", "sqlite").replace(
        "postgresql+asyncpg", "postgresql+psycopg"
    )


def seed(engine: Engine, residents: int, each: int, run: str) -> int:
    """Commit the messages of `residents` residents in one transaction; how many."""
    rng = random.Random(14)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        people = [
            Resident(wa_id=f"62899{r:07d}", last_inbound_at=now, created_at=now)
            for r in range(residents)
        ]
        session.add_all(people)
        session.flush()
        for n in range(each):
            for person in people:
                wamid = f"wamid.{run}.{person.wa_id}.{n}"
                message = {
                    "from": person.wa_id,
                    "id": wamid,
                    "timestamp": str(int(now.timestamp())),
                    "type": "text",
                    "text": {"body": rng.choice(TEXTS)},
                }
                session.add(
                    InboundEvent(
                        dedup_key=f"m:{wamid}",
                        kind=KIND_MESSAGE,
                        resident_id=person.id,
                        external_id=wamid,
                        payload=message,
                        received_at=now,
                    )
                )
    return residents * each


def pending(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        left = session.scalar(select(func.count()).where(InboundEvent.processed_at.is_(None)))
        failed = session.scalar(select(func.count()).where(InboundEvent.failed_at.is_not(None)))
    return int(left or 0), int(failed or 0)


def run_setup(name: str, url: str, workers: int, residents: int, each: int, folder: Path) -> Figure:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))},
        "DATABASE_URL": url,
        "LOCKER_URL": f"file:{folder / 'locker'}",
        "LOKET_VAR_DIR": str(folder / "var"),
        "LOKET_LOG_JSON": "true",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
    }
    cli = [sys.executable, "-m", "app.cli"]
    subprocess.run([*cli, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    logs = [folder / f"{name}-worker{i}.log" for i in range(workers)]
    procs = []
    for log in logs:
        with log.open("wb") as out:
            procs.append(
                subprocess.Popen([*cli, "worker"], env=env, cwd=ROOT, stdout=out, stderr=out)
            )
    engine = create_engine(sync_url(url))
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all(b"workers started" in log.read_bytes() for log in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"{name}: workers did not start; see {folder}")
            time.sleep(0.1)
        time.sleep(1.0)  # let the first empty looks and the LISTEN connection settle
        worker_pids = [p.pid for p in procs]
        database = name == "postgresql"
        cpu_before = cpu_seconds(worker_pids), cpu_seconds(postgres_pids() if database else [])
        started = time.monotonic()
        steps = seed(engine, residents, each, name)
        while (left := pending(engine))[0]:
            if time.monotonic() - started > RUN_TIMEOUT:
                raise SystemExit(f"{name}: {left[0]} messages still pending; see {folder}")
            time.sleep(0.05)
        seconds = time.monotonic() - started
        worker_cpu = _used(cpu_before[0], cpu_seconds(worker_pids))
        database_cpu = _used(cpu_before[1], cpu_seconds(postgres_pids() if database else []))
        return Figure(name, workers, steps, seconds, left[1], worker_cpu, database_cpu)
    finally:
        engine.dispose()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:  # still sending the replies: the figure is taken
                proc.kill()
                proc.wait(10)


def postgres_database(server: str, name: str) -> str | None:
    """Create database `name` on `server`; its async URL, or None when no server answers."""
    admin = create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: the PostgreSQL rows are skipped
        print(f"PostgreSQL not available at {server.split('@')[-1]}: {exc.__class__.__name__}")
        return None
    finally:
        admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(server: str, name: str) -> None:
    admin = create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--each", type=int, default=6)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LOKET_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432"
        ),
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    total = args.residents * args.each
    print(f"messages per setup: {args.residents} residents x {args.each} = {total}")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="loket-scaleout-") as tmp:
        for workers in () if args.no_postgres else (1, 2):
            name = f"loket_bench_scaleout_{os.getpid()}_{workers}"
            url = postgres_database(args.postgres, name)
            if url is None:
                break
            try:
                folder = Path(tmp) / f"pg{workers}"
                folder.mkdir()
                figures.append(
                    run_setup("postgresql", url, workers, args.residents, args.each, folder)
                )
            finally:
                drop_database(args.postgres, name)
            print(f"  {figures[-1].setup} x{workers}: {figures[-1].per_second:.1f} steps/s")
        if not args.no_sqlite:
            folder = Path(tmp) / "sqlite"
            folder.mkdir()
            url = f"sqlite+aiosqlite:///{folder / 'loket.db'}"
            figures.append(run_setup("sqlite", url, 1, args.residents, args.each, folder))
            print(f"  sqlite x1: {figures[-1].per_second:.1f} steps/s")
    print()
    print(
        "| setup | worker processes | messages | seconds | steps/s | set aside "
        "| worker CPU s | database CPU s | cores busy |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in figures:
        print(
            f"| {f.setup} | {f.workers} | {f.steps} | {f.seconds:.1f} | {f.per_second:.1f} "
            f"| {f.set_aside} | {f.worker_cpu:.1f} | {f.database_cpu:.1f} "
            f"| {f.cores_busy:.2f} of {os.cpu_count()} |"
        )
    pg = {f.workers: f for f in figures if f.setup == "postgresql"}
    if 1 in pg and 2 in pg:
        print(f"\nratio two workers / one on PostgreSQL: {pg[2].per_second / pg[1].per_second:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
