"""Choice answers in the words residents use: regional yes/no, sex, and family relationships.

The catalog's choices carry their own keywords; the words here are the ones every service with
such a choice needs, kept in one place instead of being copied into each service file: they are
keyed by the conventional choice ids (`ya`/`tidak`, `laki_laki`/`perempuan`, and the
relationship choices `suami_istri`, `anak`, `orang_tua`, `lainnya`).
"""

from __future__ import annotations

from typing import Literal

from app.flows.lexicon import word_set
from app.flows.textmatch import NO_WORDS, YES_WORDS, normalize, reading_words, without_thanks

# Extra words per conventional choice id (normalised).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "laki_laki": (
        "lanang", "jaler", "pameget", "lalaki", "cowo", "cowok", "cwo", "cwok", "lelaki",
        "putra", "anak laki", "anak laki laki", "bapak bapak", "burane", "bura ne",
        "man", "boy", "m", "laki laki",
    ),
    "perempuan": (
        "wadon", "awewe", "istri", "cewe", "cewek", "cwe", "cwek", "putri", "anak perempuan",
        "ibu ibu", "padusi", "makkunrai", "baine", "woman", "girl", "f", "perempuan",
    ),
}  # fmt: skip
# Saying that something exists ("ada") or not, in Indonesian and regional languages.
EXISTS = word_set("ada enten wonten onten ono ana aya ado engka nia punya sudah ada iya ada ya ada")
NOT_EXISTS = (
    "tidak ada", "belum ada", "tidak punya", "belum punya", "mboten wonten", "mboten enten",
    "boten wonten", "ora ono", "ora ana", "teu aya", "euweuh", "indak ado", "degaga",
    "de gaga", "tena", "tenaja", "don t have", "do not have", "not yet",
)  # fmt: skip

Group = Literal["spouse", "parent", "child", "other"]
KIN: dict[str, Group] = {
    **dict.fromkeys(word_set("suami istri isteri bini husband wife spouse"), "spouse"),
    **dict.fromkeys(
        word_set(
            "bapak ayah bapa bpk papa papi abah abi mamak mama mami ibu umi emak mak bunda ibunda "
            "ayahanda ortu father mother dad mom parent"
        ),
        "parent",
    ),
    **dict.fromkeys(word_set("anak putra putri son daughter child"), "child"),
    **dict.fromkeys(
        word_set(
            "kakak adik adek saudara kakek nenek cucu paman om bibi tante keponakan ponakan ipar "
            "mertua menantu sepupu tetangga teman sibling brother sister grandfather grandmother "
            "grandchild uncle aunt nephew niece cousin neighbour neighbor friend"
        ),
        "other",
    ),
}
RELATION = {"spouse": "suami_istri", "parent": "orang_tua", "child": "anak", "other": "lainnya"}
INVERSE: dict[Group, Group] = {
    "spouse": "spouse",
    "parent": "child",
    "child": "parent",
    "other": "other",
}
_MINE = frozenset({"saya", "kami", "gue", "gw"})
_THEIRS = frozenset({"nya", "dia", "beliau", "almarhum", "almarhumah", "alm", "almh"})


def yes_no_answer(text: str) -> Literal["ya", "tidak"] | None:
    """ "ya"/"tidak" for a yes or no (also "enten", "mboten wonten", "de'", "tena")."""
    words = without_thanks(reading_words(text))
    phrase = f" {' '.join(words)} "
    if any(f" {no} " in phrase for no in NOT_EXISTS):
        return "tidak"
    if not words:
        return None
    if words[0] in NO_WORDS:
        return "tidak"
    if words[0] in YES_WORDS or words[0] in EXISTS:
        return "ya"
    return None


def relationship(text: str) -> str | None:
    """The reporter's relationship to the person the request is about, as a choice id.

    "istrinya" / "saya anaknya" say what the resident is (wife, child); "suami saya" / "anak
    sy" / "bapak saya" say what the other person is to them, so the relationship is the
    inverse (the reporter of "anak saya" is a parent). A bare word ("anak", "bapak") is read
    as the button titles read: what the resident is.
    """
    words = normalize(text).replace("orang tua", "ortu").split()
    found: set[str] = set()
    for index, word in enumerate(words):
        kin, owner = _kin(word)
        if kin is None:
            continue
        after = words[index + 1] if index + 1 < len(words) else ""
        before = words[index - 1] if index > 0 else ""
        if owner is None:
            if after in _MINE or before == "my":
                owner = "mine"
            elif after in _THEIRS or before in {"his", "her", "saya"}:
                owner = "theirs"
        group = INVERSE[kin] if owner == "mine" else kin
        found.add(RELATION[group])
    return found.pop() if len(found) == 1 else None


def _kin(word: str) -> tuple[Group | None, str | None]:
    """The kin group of a word and whose it is by its suffix ("anaknya", "bapakku")."""
    if word in KIN:
        return KIN[word], None
    for suffix, owner in (("nya", "theirs"), ("ku", "mine")):
        base = word.removesuffix(suffix)
        if base != word and base in KIN:
            return KIN[base], owner
    return None, None
