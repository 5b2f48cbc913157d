"""Service files name their format's version; a version this Loket does not know is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.flows.catalog import (
    SHIPPED_DIR,
    SPEC_VERSION,
    CatalogError,
    CatalogInvalid,
    check_catalog,
    load_catalog,
)

VALID = (Path(__file__).parent / "data" / "broken" / "valid" / "surat.yaml").read_text("utf-8")


def _folder_with(tmp_path: Path, head: str) -> Path:
    (tmp_path / "surat.yaml").write_text(head + VALID, "utf-8")
    return tmp_path


def test_every_shipped_file_declares_the_current_version() -> None:
    versions = {
        path.name: yaml.safe_load(path.read_text("utf-8")).get("spec_version")
        for path in sorted(SHIPPED_DIR.glob("*.yaml"))
    }
    assert SPEC_VERSION == 1
    assert versions == {
        "akta_kelahiran.yaml": 1,
        "akta_kematian.yaml": 1,
        "kia.yaml": 1,
        "kk.yaml": 1,
        "ktp.yaml": 1,
        "pindah.yaml": 1,
        "sipi_perpanjangan.yaml": 1,
    }


def test_a_file_of_version_1_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_folder_with(tmp_path, "# a comment\nspec_version: 1\n"))
    assert list(catalog.services) == ["surat"]


def test_a_file_without_a_version_is_read_as_version_1(tmp_path: Path) -> None:
    assert list(load_catalog(_folder_with(tmp_path, "")).services) == ["surat"]


def test_an_unknown_version_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, "# a comment\nspec_version: 2\n")
    assert check_catalog(folder) == [
        CatalogError(
            "surat.yaml",
            2,
            "unknown spec_version 2: this Loket reads service files of spec_version 1; "
            "write the file for that version or upgrade Loket",
        )
    ]
    with pytest.raises(CatalogInvalid, match=r"^surat.yaml:2: unknown spec_version 2: "):
        load_catalog(folder)


@pytest.mark.parametrize("written", ["'1'", "1.5", "true", "[1]"])
def test_a_version_that_is_not_a_whole_number_is_refused(tmp_path: Path, written: str) -> None:
    folder = _folder_with(tmp_path, f"spec_version: {written}\n")
    value = yaml.safe_load(f"v: {written}")["v"]
    assert check_catalog(folder) == [
        CatalogError("surat.yaml", 1, f"spec_version must be a whole number (1), not {value!r}")
    ]
