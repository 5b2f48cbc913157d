"""Reading a resident's message for the intent model: words, service mentions, features.

A message is normalised (chat spelling, regional words, numbers and ticket numbers as
placeholders), the services it names are found from the catalog's names and keywords (exactly,
through Indonesian affixes, or as a close typo), and each mention is replaced by one placeholder
word, "<svc>". The model therefore learns how people *ask* for a service ("mau bikin <svc>",
"syarat <svc>", "<svc> saya sudah jadi?") and never which service: a service added to the
catalog later is recognised by its names like the ones it was trained with.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from app.flows.catalog import Catalog, Service
from app.flows.intent_rules import PHRASES, SPELLING, WORD_CLASSES
from app.flows.textmatch import SLANG, normalize

SERVICE = "<svc>"
FUZZY_MIN = 88
FUZZY_MIN_CHARS = 5
_DOUBLED = re.compile(r"([a-z])\1")
# "kkk" would be squeezed to "k" by normalize: a held-down K is still the family card.
_KK_TYPED_LONG = re.compile(r"\b[kK]{3,}\b")
ADULT_AGE = 17  # the age of the first KTP
_CHILD_WORDS = frozenset({"anak", "child", "kid", "bayi", "balita"})
_AGE_BEFORE = frozenset({"umur", "usia", "berumur", "berusia", "umurnya", "usianya", "baru"})
_TICKET = re.compile(r"\b[A-Za-z]{2,6}-\d{6}-\d{3,6}\b")
_EMOJI = {
    "🙏": "xemothanks",
    "👍": "xemook",
    "👌": "xemook",
    "👋": "xemowave",
    "😊": "xemosmile",
    "😁": "xemosmile",
    "😂": "xemolaugh",
    "🤣": "xemolaugh",
    "😭": "xemosad",
    "😢": "xemosad",
    "❤": "xemolove",
}
_CLAUSE = re.compile(r"[.!?;,\n]+|\b(?:tapi|tp|sekarang|skrg|cuma|tinggal)\b", re.IGNORECASE)
# "-in" is Jakarta chat ("bantuin", "batalin"), "-q" chat for "-ku" ("ktpq"); "-mi", "-ji",
# "-ki" are Bugis-Makassar particles ("hilangmi", "sudahji"); "-ne", "-e" Javanese ("ktpne",
# "syarate").
_SUFFIXES = ("nya", "kan", "ku", "mu", "lah", "kah", "an", "in", "mi", "ji", "ki", "ne", "i")
_SHORT_SUFFIXES = ("q", "e")
_PREFIXES = ("di", "ke", "me", "ber", "ter", "pe")


@dataclass(frozen=True)
class Keyword:
    """One way the catalog names a service, as normalised words."""

    service: str
    words: tuple[str, ...]
    is_name: bool
    shared: bool = False

    @property
    def text(self) -> str:
        """The keyword's words joined by spaces."""
        return " ".join(self.words)


@dataclass(frozen=True)
class Mention:
    """A service named in a message: which, where (token span) and how."""

    keyword: Keyword
    start: int
    end: int
    exact: bool

    @property
    def service(self) -> str:
        """The service code."""
        return self.keyword.service


@dataclass(frozen=True)
class Reading:
    """A message as the model sees it."""

    words: tuple[str, ...]
    mentions: tuple[Mention, ...]
    question: bool
    tail_start: int = 0

    @property
    def delexed(self) -> tuple[str, ...]:
        """The words with each service mention replaced by one SERVICE placeholder."""
        return self._delexed(0)

    @property
    def tail(self) -> tuple[str, ...]:
        """`delexed` of the message's last clause, when it has more than one (else empty)."""
        return self._delexed(self.tail_start) if self.tail_start else ()

    def _delexed(self, start: int) -> tuple[str, ...]:
        out: list[str] = []
        position = start
        for mention in self.mentions:
            if mention.end <= start:
                continue
            out += self.words[position : mention.start]
            out.append(SERVICE)
            position = max(mention.end, position)
        return (*out, *self.words[position:])


def words_of(text: str) -> tuple[str, ...]:
    """Normalised words: chat spelling expanded, numbers, tickets and emoji as placeholders."""
    text = _TICKET.sub(" xticket ", text)
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, f" {word} ")
    text = _KK_TYPED_LONG.sub(" kk ", text)
    words: list[str] = []
    for word in normalize(text).split():
        word = SPELLING.get(word) or _unstretched(word)
        if word.isdigit():
            word = "xnik" if len(word) >= 15 else "xnum"
        words.append(word)
    return _with_ages(_phrases(words), normalize(text).split())


def _phrases(words: list[str]) -> list[str]:
    # PHRASES keep the word count where they can, so ages line up with the raw words.
    text = f" {' '.join(words)} "
    if not any(f" {phrase} " in text for phrase in PHRASES):
        return words
    for phrase, replacement in PHRASES.items():
        text = text.replace(f" {phrase} ", f" {replacement} ")
    return text.split()


def _with_ages(words: list[str], raw: list[str]) -> tuple[str, ...]:
    # An age is a number after "umur"/"usia" or before "tahun": 17 and over is an adult
    # ("ktp anak saya yang 17 tahun" is a first KTP, not a child's card), under 17 a child.
    if len(raw) != len(words):
        return tuple(words)
    aged = list(words)
    for position, word in enumerate(raw):
        if not word.isdigit() or len(word) > 3:
            continue
        before = raw[position - 1] if position else ""
        after = raw[position + 1] if position + 1 < len(raw) else ""
        if before in _AGE_BEFORE:
            aged[position] = "xadult" if int(word) >= ADULT_AGE else "xchild"
        elif after == "tahun" and ADULT_AGE <= int(word) <= 25:
            aged[position] = "xadult"  # "yang 18 tahun"; "sudah 3 tahun" is a duration
    return tuple(aged)


@lru_cache(maxsize=65536)
def _unstretched(word: str) -> str:
    """A word typed with a letter held down ("tolongg", "makasihh", "siapp") as the word the
    rules know; normalize squeezes only three or more of a letter. Other words are kept."""
    if word in WORD_CLASSES or not _DOUBLED.search(word):
        return word
    single = _DOUBLED.sub(r"\1", word)
    single = SLANG.get(single, single)
    single = SPELLING.get(single, single)
    return single if single in WORD_CLASSES else word


def _tail_start(text: str, count: int) -> int:
    # Where the last clause begins, in words: stories end with what the resident wants
    # ("kemarin saya cek status kk, sudah beres. sekarang ktp saya hilang").
    for separator in reversed(list(_CLAUSE.finditer(text))):
        if words_of(text[separator.end() :]):
            return min(count, len(words_of(text[: separator.start()])))
    return 0


@lru_cache(maxsize=65536)
def forms(word: str) -> tuple[str, ...]:
    """The word and what is left once a common Indonesian affix is taken off."""
    found = [word]
    if len(word) >= 3 and word[-1] == word[-2]:
        found.append(word[:-1])  # "ktpp"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            found.append(word[: -len(suffix)])
    for suffix in _SHORT_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            found.append(word[: -len(suffix)])
    for stem in list(found):
        for prefix in _PREFIXES:
            if stem.startswith(prefix) and len(stem) - len(prefix) >= 4:
                found.append(stem[len(prefix) :])
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def word_classes(word: str) -> tuple[str, ...]:
    """The word classes of intent_rules for a word, its affix-free forms or a close typo."""
    for form in forms(word):
        if form in WORD_CLASSES:
            return WORD_CLASSES[form]
    if len(word) < FUZZY_MIN_CHARS or word.startswith("x"):
        return ()
    best = process.extractOne(word, _LEXICON, scorer=fuzz.ratio, score_cutoff=85)
    # A typo adds, drops or changes a letter; "keluarga" is not a typo of "keluar".
    if best is None or best[0][0] != word[0] or abs(len(best[0]) - len(word)) > 1:
        return ()
    return WORD_CLASSES[best[0]]


_LEXICON = [word for word in WORD_CLASSES if len(word) >= FUZZY_MIN_CHARS - 1]


def bucket(feature: str) -> int:
    """A stable hash of a feature name (Python's own hash changes between runs)."""
    return zlib.crc32(feature.encode())


class ServiceFinder:
    """Finds the services a message names, from one catalog's names and keywords."""

    def __init__(self, catalog: Catalog) -> None:
        everything = [k for service in catalog.ordered for k in _keywords(service)]
        # A keyword that begins a longer keyword of another service ("akta" of the birth
        # certificate, "ktp" of "ktp anak") is weaker evidence; the ranker is told so.
        shared = {
            (k.service, k.words)
            for k in everything
            for other in everything
            if other.service != k.service
            and len(other.words) > len(k.words)
            and other.words[: len(k.words)] == k.words
        }
        self.exact: dict[str, Keyword] = {}
        # Close typos are looked for among keywords of the same length in words and with the
        # same first letter (a typo that changes the first letter is not accepted anyway).
        self.by_length: dict[tuple[int, str], dict[str, Keyword]] = {}
        for keyword in everything:
            keyword = replace(keyword, shared=(keyword.service, keyword.words) in shared)
            self.exact.setdefault(keyword.text, keyword)
            self.exact.setdefault("".join(keyword.words), keyword)
            if len(keyword.text) >= FUZZY_MIN_CHARS:
                key = (len(keyword.words), keyword.text[0])
                self.by_length.setdefault(key, {}).setdefault(keyword.text, keyword)
        self.longest = max((len(k.words) for k in everything), default=1)
        # Words a keyword of several words can start with, spaced ("e ktp") or run together
        # ("kartukeluarga" is found as one word, "e" + "ktp" as "ektp").
        self.openings = {k.words[0] for k in everything}
        for compact in {"".join(k.words) for k in everything}:
            self.openings.update(compact[:end] for end in range(1, len(compact) + 1))
        versions = self._child_versions(everything, shared)
        self.for_adults = {longer: adult for longer, _, _, adult in versions}
        self.for_children = {shorter: kid for _, kid, shorter, _ in versions}
        self.extended_by: dict[tuple[str, ...], set[str]] = {}
        for service, words in shared:
            for other in everything:
                if other.service != service and other.words[: len(words)] == words:
                    self.extended_by.setdefault(words, set()).add(other.service)

    @staticmethod
    def _child_versions(
        everything: list[Keyword], shared: set[tuple[str, tuple[str, ...]]]
    ) -> list[tuple[tuple[str, ...], str, tuple[str, ...], str]]:
        # (child's keyword, its service, adult keyword, its service) for keywords such as
        # "ktp anak" (KIA) that extend another service's keyword ("ktp") with a child word.
        found = []
        for adult, words in sorted(shared):
            for k in everything:
                extension = set(k.words[len(words) :])
                if (
                    k.service != adult
                    and k.words[: len(words)] == words
                    and _CHILD_WORDS & extension
                ):
                    found.append((k.words, k.service, words, adult))
        return found

    def read(self, text: str) -> Reading:
        """The message's words and the services it names (leftmost, then longest)."""
        words = words_of(text)
        mentions: list[Mention] = []
        start = 0
        while start < len(words):
            mention = self._at(words, start)
            if mention is None:
                start += 1
                continue
            mentions.append(mention)
            start = mention.end
        if "xadult" in words:
            mentions = [self._aged(m, self.for_adults) for m in mentions]
        elif "xchild" in words:
            mentions = [self._aged(m, self.for_children) for m in mentions]
        named = {m.service for m in mentions}
        for index, mention in enumerate(mentions):
            # A bare "akta" next to "meninggal" is the death certificate's: a shared keyword
            # goes to the other service it begins a name of, when that one is named too.
            owners = sorted(self.extended_by.get(mention.keyword.words, set()) & named)
            if mention.keyword.shared and not mention.keyword.is_name and len(owners) == 1:
                keyword = replace(mention.keyword, service=owners[0], is_name=False)
                mentions[index] = replace(mention, keyword=keyword)
        return Reading(words, tuple(mentions), "?" in text, _tail_start(text, len(words)))

    def _aged(self, mention: Mention, by_age: dict[tuple[str, ...], str]) -> Mention:
        # "ktp anak" names the child's card (KIA), but "ktp anak saya yang 17 tahun" is the
        # KTP of a grown child, and "kartu identitas" for a child of 8 is the KIA: an age
        # moves a keyword between a service and the child's version of it.
        service = by_age.get(mention.keyword.words)
        if service is None:
            return mention
        return replace(mention, keyword=replace(mention.keyword, service=service, is_name=False))

    def _at(self, words: tuple[str, ...], start: int) -> Mention | None:
        # Longest first; at each length an exact name before a close typo of one, so
        # "akta kemtian" is the death certificate and not the bare "akta" of the birth one.
        for length in range(min(self.longest, len(words) - start), 0, -1):
            window = words[start : start + length]
            if length > 1 and window[0] not in self.openings:
                variants: list[tuple[str, ...]] = []  # no keyword starts with this word
            else:
                variants = _variants(window)
            for variant in variants:
                keyword = self.exact.get(" ".join(variant)) or self.exact.get("".join(variant))
                if keyword is not None:
                    return Mention(keyword, start, start + length, exact=True)
            text = " ".join(window)
            same = self.by_length.get((length, text[0]))
            if not same or len(text) < FUZZY_MIN_CHARS:
                continue
            best = process.extractOne(text, same.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
            if best is not None and _close_words(text.split(), same[best[0]].words):
                return Mention(same[best[0]], start, start + length, exact=False)
        return None


def _close_words(window: list[str], keyword: tuple[str, ...]) -> bool:
    # A typo changes letters, not words: "kartu kluarga" is the KK, "perpanjang sim" is not
    # "perpanjang sipi". Short words must be exact; each longer one close, same first letter.
    for typed, wanted in zip(window, keyword, strict=True):
        if typed == wanted:
            continue
        if len(wanted) < FUZZY_MIN_CHARS - 1 or typed[0] != wanted[0]:
            return False
        if fuzz.ratio(typed, wanted) < FUZZY_MIN - 8:
            return False
    return True


def _variants(window: tuple[str, ...]) -> list[tuple[str, ...]]:
    # Affixes come off the last word only ("ktpnya", "dipindahkan", "kartu keluarganya").
    return [(*window[:-1], form) for form in forms(window[-1])]


def _keywords(service: Service) -> list[Keyword]:
    titles = [service.code.replace("_", " "), service.names.id, service.names.en]
    parts = [part for title in titles for part in (title, *re.split(r"[()]", title))]
    names = {tuple(words_of(part)) for part in parts}
    found: dict[tuple[str, ...], Keyword] = {}
    for name in [*names, *(tuple(words_of(k)) for k in service.keywords)]:
        if name and name not in found:
            found[name] = Keyword(service.code, name, is_name=name in names)
    return list(found.values())
