"""A person's name out of what a resident types: "nama saya Haji Baso pak" is "Haji Baso".

The words around a name ("nama saya", "my name is", "almarhum", a trailing "pak" or "terima
kasih") are taken off; what is left must look like a name and nothing else (a sentence such as
"saya tinggal di desa" is not one). Names typed all in capitals or all in small letters are
written as Indonesians write them: "ANDI MAPPANYUKKI" is "Andi Mappanyukki", "ahmad bin
abdullah" is "Ahmad bin Abdullah"; a name typed with its own capitals is kept as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.flows.lexicon import SERVICE_WORDS, THANKS, word_set
from app.flows.textmatch import normalize

# Phrases that introduce a name, longest first when matched (normalised words).
LEADS = (
    "nama lengkap saya adalah", "nama lengkap saya", "nama lengkapnya", "nama lengkap",
    "nama saya adalah", "nama saya", "nm saya", "nma saya", "namaku", "namanya adalah", "namanya",
    "nama anak saya", "nama anaknya", "nama anak", "nama ayah saya", "nama ayahnya", "nama ayah",
    "nama bapak saya", "nama bapaknya", "nama bapak", "nama ibu saya", "nama ibunya", "nama ibu",
    "nama almarhum", "nama almarhumah", "nama alm", "nama pemilik kapal", "nama pemilik",
    "nama pemiliknya", "nama suami saya", "nama istri saya", "nama", "nm", "atas nama",
    "my name is", "my name", "name", "i am", "im", "it is", "its", "this is", "saya adalah",
    "saya", "ini", "adalah", "yaitu", "bernama", "almarhum", "almarhumah", "alm", "almh",
    "anak saya bernama", "anak saya", "ayah saya", "bapak saya", "ibu saya", "suami saya",
    "istri saya", "pemilik kapal", "pemiliknya", "pemilik", "bapak", "ibu", "pak", "bu",
    "terima kasih", "makasih", "ok", "oke", "baik", "iya", "ya", "oh", "eh", "halo", "hai",
    "permisi", "maaf", "tabe", "punten", "assalamualaikum", "selamat pagi", "selamat siang",
    "selamat sore", "selamat malam", "kak", "min", "mas", "mbak", "bang", "dek", "nak",
)  # fmt: skip
# Phrases that may follow a name ("... pak", "... sesuai KTP", "... terima kasih").
TAILS = (
    *THANKS,
    "pak", "bu", "bapak", "ibu", "kak", "kakak", "min", "mimin", "admin", "mas", "mbak", "mba",
    "bang", "abang", "dek", "adek", "dik", "nak", "om", "tante", "bro", "sis", "gan", "sir",
    "sesuai ktp", "sesuai kk", "sesuai akta", "sesuai di ktp", "sesuai di kk", "sesuai ktpnya",
    "ya", "yah", "nih", "deh", "aja", "saja", "dong", "banyak", "please", "pls",
)  # fmt: skip
# Words no name contains: a message with one of them is a sentence, not a name. (Words that
# are also names are left out: "Kasih", "Ada", "Mana", "Sama".)
SENTENCE_WORDS = SERVICE_WORDS | word_set(
    "saya aku kamu anda dia beliau kami kita mereka yang tidak bukan belum sudah mau ingin "
    "pengen harus bisa boleh tolong mohon apa kenapa mengapa gimana bagaimana kapan dimana "
    "berapa salah maksud maksudnya tahu tau lupa dulu nanti kalau kalo jika karena untuk dengan "
    "dari ke di ini itu akan sedang lagi juga atau sih dong kok deh nya nomor tanggal lahir "
    "alamat foto kirim ganti ubah batal menu status operator petugas terima makasih halo "
    "hai hello the is are was my your what why how please thanks yes no and tinggal rumah desa "
    "kantor urus buat bikin daftar semua seperti tadi sesuai lihat lengkap nama"
)
# Particles that stay in small letters inside a name.
PARTICLES = frozenset({"bin", "binti", "bt", "van", "von", "der", "den", "de", "da", "ter"})
# Titles written in small letters by convention ("dr." is a physician): kept as typed.
LOWER_TITLES = frozenset({"dr.", "drg.", "dr", "drg"})
# Keyboard runs and a letter typed many times: junk, not a name.
_JUNK = re.compile(r"qwer|wert|asdf|sdfg|dfgh|zxcv|xcvb|hjkl|jkl|(\w)\1{3,}", re.IGNORECASE)
_VOWELS = set("aeiouyAEIOUY")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[.,'’\-]", re.UNICODE)
# Words that address someone; a "name" made only of them ("Bapak") is not a name.
TITLES_ALONE = word_set(
    "pak bapak bu ibu kak kakak min admin mas mbak bang dek adek nak om tante bro sis gan sir "
    "haji hajjah hj h almarhum almarhumah alm almh"
)


@dataclass(frozen=True)
class NameReading:
    """What is left of a message once the words around the name are taken off."""

    name: str
    sentence: bool
    junk: bool


def read_name(text: str) -> NameReading:
    """The name in `text` (with the words around it taken off), and what is wrong with it."""
    text = " ".join(text.split())
    spans = [match.span() for match in _WORD.finditer(text)]
    tokens = [text[begin:end] for begin, end in spans]
    first, last = _strip(tokens, LEADS, leading=True), _strip(tokens, TAILS, leading=False)
    name = text[spans[first][0] : spans[last - 1][1]] if first < last else ""
    name = name.lstrip(" ,-:;.").rstrip(" ,-:;")
    if name.endswith(".") and len(name.rsplit(" ", 1)[-1].rsplit(".", 2)[-2]) > 3:
        name = name[:-1]  # "Siti Aminah." ends a sentence; "Muh." and "S.Pd." keep theirs
    words = normalize(name).split()
    sentence = any(word in SENTENCE_WORDS for word in words) or (
        bool(words) and all(word in TITLES_ALONE for word in words)
    )
    junk = bool(_JUNK.search(name)) or any(
        len(word) >= 5 and not _VOWELS & set(word) for word in words
    )
    return NameReading(name=name, sentence=sentence, junk=junk)


def proper_case(name: str) -> str:
    """A name as Indonesians write it, when it was typed all in capitals or small letters."""
    words = name.split(" ")
    fixed = []
    for index, word in enumerate(words):
        letters = [char for char in word if char.isalpha()]
        if 0 < index < len(words) - 1 and word.lower() in PARTICLES:
            fixed.append(word.lower())
        elif word in LOWER_TITLES and index < len(words) - 1:
            fixed.append(word)
        elif letters and (all(c.isupper() for c in letters) or all(c.islower() for c in letters)):
            fixed.append(_capitalise(word))
        else:
            fixed.append(word)
    return " ".join(fixed)


def _capitalise(word: str) -> str:
    """ "S.PD." is "S.Pd.", "ABDUL-RAHMAN" is "Abdul-Rahman", "MA'RUF" is "Ma'ruf"."""
    out, start = [], True
    for char in word:
        if char.isalpha():
            out.append(char.upper() if start else char.lower())
            start = False
        else:
            out.append(char)
            start = char in ".-"
    return "".join(out)


def _strip(tokens: list[str], phrases: tuple[str, ...], *, leading: bool) -> int:
    """How many tokens the matching phrases take off one end (repeatedly), as an index.

    Leading: the index of the first token kept; trailing: one past the last token kept. At
    least one word always stays, so "Saya" alone is judged as a name (and refused), not erased.
    """
    ordered = sorted((tuple(p.split()) for p in phrases), key=len, reverse=True)
    words = [(index, normalize(token)) for index, token in enumerate(tokens)]
    words = [(index, word) for index, word in words if word]  # punctuation has no words
    if not leading:
        words.reverse()
    taken = 0
    changed = True
    while changed:
        changed = False
        window = [word for _, word in words[taken:]]
        for phrase in ordered:
            candidate = phrase if leading else tuple(reversed(phrase))
            if len(window) > len(candidate) and tuple(window[: len(candidate)]) == candidate:
                taken += len(candidate)
                changed = True
                break
    if taken == 0:
        return 0 if leading else len(tokens)
    boundary = words[taken - 1][0]
    return boundary + 1 if leading else boundary
