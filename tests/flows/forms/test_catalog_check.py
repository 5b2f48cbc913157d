"""A service that cannot become a WhatsApp Flow is a catalog error with file, line and reason,
unless it opts out with `flow: false`."""

from __future__ import annotations

from pathlib import Path

from app.flows.catalog import CatalogError, check_catalog, load_catalog
from tests.support.cli import loket
from tests.support.engine_data import DATA_DIR

NOT_A_FLOW = DATA_DIR / "broken" / "not_a_flow"
REASON = (
    "cannot become a WhatsApp Flow form: label 'Alamat tinggal sekarang' has 23 characters; "
    "a TextArea label may have at most 20, even abbreviated (id); give the field a shorter "
    "form_label (or set flow: false)"
)


def test_check_names_the_file_line_and_reason() -> None:
    assert check_catalog(NOT_A_FLOW) == [CatalogError("surat.yaml", 19, REASON)]


def test_loket_catalog_check_reports_it_and_exits_1() -> None:
    result = loket("catalog", "check", str(NOT_A_FLOW))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"loket: surat.yaml:19: {REASON}"]


def test_flow_false_keeps_the_service_in_the_chat(tmp_path: Path) -> None:
    text = (NOT_A_FLOW / "surat.yaml").read_text("utf-8")
    (tmp_path / "surat.yaml").write_text(text + "flow: false\n", "utf-8")
    assert check_catalog(tmp_path) == []
    assert load_catalog(tmp_path).get("surat").flow is False
