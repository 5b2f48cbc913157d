""" "Yang ambil nanti adik saya", "boleh diwakilkan?", "my wife will collect it".

A small phrase matcher, not the intent model. A resident names someone else to collect their
result with a word of proxy ("diwakilkan", "surat kuasa", "on my behalf") or with a word of
collecting next to a family member ("yg ngambil istri sy", "bojoku sing njupuk"). Terms of
address ("pak", "bu", "kak", "mas") are family only with "saya"/"my" after or before them, so
"Bu, kapan bisa saya ambil?" stays a question about the resident's own pickup. "Saya sendiri
yang ambil" (or "gak jadi diwakilkan") takes a named person back.
"""

from __future__ import annotations

from app.flows.textmatch import tokens

PROXY_WORDS = frozenset(
    {
        "diwakilkan", "diwakili", "wakilkan", "mewakili", "perwakilan", "wakil", "diwakilin",
        "dikuasakan", "kuasa", "proxy", "behalf", "diwakilke", "diwakilne",
    }
)  # fmt: skip
TAKE_WORDS = frozenset(
    {
        "ambil", "ngambil", "ambilin", "ambilkan", "diambil", "diambilkan", "diambilin",
        "mengambil", "ngambilin", "ngambilkan", "jupuk", "njupuk", "dijupuk", "jupukke",
        "mendhet", "dipundhut", "collect", "collects", "collecting", "pick", "pickup", "fetch",
    }
)  # fmt: skip
# Family members: they mean someone else whatever the words around them.
KIN_WORDS = frozenset(
    {
        "adik", "adek", "adikku", "istri", "istriku", "suami", "suamiku", "anak", "anakku",
        "ortu", "saudara", "sodara", "keluarga", "ipar", "ponakan", "keponakan", "sepupu",
        "bojo", "bojoku", "garwo", "mertua", "nenek", "kakek", "simbah", "mbah", "wife",
        "husband", "son", "daughter", "brother", "sister", "mother", "father", "mom", "mum",
        "dad", "cousin", "someone", "somebody", "family", "relative", "kakakku", "ibuku",
        "bapakku", "ayahku", "mamaku", "masku", "mbakku",
    }
)  # fmt: skip
# Words that also address the officer: family only when "saya"/"my" goes with them.
ADDRESS_WORDS = frozenset(
    {"kakak", "kak", "abang", "bang", "ibu", "bu", "bapak", "pak", "ayah", "mama", "mamah",
     "papa", "mas", "mbak", "mbok", "simbok", "emak", "mak"}
)  # fmt: skip
MY_WORDS = frozenset({"saya", "sy", "aku", "ak", "gue", "gw", "kulo", "my", "kami", "ku"})
SELF_WORDS = frozenset({"sendiri", "sndiri", "sndri", "myself", "dewe", "piyambak"})
CALL_OFF_WORDS = frozenset({"gak", "ga", "nggak", "enggak", "tidak", "tdk", "batal", "ora"})
OTHER = ("orang", "lain")


def _family(words: list[str]) -> bool:
    if set(words) & KIN_WORDS:
        return True
    for index, word in enumerate(words):
        if word not in ADDRESS_WORDS:
            continue
        after = words[index + 1] if index + 1 < len(words) else ""
        before = words[index - 1] if index > 0 else ""
        if after in MY_WORDS or before == "my":
            return True
    return any(words[i : i + 2] == list(OTHER) for i in range(len(words) - 1))


def means_proxy(text: str) -> bool:
    """True when `text` says someone else will collect (or asks whether that is allowed)."""
    if means_self(text):
        return False
    words = tokens(text)
    found = set(words)
    if found & PROXY_WORDS:  # "boleh diwakilkan ga?": "ga" asks, it does not call off
        return True
    return bool(found & TAKE_WORDS) and _family(words)


def means_self(text: str) -> bool:
    """True when `text` says the resident collects it after all ("saya sendiri yg ambil")."""
    found = set(tokens(text))
    if found & SELF_WORDS and found & (TAKE_WORDS | PROXY_WORDS):
        return True
    return bool(found & PROXY_WORDS and found & CALL_OFF_WORDS and "jadi" in found)
