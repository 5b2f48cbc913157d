""" "Kirim ulang dokumen KK saya": the resident asks for their issued document again.

A small phrase matcher, not the intent model: words of sending, of "again" and of a document
together ("kirim lagi dokumennya", "tolong krm ulang pdf KK nya", "send my document again"), or
"resend" with a document word. The engine only recognises the wish and emits `ResendIssued`
(with the ticket when one is named); the conversation layer checks that the request is this
number's, finds its issued PDF and sends it, or answers politely why it cannot.
"""

from __future__ import annotations

from app.flows.events import ResendIssued
from app.flows.inputs import ResidentInput, TextInput
from app.flows.status_reply import named_ticket
from app.flows.textmatch import tokens
from app.flows.turn import Turn

SEND_WORDS = frozenset(
    {"kirim", "krm", "kirimin", "kirimkan", "kirimi", "kirimkn", "send", "sent", "share"}
)
AGAIN_WORDS = frozenset({"ulang", "lagi", "lg", "again", "ulg", "balik", "kembali"})
RESEND_WORDS = frozenset({"resend", "kirimulang"})
DOCUMENT_WORDS = frozenset(
    {
        "dokumen", "dokumennya", "dok", "doc", "docs", "document", "documents", "pdf", "pdfnya",
        "file", "filenya", "berkas", "berkasnya", "surat", "suratnya", "kk", "kknya", "akta",
        "aktanya", "sertifikat", "certificate", "card",
    }
)  # fmt: skip
# The steps where the resident sends files (`app.flows.withdrawal.STEPS`).
FILE_STEPS = frozenset({"document", "reuse", "confirm", "album"})


def means_resend(text: str) -> bool:
    """True when `text` asks for the issued document again."""
    words = set(tokens(text))
    if not words & DOCUMENT_WORDS:
        return False
    return bool(words & RESEND_WORDS or (words & SEND_WORDS and words & AGAIN_WORDS))


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """True (and handled) when `item` asks for the issued document again.

    Not while a file is being asked for: there "kirim dokumen lagi" is the resident about to
    send one more."""
    awaiting = turn.session.awaiting
    if awaiting is not None and awaiting.kind in FILE_STEPS:
        return False
    if not isinstance(item, TextInput) or not means_resend(item.text):
        return False
    turn.emit(ResendIssued(ticket=named_ticket(item.text)))
    return True
