"""Reading what a resident answers to the summary ("Sudah benar?").

A chatty yes ("iya nak sudah benar semua, terima kasih", "OK KIRIM", "nggih leres", "yes that's
correct") submits. A question or a hesitation ("udh gtu aj?", "yakin?", "bentar") is not a yes:
it is answered and the question asked again. "eh gak jadi deh" cancels; "ada yang salah" opens
the list of answers to change, and "namanya salah" goes straight to the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.flows.catalog import DocumentSpec, FieldSpec, Service
from app.flows.lexicon import QUESTION_STARTS, word_set
from app.flows.prompts import applies
from app.flows.session import Draft
from app.flows.textmatch import NO_WORDS, YES_WORDS, normalize, reading_words, without_thanks

# "complete": asks whether that is all ("udh gtu aj?", "yakin?"); "asked": another question.
Kind = Literal["yes", "edit", "cancel", "complete", "asked", "wait"]

# "Nothing is wrong" is a yes, though it says "salah".
_ALL_RIGHT = (
    "tidak ada yang salah", "tidak ada salah", "tidak salah", "tidak ada yang keliru",
    "tidak ada yang perlu diubah", "tidak ada yang diubah", "tidak perlu diubah",
    "tidak usah diubah", "tidak ada perubahan", "nothing wrong", "nothing to change",
)  # fmt: skip
_CANCEL = ("tidak jadi", "batal", "batalkan", "cancel", "never mind", "ga usah", "tidak usah")
_WRONG = word_set(
    "salah keliru ubah ganti ralat edit change wrong perbaiki koreksi betulkan benerin typo "
    "incorrect"
)
_NOT_RIGHT = ("belum benar", "tidak benar", "kurang benar", "bukan begitu", "not correct")
# Asking whether that is all: "sudah itu saja?", "udah gitu aja", "yakin?", "ada lagi?".
_IS_THAT_ALL = word_set(
    "itu begitu segitu semua semuanya lengkap yakin sure lagi cukup all else selesai sudah "
    "cuma hanya ada perlu apa that s is it"
)
_THAT_ALL_MARKS = word_set("itu begitu segitu semua semuanya lengkap yakin sure lagi cukup all")
_WHY = word_set("kok kenapa mengapa why napa knp")
_WAIT = word_set("tunggu sebentar bentar nanti wait hold later periksa cek dulu pikir mikir")
# Words a yes may be made of, and those that make it one.
_AFFIRM = word_set(
    "benar betul sesuai cocok pas kirim send lanjut lanjutkan setuju correct right leres "
    "jadi confirm submit good fine"
)
_YES_FILLER = word_set(
    "semua semuanya sudah data datanya itu ini nya is it that s all yes ok please sekarang "
    "mantap alhamdulillah insyaallah siap saja already everything looks"
)


@dataclass(frozen=True)
class SummaryReply:
    """What the reply means; `target` ("fld:KEY" or "doc:KEY") is the answer named as wrong."""

    kind: Kind | None
    target: str | None = None


def read_summary_reply(text: str, service: Service, draft: Draft) -> SummaryReply:
    """The meaning of a typed reply to the summary (kind None: not understood)."""
    words = without_thanks(reading_words(text))
    padded = f" {' '.join(words)} "
    for phrase in _ALL_RIGHT:
        padded = padded.replace(f" {phrase} ", " benar ")
    words = padded.split()
    if any(f" {phrase} " in padded for phrase in _CANCEL) and "diubah" not in words:
        return SummaryReply("cancel")
    if _WRONG & set(words) or any(f" {phrase} " in padded for phrase in _NOT_RIGHT):
        return SummaryReply("edit", _named_item(words, service, draft))
    if not words:
        return SummaryReply(None)
    asks = "?" in text or words[0] in QUESTION_STARTS
    if (asks or len(words) <= 3) and _is_that_all(words):
        return SummaryReply("complete")
    if asks:
        return SummaryReply("asked")
    if _WAIT & set(words) and not _AFFIRM & set(words):
        return SummaryReply("wait")
    strong = _AFFIRM | YES_WORDS
    if set(words) <= strong | _YES_FILLER and strong & set(words):
        return SummaryReply("yes")
    if words[0] in NO_WORDS:
        return SummaryReply("edit")
    return SummaryReply(None)


def _is_that_all(words: list[str]) -> bool:
    """ "sudah itu saja", "udah gitu aja", "yakin", "ada lagi": is anything else needed?"""
    return (
        len(words) <= 5
        and set(words) <= _IS_THAT_ALL
        and bool(_THAT_ALL_MARKS & set(words))
        and not _WHY & set(words)
    )


def _named_item(words: list[str], service: Service, draft: Draft) -> str | None:
    """The one answer or document the reply names ("namanya salah" names the name)."""
    text = " " + " ".join(word.removesuffix("nya") for word in words) + " "
    items: list[tuple[str, FieldSpec | DocumentSpec]] = [
        (f"fld:{spec.key}", spec)
        for spec in service.fields
        if applies(spec, draft) and (spec.key in draft.fields or spec.key in draft.skipped)
    ]
    items += [
        (f"doc:{spec.key}", spec)
        for spec in service.documents
        if applies(spec, draft) and spec.key in draft.done_documents
    ]
    names = {item_id: _names(spec) for item_id, spec in items}
    counts: dict[str, int] = {}
    for found in names.values():
        for word in {w for name in found for w in name.split()}:
            counts[word] = counts.get(word, 0) + 1
    best: list[tuple[int, str]] = []
    for item_id, found in names.items():
        own = found | {w for n in found for w in n.split() if counts[w] == 1 and len(w) >= 3}
        lengths = [len(name) for name in own if f" {name} " in text and name not in _GENERIC]
        if lengths:
            best.append((max(lengths), item_id))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]


# Words too common to name an answer on their own.
_GENERIC = word_set("nomor number surat dari yang anak child foto photo data lama baru")


def _names(spec: FieldSpec | DocumentSpec) -> set[str]:
    names = {normalize(spec.label.id), normalize(spec.label.en), spec.key.replace("_", " ")}
    return {name for name in names if name}
