"""Running the `loket` command in a child process, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def loket(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**clean, "LOKET_LOG_JSON": "false", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
