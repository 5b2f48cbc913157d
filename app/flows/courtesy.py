"""Short, warm replies to thanks, greetings, acknowledgements and emoji.

A resident who says "terima kasih", "mksh bang 🙏", "assalamualaikum" or "👍" is being polite,
not asking for anything: the reply is one short line in kind, never "belum mengerti" and never
a menu they did not ask for. The line follows how the resident wrote: a salam is answered with
a salam, English courtesy in English even in an Indonesian conversation.
"""

from __future__ import annotations

from app.flows.textmatch import normalize

# Ways of writing the Islamic greeting; it is answered with "Waalaikumsalam".
_SALAM = ("assalam", "asalam", "asslm", "aslm", "salamualaikum", "assalamu")
# Courtesy words only English writers use (Indonesians write "makasih", "ok", "halo").
_ENGLISH = frozenset(
    [
        "thank",
        "thanks",
        "thx",
        "you",
        "very",
        "much",
        "welcome",
        "hello",
        "hi",
        "good",
        "morning",
        "afternoon",
        "evening",
        "noted",
        "great",
        "okay",
        "cheers",
    ]
)
_INDONESIAN = frozenset(
    [
        "makasih",
        "terima",
        "kasih",
        "banyak",
        "pak",
        "bu",
        "bang",
        "mas",
        "mbak",
        "kak",
        "min",
        "selamat",
    ]
)


def writes_english(text: str) -> bool:
    """True for courtesy written in English ("thank you", "good morning")."""
    words = normalize(text).split()
    return (
        bool(words)
        and any(word in _ENGLISH for word in words)
        and not any(word in _INDONESIAN for word in words)
    )


def is_salam(text: str) -> bool:
    """True for "assalamualaikum" and its chat spellings."""
    compact = normalize(text).replace(" ", "")
    return compact.startswith(_SALAM)


def courtesy_key(kind: str, text: str) -> str:
    """The message key answering courtesy of `kind` ("thanks", "greeting", "ack", "emoji")."""
    if kind == "greeting" and is_salam(text):
        return "courtesy.salam"
    if kind in {"thanks", "greeting", "ack", "emoji"}:
        return f"courtesy.{kind}"
    return "courtesy.ack"
