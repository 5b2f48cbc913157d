"""Golden conversations: every file in tests/flows/golden replayed with a fixed clock and ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.engine_data import GOLDEN_DIR
from tests.support.golden import load, replay, save

FILES = sorted(GOLDEN_DIR.glob("*.yaml"))


def test_there_are_golden_files_for_every_shipped_service(catalog) -> None:
    names = {path.stem for path in FILES}
    for code in catalog.services:
        assert f"service_{code}" in names


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_golden_conversation(path: Path, make_engine, clock, update_golden: bool) -> None:
    golden = load(path)
    result = replay(make_engine(), clock, golden)
    if update_golden:
        save(path, golden, result.events)
        return
    for index, (step, produced) in enumerate(zip(golden["steps"], result.events, strict=True)):
        assert produced == step.get("expect"), f"step {index + 1}: {step['input']}"
