"""The command phrases `classify` looks for, in order of precedence.

Phrases are matched as whole words in the normalised message (see textmatch.normalize, which
already turns chat spelling such as "gak" and "blm" into "tidak" and "belum").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A command and how it shows: whole phrases, word prefixes, or words that occur together."""

    label: str
    phrases: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    together: tuple[frozenset[str], ...] = ()

    def matches(self, words: list[str]) -> bool:
        """True when any phrase, prefix or word set of the rule is in `words`."""
        text = f" {' '.join(words)} "
        if any(f" {phrase} " in text for phrase in self.phrases):
            return True
        if any(word.startswith(prefix) for word in words for prefix in self.prefixes):
            return True
        present = set(words)
        return any(group <= present for group in self.together)


def _all(*words: str) -> frozenset[str]:
    return frozenset(words)


# In order of precedence.
STRONG_RULES = (
    Rule(
        "complaint",
        phrases=(
            "keluhan",
            "mengeluh",
            "kecewa",
            "pengaduan",
            "pungli",
            "lambat",
            "tidak ramah",
            "buruk",
            "jelek",
            "parah",
            "terrible",
            "dimintai uang",
            "minta uang",
            "awful",
        ),
        prefixes=("komplain", "complaint"),
    ),
    Rule("cancel", phrases=("tidak jadi", "cancel", "stop"), prefixes=("batal",)),
    Rule(
        "agent",
        phrases=(
            "operator",
            "admin",
            "cs",
            "petugas",
            "human",
            "agent",
            "customer service",
            "hubungkan",
            "sambungkan",
            "telpon",
            "telepon",
            "sama orang",
            "dengan orang",
        ),
    ),
    Rule(
        "requirements",
        phrases=(
            "persyaratan",
            "dokumen apa",
            "berkas apa",
            "bawa apa",
            "perlu apa",
            "requirements",
            "requirement",
            "what documents",
            "documents do i need",
            "perlu disiapkan",
        ),
        prefixes=("syarat", "syaraik"),
    ),
    Rule(
        "status",
        phrases=(
            "status",
            "sampai mana",
            "diproses",
            "progres",
            "progress",
            "track",
            "tiket",
            "cek permohonan",
            "bisa diambil",
            "kabarnya",
        ),
        together=(
            _all("sudah", "jadi"),
            _all("belum", "jadi"),
            _all("kapan", "jadi"),
            _all("sudah", "selesai"),
            _all("selesai", "belum"),
            _all("gimana", "permohonan"),
        ),
    ),
    Rule("language", phrases=("bahasa", "english", "inggris", "language")),
)
MENU_RULE = Rule(
    "menu",
    phrases=(
        "halo",
        "hallo",
        "hai",
        "hi",
        "hello",
        "hey",
        "pagi",
        "siang",
        "sore",
        "malam",
        "assalamualaikum",
        "asalamualaikum",
        "permisi",
        "misi",
        "punten",
        "tabe",
        "sugeng",
        "menu",
        "mulai",
        "start",
        "layanan",
        "home",
        "good morning",
        "good afternoon",
    ),
)
WEAK_AGENT_RULE = Rule("agent", phrases=("bantuan", "bantu", "tolong", "help"))
