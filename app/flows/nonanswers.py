"""Telling a message that is clearly not an answer from one that may be.

While a question is open, residents also ask things back ("iya ada apa?"), thank, greet, say
they do not know, change their mind or type a command. Such a message must never be stored as
the answer. `non_answer` names what it is instead, so the validator can refuse it with a line
that fits, and the engine can tell "not an answer" from "a wrong answer".

Two strictnesses: a name is never a sentence, so for names (`strict=True`) a phrase like "ga
tau" anywhere in a short message is enough; free text may legitimately contain such words
("tanggal lahir di KK salah" answers "what changed?"), so there only the phrase alone counts.
"""

from __future__ import annotations

from typing import Literal, get_args

from app.flows.lexicon import (
    ACKS,
    COMMANDS,
    CORRECTIONS,
    DONT_KNOW,
    GREETINGS,
    NOT_YET,
    QUESTION_STARTS,
    QUESTION_WORDS,
    SERVICE_WORDS,
    SKIPS,
    THANKS,
    WAITS,
)
from app.flows.textmatch import NO_WORDS, reading_words

Kind = Literal[
    "question",
    "wait",
    "thanks",
    "greeting",
    "ack",
    "emoji",
    "command",
    "skip",
    "dont_know",
    "not_yet",
    "correction",
]
KINDS: tuple[Kind, ...] = get_args(Kind)  # each has a line under `not_answer.` (tested)
# Courtesy alone is not a failed try: the resident is polite, not stuck.
COURTESY: frozenset[Kind] = frozenset({"thanks", "greeting", "ack", "emoji", "wait"})
# How long a message may be and still be "just" a don't-know or a correction (strict mode).
SHORT = 8
# Emoji that say something on their own.
THANKS_EMOJI = frozenset("🙏🤲")
ACK_EMOJI = frozenset("👍👌🙂😊👏✅🆗")
# Words that may stand around a phrase that is alone in lenient mode ("saya masih lupa").
_AROUND = frozenset(
    {"saya", "masih", "juga", "itu", "ini", "nya", "kami", "memang", "sudah", "nanti", "dulu"}
    | {"cek", "coba", "lagi", "sih", "pak", "bu"}
)
# Wanting a service, at a question about something else: a change of mind.
_WANTING = frozenset({"mau", "ingin", "pengen", "pingin", "buat", "urus", "bikin", "ganti"})


def non_answer(text: str, *, strict: bool = False) -> Kind | None:
    """What `text` is when it is clearly not an answer; None when it may be one."""
    raw = text.strip()
    if not any(char.isalnum() for char in raw):
        return _symbols(raw) if raw else None
    if "?" in raw:
        return "question"
    words = reading_words(raw)
    while len(words) > 1 and words[-1] in {"ya", "yah"}:  # "tunggu ya", "lupa ya"
        words.pop()
    if not words:  # only address words and fillers: "pak", "hmm"
        return "ack"
    if words[0] in QUESTION_STARTS or _asks(words):
        return "question"
    courtesy = _courtesy(words)
    if courtesy is not None:
        return courtesy
    phrase = " ".join(words)
    if phrase in WAITS:
        return "wait"
    if phrase in COMMANDS or (len(words) <= 2 and words[0] in _command_words()):
        return "command"
    if phrase in SKIPS:
        return "skip"
    if _has(words, DONT_KNOW | NOT_YET, strict=strict):
        return "dont_know" if _has(words, DONT_KNOW, strict=True) else "not_yet"
    if strict and (_has(words, CORRECTIONS, strict=True) or _wants_service(words)):
        return "correction"
    if not strict and _asks_for_service(words):
        return "correction"
    if len(words) == 1 and (words[0] in NO_WORDS or words[0] == "belum"):
        return "not_yet"  # a lone "tidak" / "belum" answers no question that wants data
    return None


def _symbols(raw: str) -> Kind:
    if "?" in raw:
        return "question"
    if any(char in THANKS_EMOJI for char in raw):
        return "thanks"
    if any(char in ACK_EMOJI for char in raw):
        return "ack"
    return "emoji"


def _asks(words: list[str]) -> bool:
    """A short message with a question word in it ("iya ada apa", "terus gimana")."""
    if len(words) > 6:
        return False
    return any(word in QUESTION_WORDS for word in words) or (words[-1] == "apa" and len(words) <= 4)


def _courtesy(words: list[str]) -> Kind | None:
    """Thanks, a greeting or an acknowledgement, when that is all the message says."""
    found: set[str] = set()
    rest = f" {' '.join(words)} "
    for kind, phrases in (("thanks", THANKS), ("greeting", GREETINGS), ("ack", ACKS)):
        for phrase in sorted(phrases, key=len, reverse=True):
            if f" {phrase} " in rest:
                found.add(kind)
                while f" {phrase} " in rest:
                    rest = rest.replace(f" {phrase} ", " ")
    if rest.strip():
        return None
    for kind in ("thanks", "greeting", "ack"):
        if kind in found:
            return kind  # type: ignore[return-value]
    return None


def _has(words: list[str], phrases: frozenset[str], *, strict: bool) -> bool:
    """Strict: one of `phrases` is in a short message. Otherwise: the message is nothing but
    such phrases and a few words around them ("saya lupa, nanti saya cek")."""
    text = f" {' '.join(words)} "
    found = [phrase for phrase in phrases if f" {phrase} " in text]
    if not found:
        return False
    if strict:
        return len(words) <= SHORT
    for phrase in sorted(found, key=len, reverse=True):
        text = text.replace(f" {phrase} ", " ")
    return all(word in _AROUND for word in text.split())


def _wants_service(words: list[str]) -> bool:
    """ "mau buat kk", "ktp", "KIA": a service named where something else was asked."""
    services = [word for word in words if word in SERVICE_WORDS]
    if not services:
        return False
    others = [word for word in words if word not in SERVICE_WORDS]
    return not others or any(word in _WANTING for word in others)


def _asks_for_service(words: list[str]) -> bool:
    """ "mau ganti ke kk", "saya mau urus ktp": a short message that asks for a service."""
    start = words[1:] if words[:1] == ["saya"] else words
    return (
        len(words) <= 6
        and bool(start)
        and start[0] in _WANTING
        and any(word in SERVICE_WORDS for word in words)
    )


def _command_words() -> frozenset[str]:
    return frozenset(phrase for phrase in COMMANDS if " " not in phrase)


def without_trailing_thanks(text: str) -> str:
    """ "Dusun Mawar RT 02, terima kasih pak 🙏" without its closing thanks."""
    words = text.split()
    for cut in range(1, len(words)):
        if _symbols_or_thanks(" ".join(words[cut:])):
            return " ".join(words[:cut]).rstrip(" ,.;-")
    return text


def _symbols_or_thanks(tail: str) -> bool:
    return non_answer(tail) == "thanks"
