"""The re-send phrase matcher: asking for the issued document again, and what is not that."""

from __future__ import annotations

import pytest

from app.flows.resend import means_resend


@pytest.mark.parametrize(
    "text",
    [
        "kirim ulang dokumen KK saya",
        "kirim lagi dokumennya",
        "Tolong krm ulang PDF kk nya ya kak",
        "kirimin lg filenya dong",
        "send my document again",
        "please resend the certificate",
    ],
)
def test_asking_for_the_document_again(text: str) -> None:
    assert means_resend(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "kirim ulang",  # no document named: could be anything
        "saya mau buat KK lagi",  # a new request, not a re-send
        "dokumen KK saya sudah jadi?",
        "send my document",  # not "again"
        "syarat KK apa saja",
    ],
)
def test_other_messages_are_not_a_resend(text: str) -> None:
    assert means_resend(text) is False
