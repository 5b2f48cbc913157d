"""Which office handles a new request, and which village pre-checks it first (Cari Besi).

A service is handled at the office level its catalog entry names (village, district, regency).
The resident's village decides which office of that level: the village's own ancestor there.
When that office is above the village, the village checks the file first and forwards it.

The village is the office the request was taken at (a counter request at a village office),
else the one village whose name the resident wrote in the answers ("..., Desa Lappa"). With no
village, routing is what it always was: the only office of that level, else the root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.models import Office, OfficeLevel
from app.requests import repository

# Words an office name starts with that say what it is, not which one it is: "Kantor Desa
# Lappa" is found in an address as "Lappa". Addresses write these words in many ways
# ("Ds.", "Kel."), so only the name's distinctive words are matched.
NAME_PREFIXES = frozenset(
    {"kantor", "desa", "kelurahan", "nagari", "kampung", "gampong", "pekon", "lembang"}
    | {"kecamatan", "camat", "distrik"}
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Route:
    """The handling office (None: there are no offices) and the pre-checking village, if any."""

    office: Office | None
    precheck_office: Office | None = None

    @property
    def office_id(self) -> int | None:
        return self.office.id if self.office else None

    @property
    def precheck_office_id(self) -> int | None:
        return self.precheck_office.id if self.precheck_office else None


def words(text: str) -> list[str]:
    """Lower-case words of `text`: letters and digits, split at spaces and punctuation."""
    return _WORD.findall(text.casefold())


def distinctive_words(name: str) -> tuple[str, ...]:
    """An office name without its leading prefixes: "Kantor Desa Lappa" → ("lappa",)."""
    found = words(name)
    while found and found[0] in NAME_PREFIXES:
        found.pop(0)
    return tuple(found)


def _spans(haystack: list[str], needle: tuple[str, ...]) -> list[tuple[int, int]]:
    size = len(needle)
    return [
        (start, start + size)
        for start in range(len(haystack) - size + 1)
        if tuple(haystack[start : start + size]) == needle
    ]


def village_named_in(
    texts: Iterable[str],
    villages: Iterable[Office],
    tree: Mapping[int, Office] | None = None,
) -> Office | None:
    """The one village whose name appears as whole words in `texts`; None if none or several.

    A match inside a longer match is not a match of its own: "Desa Lappa Utara" names Lappa
    Utara, not also Lappa. Villages of the same name in different districts are told apart by
    the district's name in the texts ("Desa Balangnipa, Kec. Sinjai Timur"), given the `tree`.
    """
    texts = list(texts)
    found = _villages_named_in(texts, villages)
    if len(found) > 1 and tree is not None:
        found = [v for v in found if _parent_named_in(texts, v, tree)]
    return found[0] if len(found) == 1 else None


def _parent_named_in(texts: list[str], village: Office, tree: Mapping[int, Office]) -> bool:
    parent = tree.get(village.parent_id) if village.parent_id is not None else None
    name = distinctive_words(parent.name) if parent is not None else ()
    return bool(name) and any(_spans(words(text), name) for text in texts)


def _villages_named_in(texts: list[str], villages: Iterable[Office]) -> list[Office]:
    names = [(office, distinctive_words(office.name)) for office in villages]
    found: dict[int, Office] = {}
    for text in texts:
        haystack = words(text)
        hits = [(span, office) for office, name in names if name for span in _spans(haystack, name)]
        for (start, end), office in hits:
            inside_longer = any(
                s <= start and end <= e and (e - s) > (end - start) for (s, e), _ in hits
            )
            if not inside_longer:
                found[office.id] = office
    return list(found.values())


def _answer_texts(fields: Mapping[str, Any]) -> list[str]:
    return [value for value in fields.values() if isinstance(value, str)]


def _at_level(tree: Mapping[int, Office], start: Office, level: str) -> Office | None:
    """`start` or its nearest ancestor at `level`; None when none is (it is below `start`)."""
    office: Office | None = start
    while office is not None:
        if office.level == level:
            return office
        office = tree.get(office.parent_id) if office.parent_id is not None else None
    return None


def _within(tree: Mapping[int, Office], office: Office, root_id: int) -> bool:
    current: Office | None = office
    while current is not None:
        if current.id == root_id:
            return True
        current = tree.get(current.parent_id) if current.parent_id is not None else None
    return False


async def route_request(
    session: AsyncSession,
    *,
    level: str,
    fields: Mapping[str, Any],
    origin_office_id: int | None = None,
) -> Route:
    """The offices for a new request of a service handled at `level`.

    `origin_office_id` is where an operator took the request down. A village there is the
    resident's village; at a district or regency office, the village is looked for in the
    answers among that office's own villages, and without one the office itself stands in.
    """
    tree = await repository.offices_by_id(session)
    origin = tree.get(origin_office_id) if origin_office_id is not None else None
    anchor: Office | None = origin
    if origin is None or origin.level != OfficeLevel.VILLAGE:
        villages = [
            office
            for office in tree.values()
            if office.level == OfficeLevel.VILLAGE
            and (origin is None or _within(tree, office, origin.id))
        ]
        anchor = village_named_in(_answer_texts(fields), villages, tree) or origin
    handling = _at_level(tree, anchor, level) if anchor is not None else None
    if handling is None:
        return Route(await repository.office_for_level(session, level))
    if anchor is not None and anchor.level == OfficeLevel.VILLAGE and handling.id != anchor.id:
        return Route(handling, precheck_office=anchor)
    return Route(handling)
