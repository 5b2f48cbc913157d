"""`loket serve` as a process: health, readiness before and after migration, graceful SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.environment import _backend
from tests.support.server import _free_port, _wait_until_up

pytestmark = pytest.mark.skipif(
    _backend() != "sqlite", reason="runs its own SQLite database; the backend does not matter"
)


def _env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
    return {
        **clean,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "LOCKER_URL": f"file:{tmp_path / 'locker'}",
        "LOKET_VAR_DIR": str(tmp_path / "var"),
        "LOKET_LOG_JSON": "true",
    }


def test_serve_is_not_ready_until_migrated_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = _env(tmp_path)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_up(base, process)
        assert httpx.get(f"{base}/readyz").status_code == 503  # serve does not migrate
        migrated = subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"], env=env, capture_output=True, timeout=60
        )
        assert migrated.returncode == 0
        assert httpx.get(f"{base}/readyz").status_code == 200
        metrics = httpx.get(f"{base}/metrics")
        assert metrics.status_code == 200
        assert "loket_webhook_requests" in metrics.text
        simulator = httpx.get(f"{base}/simulator")
        assert simulator.status_code == 200 and "Simulator" in simulator.text

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        assert time.monotonic() - started < 10
        # uvicorn shuts down gracefully, then re-raises the signal for the parent to see.
        assert process.returncode in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
        stdout, stderr = process.communicate(timeout=10)
    assert f"simulator: http://localhost:{port}/simulator" in stdout
    assert f"dashboard: http://localhost:{port}/dashboard/" in stdout
    assert '"event": "workers stopped"' in stderr
    assert '"event": "loket stopped"' in stderr
    # One format: uvicorn's own lines and its access log are JSON like Loket's.
    lines = [json.loads(line) for line in stderr.splitlines()]
    assert {"event": "Application startup complete.", "logger": "uvicorn.error"}.items() <= (
        next(line for line in lines if line["event"] == "Application startup complete.").items()
    )
    access = [line for line in lines if line.get("logger") == "uvicorn.access"]
    readiness = [a for a in access if a["path"] == "/readyz"]
    assert [(a["event"], a["method"], a["path"], a["status"]) for a in readiness] == [
        ("http request", "GET", "/readyz", 503),
        ("http request", "GET", "/readyz", 200),
    ]
    assert not [line for line in lines if "Context impl" in line["event"]]


def test_serve_on_a_taken_port_says_so_in_one_line_before_any_url(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"loket: port {port} on 127.0.0.1 is already in use: stop the program using it "
        "or choose another port with --port"
    ]


def test_serve_refuses_a_malformed_trusted_proxy_list(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--forwarded-allow-ips", "10.0.0.1,proxy"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "loket: --forwarded-allow-ips: 'proxy' is not an IP address or network"
    ]
