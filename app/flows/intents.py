"""What a resident's message is about: a service from the catalog, or a command.

`classify(text)` returns a service code, one of the commands "menu", "status", "requirements",
"agent", "cancel", "language", "complaint", or None. It is rules plus fuzzy matching, no model:
command phrases are checked in order of precedence (a complaint that names a service is still a
complaint; "syarat kk" asks for requirements), then service keywords from the catalog are found
leftmost-longest ("buat ktp pindahan" is about a KTP, "pindah kk" about moving), then greetings.

`python -m app.flows.intents --evaluate FILE` prints the accuracy on a labelled TSV file.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from app.flows.catalog import Catalog, Service, shipped_catalog
from app.flows.intent_rules import MENU_RULE, STRONG_RULES, WEAK_AGENT_RULE
from app.flows.textmatch import normalize

FUZZY_MIN = 88
FUZZY_MIN_LENGTH = 5
_TICKET = re.compile(r"\b[A-Z]{2,6}-\d{6}-\d{3,6}\b")
_SUFFIXES = ("nya", "ku", "mu")
# Words that only matter inside this module: regional and chat forms of intent words.
_EXTRA_SLANG = {"dados": "jadi", "tulung": "tolong", "complain": "komplain", "komplen": "komplain"}


@dataclass(frozen=True)
class Keyword:
    """One way of naming a service, as normalised words."""

    service: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        """The keyword as one string."""
        return " ".join(self.words)


class IntentClassifier:
    """Classifies messages against one catalog's services."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.keywords = [kw for service in catalog.ordered for kw in _keywords(service)]

    def classify(self, text: str) -> str | None:
        """A service code, a command, or None (see the module docstring)."""
        if _TICKET.search(text):
            return "status"
        words = _words(text)
        if not words:
            return None
        for rule in STRONG_RULES:
            if rule.matches(words):
                return rule.label
        service = self.find_service(text)
        if service is not None:
            return service
        if MENU_RULE.matches(words) or words == ["p"]:
            return "menu"
        if WEAK_AGENT_RULE.matches(words):
            return "agent"
        return None

    def find_service(self, text: str) -> str | None:
        """The service the text names first (leftmost, then longest keyword), if any."""
        words = _words(text)
        for start in range(len(words)):
            best: tuple[float, str] | None = None
            for keyword in self.keywords:
                score = _score(words[start : start + len(keyword.words)], keyword)
                if score and (best is None or score > best[0]):
                    best = (score, keyword.service)
            if best is not None:
                return best[1]
        return None


def _keywords(service: Service) -> list[Keyword]:
    names = [service.code.replace("_", " "), service.names.id, service.names.en]
    found: dict[tuple[str, ...], Keyword] = {}
    for name in [*names, *service.keywords]:
        words = tuple(_words(name))
        if words:
            found[words] = Keyword(service.code, words)
    return list(found.values())


def _score(window: Sequence[str], keyword: Keyword) -> float:
    if len(window) < len(keyword.words):
        return 0.0
    if tuple(window) == keyword.words:
        return len(keyword.text) + 0.5
    if len(keyword.text) < FUZZY_MIN_LENGTH:
        return 0.0
    ratio = fuzz.ratio(" ".join(window), keyword.text)
    return len(keyword.text) * ratio / 100 if ratio >= FUZZY_MIN else 0.0


def _words(text: str) -> list[str]:
    words = [_EXTRA_SLANG.get(word, word) for word in normalize(text).split()]
    return [_strip_suffix(word) for word in words]


def _strip_suffix(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and word not in {"ktpku"}:
            return word[: -len(suffix)]
    return word


_default: IntentClassifier | None = None


def use_catalog(catalog: Catalog) -> None:
    """Make `classify` use this catalog (for example the one in LOKET_CATALOG_DIR)."""
    global _default
    _default = IntentClassifier(catalog)


def classify(text: str) -> str | None:
    """Classify with the loaded catalog (the shipped one unless `use_catalog` was called)."""
    global _default
    if _default is None:
        _default = IntentClassifier(shipped_catalog())
    return _default.classify(text)


def evaluate(path: Path) -> tuple[float, list[tuple[str, str, str]]]:
    """Accuracy on a `text<TAB>label` file ("none" = None) and the rows it got wrong."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    labelled = [(text, label) for text, label in rows[1:] if text] if rows else []
    wrong = []
    for text, label in labelled:
        got = classify(text) or "none"
        if got != label:
            wrong.append((text, label, got))
    accuracy = 1 - len(wrong) / len(labelled) if labelled else 0.0
    return accuracy, wrong


def main(argv: Sequence[str] | None = None) -> int:
    """`--evaluate FILE` prints accuracy and misclassified rows; otherwise classify TEXT."""
    parser = argparse.ArgumentParser(prog="python -m app.flows.intents")
    parser.add_argument("--evaluate", type=Path, help="labelled TSV file: text<TAB>label")
    parser.add_argument("text", nargs="*", help="a message to classify")
    args = parser.parse_args(argv)
    if args.evaluate is not None:
        accuracy, wrong = evaluate(args.evaluate)
        for text, label, got in wrong:
            print(f"{text!r}: expected {label}, got {got}")
        print(f"accuracy: {accuracy:.3f} ({len(wrong)} misclassified)")
        return 0
    print(classify(" ".join(args.text)) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
