"""Replies to "Ada foto lain?": does the engine wait, move on, or ask again?

    python bench/more_pages_bench.py

A KTP-el request with the KK's first page in (the KK may have two) gets one reply, through the
real engine, and the outcome is read from what the engine does next: "wait" (it says it waits
for the next page, and no one-minute pause applies), "done" (the next document is asked), or
"other" (neither: the question stands). Two sets: the replies written while writing the rules
(`DEVELOPMENT`, also in tests/flows/test_page_pause.py) and a hold-out written after the rules
were frozen (`HOLD_OUT`). Prints the share right in each, and every miss.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.flows.catalog import shipped_catalog  # noqa: E402  (after the path is set)
from app.flows.engine import Engine  # noqa: E402
from app.flows.inputs import DocumentChecked  # noqa: E402
from tests.support.chat import Chat, ktp_until_documents  # noqa: E402
from tests.support.engine_data import START  # noqa: E402

DEVELOPMENT = {
    "sebentar, halaman 2 lagi difoto": "wait",
    "sebentar pak, halaman 2 nya lagi saya foto": "wait",
    "IYA ADA": "wait",
    "sek yo, tak jupuk sik": "wait",
    "tunggu yo pak, masih ado satu": "wait",
    "wait, one more page": "wait",
    "ga ada lagi pak": "done",
    "udah itu aja pak, makasih": "done",
    "ini sudah jelas fotonya?": "other",
    "bntar ya min": "wait",  # from two older goldens, added after the hold-out was measured
    "apakah masih ada yang kurang?": "other",  # likewise: a question is not "wait"
}
HOLD_OUT = {
    "masih ada 1 lagi pak": "wait",
    "bentar ya kak": "wait",
    "tunggu, lagi dicari": "wait",
    "ada, sebentar": "wait",
    "iya masih": "wait",
    "halaman belakangnya belum": "wait",
    "yes there is another one": "wait",
    "hold on": "wait",
    "nanti saya kirim lagi": "wait",
    "sik, durung": "wait",
    "masih ado ciek": "wait",
    "iye masih ada": "wait",
    "otw foto lagi": "wait",
    "sudah itu aja": "done",
    "gak ada": "done",
    "tidak ada lagi": "done",
    "cukup": "done",
    "udah": "done",
    "nggak, itu aja": "done",
    "no that's all": "done",
    "mboten wonten": "done",
    "indak ado": "done",
    "dak ada lagi": "done",
    "sudah semua pak": "done",
    "itu saja terima kasih": "done",
    "berapa lama jadinya?": "other",
    "terima kasih": "other",
}


def outcome(text: str) -> str:
    """What the engine does with `text` at "Ada foto lain?" for the KK."""
    counter = itertools.count(1)
    engine = Engine(
        shipped_catalog(),
        clock=lambda: START,
        new_id=lambda: f"id-{next(counter)}",
        timezone=ZoneInfo("Asia/Jakarta"),
    )
    chat = Chat(engine)
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.send(text)
    if chat.awaiting["key"] != "kk":
        return "done"
    said = " ".join(chat.texts())
    return "wait" if said.startswith(("Baik, kami tunggu", "All right, we will wait")) else "other"


def score(name: str, replies: dict[str, str]) -> None:
    misses = [(text, want, got) for text, want in replies.items() if (got := outcome(text)) != want]
    right = len(replies) - len(misses)
    print(f"{name}: {right}/{len(replies)} right ({right / len(replies):.0%})")
    for text, want, got in misses:
        print(f"  {text!r}: wanted {want}, got {got}")


def main() -> int:
    score("development", DEVELOPMENT)
    score("hold-out", HOLD_OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
