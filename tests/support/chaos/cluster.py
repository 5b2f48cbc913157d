"""`loket serve` and `loket worker` as real processes, killed with SIGKILL and started again.

Each process writes its output to a log file of its own under the test's folder (one file per
start), so a failing run can be read afterwards; `disruptions` records when each kill happened,
which tells an explained duplicate send from an unexplained one.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# Generous: on a machine shared with other test runs, start-up alone has taken a minute.
START_TIMEOUT_SECONDS = 180.0
REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Disruption:
    """Something that can explain a duplicate send: a kill (start == end) or an outage."""

    what: str
    start: float
    end: float


@dataclass
class Cluster:
    """`serves` serve processes (which run workers too unless told not to) and `workers` worker
    processes; the first serve is "serve", the others "serve2", "serve3"..."""

    env: dict[str, str]
    logs: Path
    workers: int
    serve_workers: bool = True
    serves: int = 1
    port: int = field(default_factory=free_port)
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    disruptions: list[Disruption] = field(default_factory=list)
    kills: int = 0
    _starts: int = 0
    _logs: dict[str, Path] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def serve_names(self) -> list[str]:
        return ["serve"] + [f"serve{i}" for i in range(2, self.serves + 1)]

    @property
    def base_urls(self) -> list[str]:
        """Every serve's URL (a load balancer would spread webhooks over them)."""
        return [f"http://127.0.0.1:{self._port(name)}" for name in self.serve_names]

    def _port(self, name: str) -> int:
        if name == "serve":
            return self.port
        return self.ports.setdefault(name, free_port())

    @property
    def names(self) -> list[str]:
        return self.serve_names + [f"worker{i}" for i in range(1, self.workers + 1)]

    def start(self) -> None:
        for name in self.names:
            self._spawn(name)
        self.wait_until_ready()

    def _spawn(self, name: str) -> None:
        self._starts += 1
        self.logs.mkdir(parents=True, exist_ok=True)
        if name.startswith("serve"):
            args = ["serve", "--port", str(self._port(name))]
            args += [] if self.serve_workers else ["--no-workers"]
        else:
            args = ["worker"]
        self._logs[name] = self.logs / f"{self._starts:03d}-{name}.log"
        with self._logs[name].open("wb") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "app.cli", *args],
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        waiting = list(zip(self.serve_names, self.base_urls, strict=True))
        while waiting and time.monotonic() < deadline:
            name, url = waiting[0]
            serve = self.processes[name]
            if serve.poll() is not None:
                raise AssertionError(
                    f"loket {name} exited with {serve.returncode}; see {self.logs}"
                )
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    waiting.pop(0)
                    continue
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        if waiting:
            raise AssertionError(f"loket {waiting[0][0]} was not ready in time; see {self.logs}")

    def wait_working(self, name: str) -> None:
        """Until `name` is past its start-up: serve answers /readyz, a worker's loops run (a kill
        during the imports would test nothing)."""
        if name == "serve":
            self.wait_until_ready()
            return
        log = self._logs[name]
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if b'"workers started"' in log.read_bytes():
                return
            if self.processes[name].poll() is not None:
                raise AssertionError(f"{name} exited by itself; see {log}")
            time.sleep(0.1)
        raise AssertionError(f"{name} did not start its loops in time; see {log}")

    def kill(self, name: str) -> None:
        """SIGKILL one process (no chance to release leases or finish a transaction)."""
        process = self.processes[name]
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        self.kills += 1
        now = time.monotonic()
        self.disruptions.append(Disruption(f"SIGKILL {name}", now, now))

    def restart(self, name: str) -> None:
        self._spawn(name)
        if name == "serve":
            self.wait_until_ready()

    def exited(self) -> list[str]:
        """Processes that ended without being killed by the test (a crash is a finding)."""
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
