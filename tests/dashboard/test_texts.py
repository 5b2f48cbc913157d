"""The dashboard's text catalogs: both languages alike, every key the pages name is there, and
a broken catalog stops the dashboard at start-up with the key at fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.dashboard.texts import TEXTS_DIR, TextsInvalid, load_texts, placeholders

DASHBOARD_DIR = TEXTS_DIR.parent
# t("key") in templates, translate("key", …) and p.t("key") in the routes and presenters; not
# a prefix a name is added to (t("audit_tab_" ~ tab)).
_LITERAL_KEY = re.compile(r'(?:\bt|translate)\(\s*"([a-z0-9_]+)"\s*[,)]')


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    tables = load_texts().tables
    assert list(tables) == ["id", "en"]
    assert tables["id"].keys() == tables["en"].keys()
    for key, text in tables["id"].items():
        assert placeholders(text) == placeholders(tables["en"][key]), key


def test_every_literal_key_in_the_pages_and_the_code_exists() -> None:
    known = load_texts()
    used: set[str] = set()
    for path in [*DASHBOARD_DIR.glob("templates/*.html"), *DASHBOARD_DIR.glob("*.py")]:
        used |= set(_LITERAL_KEY.findall(path.read_text("utf-8")))
    assert len(used) > 100, "the key pattern no longer finds the keys"
    assert sorted(key for key in used if key not in known) == []


def test_a_text_reads_in_the_language_asked_and_indonesian_otherwise() -> None:
    texts = load_texts()
    assert texts.text("login_failed", "en") == "Wrong username or password."
    assert texts.text("login_failed", "id") == "Nama pengguna atau kata sandi salah."
    assert texts.text("login_failed", "fr") == "Nama pengguna atau kata sandi salah."
    assert "login_failed" in texts
    assert "no_such_text" not in texts
    with pytest.raises(KeyError, match="no dashboard text 'no_such_text'"):
        texts.text("no_such_text", "id")


def _catalogs(folder: Path, indonesian: str, english: str) -> Path:
    (folder / "id.yaml").write_text(indonesian, "utf-8")
    (folder / "en.yaml").write_text(english, "utf-8")
    return folder


@pytest.mark.parametrize(
    ("indonesian", "english", "reason"),
    [
        ("a: Satu\nb: Dua\n", "a: One\n", r"en\.yaml and id\.yaml differ in keys: \['b'\]"),
        ("a: Satu\na: Dua\n", "a: One\n", r"text 'a' is written twice"),
        ("a: '{n} hari'\n", "a: '{count} days'\n", r"en\.yaml: 'a' has other placeholders"),
        ("a: '{n hari'\n", "a: '{n days'\n", r"id\.yaml: 'a': "),
        ("a: Ya\nb: Tidak\n", "a: Fine\nb: No\n", r"en\.yaml: 'b' is not a key with a text"),
        ("- Satu\n", "- One\n", r"id\.yaml: not a mapping of keys to texts"),
    ],
    ids=["missing key", "key twice", "other placeholder", "lone brace", "not a text", "list"],
)
def test_a_broken_catalog_is_refused_with_the_key_at_fault(
    tmp_path: Path, indonesian: str, english: str, reason: str
) -> None:
    with pytest.raises(TextsInvalid, match=reason):
        load_texts(_catalogs(tmp_path, indonesian, english))
