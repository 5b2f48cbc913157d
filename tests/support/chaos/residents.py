"""Residents writing to Loket, and Meta delivering their messages as signed webhooks.

Meta retries a delivery that did not get a 200 (for days); `Meta` here retries until the run's
deadline, so a message is only "lost" if Loket said 200 and then forgot it. Each resident's
messages go one after the other from one thread, as from one phone; residents write at once.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from app.bot.signature import SIGNATURE_HEADER, sign

PHONE_NUMBER_ID = "106540352242922"
# What residents write: greetings, questions, services, thanks. The bot answers each.
TEXTS = (
    "halo",
    "selamat pagi, saya mau tanya",
    "mau buat KTP",
    "syaratnya apa saja?",
    "berapa lama prosesnya?",
    "menu",
    "terima kasih",
    "akta kelahiran anak",
    "pindah domisili",
    "batal",
)
RETRY_PAUSE_SECONDS = 0.3


@dataclass(frozen=True)
class Message:
    wa_id: str
    wamid: str
    text: str

    def webhook(self) -> bytes:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": "Warga"}, "wa_id": self.wa_id}],
            "messages": [
                {
                    "from": self.wa_id,
                    "id": self.wamid,
                    "timestamp": str(int(time.time())),
                    "type": "text",
                    "text": {"body": self.text},
                }
            ],
        }
        body = {
            "object": "whatsapp_business_account",
            "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
        }
        return json.dumps(body).encode()


def conversations(scenario: str, residents: int, each: int, seed: int) -> list[list[Message]]:
    """`residents` lists of `each` messages; wamids name the scenario so runs never collide."""
    rng = random.Random(seed)
    return [
        [
            Message(f"62812{seed % 100:02d}{r:05d}", f"wamid.{scenario}.{r}.{n}", rng.choice(TEXTS))
            for n in range(each)
        ]
        for r in range(residents)
    ]


@dataclass
class Meta:
    """Delivers webhooks to `base_url` until each gets a 200 (or `deadline` passes)."""

    base_url: str
    app_secret: bytes
    deadline: float
    acked: set[str] = field(default_factory=set)
    refused: int = 0  # answers other than 200, and connections that failed: Meta retried them
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, client: httpx.Client, message: Message) -> bool:
        """One delivery, retried until Loket answers 200; False if the deadline passed first."""
        raw = message.webhook()
        headers = {SIGNATURE_HEADER: sign(self.app_secret, raw), "Content-Type": "application/json"}
        while time.monotonic() < self.deadline:
            try:
                answer = client.post("/webhooks/whatsapp", content=raw, headers=headers)
                if answer.status_code == 200:
                    with self._lock:
                        self.acked.add(message.wamid)
                    return True
            except httpx.TransportError:
                pass
            with self._lock:
                self.refused += 1
            time.sleep(RETRY_PAUSE_SECONDS)
        return False

    def start(
        self,
        plan: list[list[Message]],
        *,
        copies: int = 1,
        pause: Callable[[], float] = lambda: 0.0,
    ) -> Future[None]:
        """Deliver every resident's messages (each `copies` times) in the background."""
        pool = ThreadPoolExecutor(max_workers=min(8, len(plan)), thread_name_prefix="meta")

        def resident(messages: list[Message]) -> None:
            with httpx.Client(base_url=self.base_url, timeout=35) as client:
                for message in messages:
                    for _ in range(copies):
                        self.deliver(client, message)
                    time.sleep(pause())

        futures = [pool.submit(resident, messages) for messages in plan]
        done: Future[None] = Future()

        def finish() -> None:
            try:
                for future in futures:
                    future.result()
                done.set_result(None)
            except BaseException as exc:  # surfaced by done.result() in the test
                done.set_exception(exc)
            finally:
                pool.shutdown(wait=False)

        threading.Thread(target=finish, name="meta-join", daemon=True).start()
        return done
