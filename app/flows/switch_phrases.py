"""How residents say they changed their mind, and how they answer "Switch to ...?".

The intent model knows the Indonesian ways of changing one's mind ("eh salah, mau KK aja");
English writers say it differently: "sorry, I meant KK", "actually I want a KIA instead",
"wrong one, birth certificate please", "change to family card". A message that names another
service *and* says one of these is a switch; naming a service alone is not ("sorry, my KK is at
my mother's house" at the KK document is about the document).
"""

from __future__ import annotations

import re

from app.flows.textmatch import is_no, is_yes, normalize

# Phrases (normalised text) that turn a named service into a change of mind. Plain "sorry",
# "actually" or "wrong" are not enough: "wrong KK number", "actually the KK is lost".
_ENGLISH_PHRASES = (
    "i meant",
    "i mean",
    "meant to",
    "instead",
    "wrong one",
    "wrong service",
    "change to",
    "change it to",
    "changed my mind",
    "switch to",
    "switch it to",
    "rather",
    "my mistake",
    "my bad",
    "oops",
    "no wait",
    "i want a",
    "i want an",
    "i want the",
    "i want to apply",
    "i would like a",
    "i d like a",
)
_INDONESIAN_PHRASES = ("maksud saya", "maksudnya", "ganti ke", "ganti jadi", "salah pilih")
_CHANGE_OF_MIND = _ENGLISH_PHRASES + _INDONESIAN_PHRASES
# The English ones: a resident who changes her mind in English is answered in English.
_ENGLISH_CHANGE = re.compile(
    r"\b(?:"
    + "|".join(re.escape(phrase) for phrase in _ENGLISH_PHRASES)
    + r"|please|sorry|actually)\b"
)
# Indonesian words that make a message Indonesian even with an English word in it.
_INDONESIAN = frozenset(
    [
        "saya",
        "mau",
        "aja",
        "saja",
        "yang",
        "ganti",
        "salah",
        "maksud",
        "maksudnya",
        "untuk",
        "buat",
        "urus",
        "dong",
        "deh",
        "ya",
        "kak",
        "min",
        "pak",
        "bu",
        "nya",
        "tolong",
        "ingin",
        "pengen",
        "eh",
    ]
)
_PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(phrase) for phrase in _CHANGE_OF_MIND) + r")\b")
# Words that open a correction ("eh salah, ...", "sorry, ..."), before what is wanted.
_OPENERS = frozenset(
    {"eh", "ehh", "salah", "maaf", "sorry", "oops", "ups", "wait", "no", "bukan", "waduh", "aduh"}
)
# Acts of the intent model that are never a switch, whatever service they name.
NOT_A_SWITCH = frozenset({"not_yet", "dont_know", "withdraw", "question"})
# Replies to the switch question beyond the plain yes and no words.
_YES_REPLIES = frozenset(
    {"sure", "yeah", "yep", "please", "go ahead", "do it", "switch", "ganti", "iya ganti"}
)
_NO_REPLIES = frozenset(
    {"keep", "stay", "never mind", "nevermind", "no thanks", "tetap", "tidak usah", "jangan"}
)


def changes_mind(text: str) -> bool:
    """True when `text` says the resident wants something other than what they started."""
    # "I'd like" normalises to "i d like"; apostrophes elsewhere ("don't") do not matter here.
    return _PATTERN.search(normalize(text)) is not None


def english_change(text: str) -> bool:
    """True when a change of mind is written in English ("sorry, I meant KK")."""
    norm = normalize(text)
    return (
        changes_mind(text)
        and _ENGLISH_CHANGE.search(norm) is not None
        and not any(word in _INDONESIAN for word in norm.split())
    )


def without_change_of_mind(text: str) -> str:
    """`text` normalised, without the change-of-mind phrases and the words that open a
    correction: "change to family card" names the family card, not its "changed data" variant,
    and "eh salah, mau KK aja" does not ask for the KK's "data salah" variant."""
    words = _PATTERN.sub(" ", normalize(text)).split()
    while words and words[0] in _OPENERS:
        words.pop(0)
    return " ".join(words)


def switch_reply(text: str, *, named: str | None, target: str, current: str) -> bool | None:
    """Yes (switch), no (stay) or None (not an answer) to "Switch to `target`?".

    `named` is the service the reply names, if any: naming the new service is a yes ("yes,
    the KK"), naming the one being filled in is a no ("no, keep the KTP"), naming a third one is
    neither.
    """
    if named == current:
        return False
    if named is not None and named != target:
        return None  # "mau KIA aja": a third service, which asks its own switch question
    norm = normalize(text)
    if is_no(text) or any(norm.startswith(reply) for reply in _NO_REPLIES):
        return False
    if named == target or is_yes(text) or any(norm.startswith(reply) for reply in _YES_REPLIES):
        return True
    return None
