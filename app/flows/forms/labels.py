"""Fitting a catalog label into a component's character limit.

A chat list row allows 24 characters, a Flow text input only 20. A label that is too long is
abbreviated the way Indonesian forms are (No., Tgl., KK); when even that does not fit, the
generator reports it and the catalog author gives a `form_label`.
"""

from __future__ import annotations

import re

# Whole words (case-insensitive) and their usual short forms, per language, longest first.
_ABBREVIATIONS: dict[str, list[tuple[str, str]]] = {
    "id": [
        ("kartu tanda penduduk", "KTP"),
        ("kartu keluarga", "KK"),
        ("surat keterangan", "SK"),
        ("nomor", "No."),
        ("tanggal", "Tgl."),
        ("keterangan", "Ket."),
        ("jumlah", "Jml."),
        ("tempat", "Tmp."),
        ("perkawinan", "kawin"),
        ("kelahiran", "lahir"),
        ("telepon", "telp."),
    ],
    "en": [
        ("date of birth", "Birth date"),
        ("identity card", "ID card"),
        ("family card", "KK"),
        ("certificate", "cert."),
        ("telephone", "phone"),
        ("number", "no."),
        ("registration", "reg."),
        ("information", "info"),
    ],
}
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def fit_label(text: str, limit: int, language: str) -> str | None:
    """`text` itself when it fits in `limit` characters, else an abbreviation that fits, else None.

    Steps, each tried only while the label is still too long: the language's usual
    abbreviations, then dropping a parenthesised remark ("Ukuran kapal (GT)" → "Ukuran kapal").
    """
    label = " ".join(text.split())
    if len(label) <= limit:
        return label
    for long, short in _ABBREVIATIONS["en" if language == "en" else "id"]:
        label = _replace_word(label, long, short)
        if len(label) <= limit:
            return label
    label = _PARENTHESES.sub("", label).strip()
    return label if 0 < len(label) <= limit else None


def _replace_word(text: str, long: str, short: str) -> str:
    def keep_case(match: re.Match[str]) -> str:
        found = match.group(0)
        if found[0].isupper() and short[0].islower():
            return short[0].upper() + short[1:]
        return short

    return re.sub(rf"\b{re.escape(long)}\b", keep_case, text, flags=re.IGNORECASE)
