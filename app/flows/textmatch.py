"""Reading what residents type: normalising chat spelling, yes/no, picking one of a few options.

Residents write short, misspelled and regional Indonesian ("sy mo", "iya min", "sampun"); the
helpers here turn that into something the engine can compare, and use rapidfuzz for typos.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from app.flows.lexicon import ADDRESS, FILLERS, REGIONAL_NO, REGIONAL_YES, THANKS
from app.flows.numbers import typed_position


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Chat abbreviations and regional words mapped to the standard word they stand for.
SLANG: dict[str, str] = dict(
    pair.split("=")
    for pair in _words(
        "sy=saya sya=saya aku=saya ambo=saya kulo=saya yg=yang dgn=dengan dg=dengan utk=untuk "
        "tdk=tidak gmn=gimana gmna=gimana brp=berapa udh=sudah udah=sudah dah=sudah sdh=sudah "
        "blm=belum blum=belum mo=mau pgn=pengen bkn=bukan krn=karena kmrn=kemarin tlg=tolong "
        "ilang=hilang akte=akta bikin=buat bkin=buat thn=tahun th=tahun ga=tidak gak=tidak "
        "nggak=tidak enggak=tidak ngga=tidak tak=tidak indak=tidak ndak=tidak dereng=belum "
        "sampun=sudah slmt=selamat ass=assalamualaikum askum=assalamualaikum"
    )
)

YES_WORDS = (
    _words(
        "ya iya y yes yoi yup betul benar bener sudah ok oke okay okey siap setuju boleh lanjut "
        "sip mau iye nggih inggih yo"
    )
    | REGIONAL_YES
)
NO_WORDS = _words("tidak no n bukan belum jangan nope nanti batal g gk engga") | REGIONAL_NO
DONE_WORDS = frozenset(
    {"selesai", "sudah semua", "sudah", "udah", "done", "finished", "itu saja", "cukup", "lanjut"}
)
# What a resident may say when a document is complete ("udah itu aja", "sudah lengkap pak"),
# read after `reading_words` has dropped address words, fillers and thanks.
DONE_PHRASES = DONE_WORDS | frozenset(
    {
        "sudah itu", "sudah itu saja", "itu", "segitu", "segitu saja", "sudah segitu",
        "cuma itu", "hanya itu", "sudah cukup", "sudah lengkap", "lengkap", "semua sudah",
        "sudah semuanya", "semuanya sudah", "sudah begitu", "begitu saja", "sudah selesai",
        "tidak ada lagi", "sudah tidak ada lagi", "that s all",
        "thats all", "that is all", "all done", "no more", "nothing else", "sudah kirim semua",
        "sudah saya kirim semua", "sudah dikirim semua", "sudah semua ya",
    }
)  # fmt: skip
# Chat spellings that `normalize` keeps (the intent rules depend on its exact output) but
# that answers need read: "aja" is "saja", "gtu" is "begitu", "bnr" is "benar".
READING_SLANG: dict[str, str] = dict(
    pair.split("=")
    for pair in _words(
        "aja=saja aj=saja ajah=saja gitu=begitu gtu=begitu gt=begitu bgtu=begitu bgitu=begitu "
        "bnr=benar bner=benar bener=benar btl=betul btul=betul smua=semua smw=semua "
        "smuanya=semuanya tau=tahu tw=tahu gk=tidak g=tidak engga=tidak nda=tidak "
        "gada=tidak_ada gaada=tidak_ada "
        "krim=kirim kirimkan=kirim kirimin=kirim lgi=lagi lg=lagi dlu=dulu dl=dulu cm=cuma "
        "cuman=cuma okey=ok oke=ok okay=ok okeh=ok wes=sudah uwis=sudah wis=sudah mpun=sudah"
    )
)
SKIP_WORDS = frozenset({"lewati", "skip", "-", "tidak ada", "tidak punya", "kosong", "none"})
FUZZY_THRESHOLD = 86


def normalize(text: str) -> str:
    """Lower case, no accents or punctuation, slang expanded, repeated letters squeezed."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("-", " ")
    text = re.sub(r"[^a-z0-9\s]", " ", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)  # "haloooo" -> "halo"
    text = re.sub(r"\b([a-z]+)2\b", r"\1 \1", text)  # "syarat2" -> "syarat syarat"
    words = [SLANG.get(word, word) for word in text.split()]
    return " ".join(words)


def tokens(text: str) -> list[str]:
    """The words of `normalize(text)`."""
    return normalize(text).split()


def reading_words(text: str) -> list[str]:
    """The words of a reply as answers are read: normalised, a few more chat spellings read,
    and the words that carry nothing here (address words, fillers) dropped."""
    words: list[str] = []
    for word in normalize(text).split():
        words += READING_SLANG.get(word, word).replace("_", " ").split()
    return [word for word in words if word not in ADDRESS and word not in FILLERS]


def without_thanks(words: list[str]) -> list[str]:
    """`words` without the phrases of thanks in them ("sudah benar, terima kasih")."""
    text = f" {' '.join(words)} "
    for phrase in sorted(THANKS, key=len, reverse=True):
        text = text.replace(f" {phrase} ", " ")
    return text.split()


def is_yes(text: str) -> bool:
    """True for a plain "yes" in Indonesian, English, chat spelling or a regional language.

    A question is never a yes: "iya?" and "udh gtu aj?" ask something back.
    """
    words = tokens(text)
    return (
        "?" not in text
        and bool(words)
        and len(words) <= 3
        and words[0] in YES_WORDS
        and "tidak" not in words
    )


def is_no(text: str) -> bool:
    """True for a plain "no"."""
    words = tokens(text)
    return bool(words) and len(words) <= 3 and words[0] in NO_WORDS


def is_done(text: str) -> bool:
    """True when the resident says they have sent everything ("selesai", "udah itu aja")."""
    norm = normalize(text)
    if norm in DONE_WORDS or norm.startswith(("sudah semua", "selesai")):
        return True
    words = without_thanks(reading_words(text))
    while len(words) > 1 and words[0] in YES_WORDS:  # "ya udah itu aja", "nggih sampun"
        words = words[1:]
    return " ".join(words) in DONE_PHRASES


def is_skip(text: str) -> bool:
    """True when the resident wants to leave an optional question empty."""
    return normalize(text) in SKIP_WORDS or text.strip() == "-"


@dataclass(frozen=True)
class Option:
    """Something the resident may pick: an id, the titles shown, and extra words."""

    id: str
    titles: Sequence[str]
    keywords: Sequence[str] = ()


def pick_option(text: str, options: Sequence[Option]) -> Option | None:
    """The option the text names: its number ("2"), id, title, keyword, or a close typo."""
    norm = normalize(text)
    if not norm:
        return None
    if norm.isdigit():
        position = typed_position(norm)
        index = -1 if position is None else position - 1
        return options[index] if 0 <= index < len(options) else None
    exact = [opt for opt in options if norm in _names(opt)]
    if len(exact) == 1:
        return exact[0]
    # Named inside a longer message: the option with the longest name found wins, if unique.
    lengths = {
        opt.id: max((len(name) for name in _names(opt) if _contains(norm, name)), default=0)
        for opt in options
    }
    longest = max(lengths.values(), default=0)
    contained = [opt for opt in options if longest and lengths[opt.id] == longest]
    if len(contained) == 1:
        return contained[0]
    best: tuple[float, Option] | None = None
    for option in options:
        score = max((fuzz.ratio(norm, name) for name in _names(option)), default=0.0)
        if score >= FUZZY_THRESHOLD and (best is None or score > best[0]):
            best = (score, option)
    return best[1] if best else None


def _names(option: Option) -> set[str]:
    names = {normalize(option.id.replace("_", " "))}
    names.update(normalize(title) for title in option.titles)
    names.update(normalize(word) for word in option.keywords)
    names.discard("")
    return names


def _contains(text: str, name: str) -> bool:
    # Whole words only, and only names long enough not to match by accident ("l" in "lupa").
    return len(name) >= 3 and re.search(rf"\b{re.escape(name)}\b", text) is not None
