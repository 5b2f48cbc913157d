"""Plays a resident on the simulator page in Chromium: types, taps, attaches, reads the chat."""

from __future__ import annotations

import re
from typing import Any

TIMEOUT = 20_000


def jpeg(name: str, content: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/jpeg", "buffer": content}


def upload(name: str, content: bytes, mime_type: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime_type, "buffer": content}


class SimPhone:
    """The simulator page of one tab, holding the phone of `wa_id`."""

    def __init__(self, page: Any, base: str, wa_id: str) -> None:
        self.page = page
        self.base = base
        self.wa_id = wa_id

    async def open(self, name: str | None = None) -> None:
        await self.page.goto(f"{self.base}/simulator?wa={self.wa_id}")
        await self.page.locator("#wa_id").wait_for()
        assert await self.page.input_value("#wa_id") == self.wa_id
        if name is not None:
            await self.page.fill("#name", name)
            await self.page.dispatch_event("#name", "change")

    def bot(self) -> Any:
        return self.page.locator(".msg.bot")

    async def bot_count(self) -> int:
        return int(await self.bot().count())

    async def said(self, text: str, *, after: int = 0) -> str:
        """Wait for a bot bubble, beyond the first `after`, containing `text`; return its text."""
        await self.page.wait_for_function(
            """([after, text]) => [...document.querySelectorAll(".msg.bot")]
                .slice(after).some((bubble) => bubble.innerText.includes(text))""",
            arg=[after, text],
            timeout=TIMEOUT,
        )
        texts = await self.bot().all_inner_texts()
        return str(next(t for t in texts[after:] if text in t))

    async def type(self, text: str) -> int:
        """Send `text`; return how many bot bubbles there were before it (for `said(after=)`)."""
        before = await self.bot_count()
        await self.page.fill("#text", text)
        await self.page.press("#text", "Enter")
        return before

    async def tap(self, title: str) -> int:
        """Tap the reply button `title` on the latest bot message that offers it."""
        before = await self.bot_count()
        exact = re.compile(f"^{re.escape(title)}$")
        button = self.page.locator(".row-bot .choices button.choice", has_text=exact)
        await button.last.click(timeout=TIMEOUT)
        return before

    async def pick(self, title: str) -> int:
        """Open the latest list and tap its row `title`."""
        before = await self.bot_count()
        await self.page.locator(".row-bot .list-open").last.click(timeout=TIMEOUT)
        row = self.page.locator(
            "#list-sheet .list-row", has_text=re.compile(f"^{re.escape(title)}")
        )
        await row.first.click(timeout=TIMEOUT)
        return before

    async def attach(self, kind: str, files: list[dict[str, Any]], caption: str = "") -> int:
        """Attach → Foto / Dokumen / Audio, pick `files` in the chooser, add a caption, send."""
        before = await self.bot_count()
        await self.page.click("#attach")
        async with self.page.expect_file_chooser() as chooser:
            await self.page.click(f'[data-pick="{kind}"]')
        await (await chooser.value).set_files(files)
        await self.page.locator("#preview").wait_for(timeout=TIMEOUT)
        if caption:
            await self.page.fill("#caption", caption)
        await self.page.click("#preview-send")
        return before

    async def mine(self) -> list[str]:
        return [str(t) for t in await self.page.locator(".msg.me .content").all_inner_texts()]
