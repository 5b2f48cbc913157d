"""Markdown tables for the benches, and the sections of bench/*.md they are written into."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def table(header: Sequence[str], rows: Sequence[Sequence[object]], *, left: int = 1) -> str:
    """A Markdown table: the first `left` columns aligned left, the others (figures) right."""
    align = ["---" if i < left else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def replace_section(path: Path, begin: str, end: str, text: str) -> None:
    """Put `text` between the markers `begin` and `end` of the file at `path`."""
    document = path.read_text(encoding="utf-8")
    start, stop = document.index(begin) + len(begin), document.index(end)
    path.write_text(f"{document[:start]}\n{text}\n{document[stop:]}", encoding="utf-8")
