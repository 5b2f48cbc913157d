"""The features the intent model reads: words, word pairs, letter groups and word classes.

`message_features` describes a whole message (for "what does the resident want" and "what kind
of turn is this"); `mention_features` describes one service the message names, by its context
only (never by which service it is), to pick the service the message is about when it names
several ("mau pindah ke kota lain, kk dan ktp nanti gimana" is about moving).
"""

from __future__ import annotations

from itertools import pairwise

from app.flows.intent_rules import words_of_list
from app.flows.intent_text import SERVICE, Mention, Reading, word_classes

_FUNCTION_WORDS = words_of_list(
    "di ke dari dan sama atau untuk buat bukan tidak jadi saja yang sudah belum mau ingin urus "
    "bikin masih dulu nanti cuma tinggal juga lagi"
)
_NEGATIONS = frozenset({"bukan", "tidak", "salah", "batal"})
_CONNECTIVES = frozenset({"tapi", "terus", "jadi", "sekarang", "cuma", "yang", "mau", "ingin"})


def message_features(reading: Reading) -> list[str]:
    """Feature names of a message (binary; the model weighs them equally per message)."""
    words = reading.delexed
    features = ["bias", f"len:{_length_bucket(len(words))}", f"svc:{min(len(reading.mentions), 2)}"]
    if reading.question:
        features.append("question")
    padded = ["<s>", *words, "</s>"]
    for left, right in pairwise(padded):
        features.append(f"b:{left}_{right}")
    classes_seen: list[str] = []
    for position, word in enumerate(words):
        features.append(f"w:{word}")
        if word == SERVICE or word.startswith("x"):
            continue
        marked = f"#{word}#"
        for size in (3, 4):
            features += [f"c:{marked[i : i + size]}" for i in range(len(marked) - size + 1)]
        for name in word_classes(word):
            features.append(f"L:{name}")
            if position < 3:
                features.append(f"Lfirst:{name}")
            classes_seen.append(name)
    if words:
        features.append(f"first:{words[0]}")
        features.append(f"last:{words[-1]}")
    for left, right in pairwise(classes_seen):
        features.append(f"LL:{left}_{right}")
    # The same word means another thing next to a service: "berapa lama" alone is chat,
    # "<svc> berapa lama" asks how long the service takes.
    presence = "S" if reading.mentions else "noS"
    features += [f"{presence}&{name}" for name in dict.fromkeys(classes_seen)]
    features += _near_service(words)
    for word in reading.tail:
        features.append(f"T:{word}")
        features += [f"TL:{name}" for name in word_classes(word)]
    return features


def mention_features(reading: Reading, mention: Mention) -> list[str]:
    """Features of one named service in its message, none of them naming the service."""
    mentions = reading.mentions
    same = [m for m in mentions if m.service == mention.service]
    others = {m.service for m in mentions} - {mention.service}
    words = reading.words
    features = [
        "bias",
        "exact" if mention.exact else "fuzzy",
        f"kwwords:{min(len(mention.keyword.words), 3)}",
        f"count:{min(len(same), 3)}",
        f"others:{min(len(others), 2)}",
    ]
    if mention.keyword.is_name:
        features.append("name")
    if mention.keyword.shared:
        features.append("shared")
    if same[0] is mentions[0]:
        features.append("first")
    if same[-1] is mentions[-1]:
        features.append("last")
    if reading.tail_start and same[-1].start >= reading.tail_start:
        features.append("in_last_clause")
    first = same[0]
    for offset in (1, 2, 3):
        features += _context(f"p{offset}", words, first.start - offset)
        features += _context(f"n{offset}", words, first.end + offset - 1)
    before = words[max(0, first.start - 3) : first.start]
    if any(word in _NEGATIONS for word in before):
        features.append("negated")
    return features


def _context(name: str, words: tuple[str, ...], position: int) -> list[str]:
    # Function words as themselves, other words by their class only: a handful of examples
    # cannot teach what every neighbouring word means.
    if not 0 <= position < len(words):
        return [f"{name}:edge"]
    word = words[position]
    if word in _FUNCTION_WORDS:
        return [f"{name}:{word}"]
    return [f"{name}L:{cls}" for cls in word_classes(word)]


def _near_service(words: tuple[str, ...]) -> list[str]:
    # What stands right before and after a named service says whether it is asked for
    # ("mau bikin <svc>"), asked about ("syarat <svc>", "<svc> sudah jadi") or only mentioned.
    found: list[str] = []
    for position, word in enumerate(words):
        if word != SERVICE:
            continue
        for name in _classes_at(words, position - 1) + _classes_at(words, position - 2):
            found.append(f"before_svc:{name}")
        for name in _classes_at(words, position + 1) + _classes_at(words, position + 2):
            found.append(f"after_svc:{name}")
    return found


def _classes_at(words: tuple[str, ...], position: int) -> list[str]:
    if not 0 <= position < len(words) or words[position] == SERVICE:
        return []
    word = words[position]
    return [*word_classes(word), "connective"] if word in _CONNECTIVES else list(word_classes(word))


def _length_bucket(count: int) -> str:
    for limit, name in ((1, "1"), (2, "2"), (5, "3-5"), (12, "6-12"), (25, "13-25")):
        if count <= limit:
            return name
    return "26+"
