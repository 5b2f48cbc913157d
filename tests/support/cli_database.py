"""The operator commands run as `python -m app.cli` on one fresh database, in a scratch folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class Loket:
    """Runs `python -m app.cli ...` on one database, in a scratch folder, in sandbox mode."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url = database_url
        self.workdir = workdir

    def __call__(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            env={
                **clean,
                "DATABASE_URL": self.database_url,
                "LOKET_VAR_DIR": str(self.workdir / "var"),
                "LOKET_LOG_JSON": "false",
                **(env or {}),
            },
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.workdir,
        )
