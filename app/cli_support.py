"""What every `loket` sub-command shares: the one-line error and the settings loader.

The main command (app/cli.py) imports every sub-command module to build its parser; those modules
import this one, never app/cli.py, so the imports run one way.
"""

from __future__ import annotations

from app.config import Settings, load_settings
from app.observability import configure_logging


class CommandError(Exception):
    """A failure to report as one line on stderr (exit status 1)."""


def command_settings() -> Settings:
    """The settings from the environment, with logging configured as they ask."""
    settings = load_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return settings
