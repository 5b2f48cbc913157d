"""The simulator's phones and page driven over HTTP, as the browser would."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.runtime import Runtime
from app.workers.runner import WorkerSet


@dataclass
class Phone:
    """One resident's phone on the simulator's HTTP API; `drain()` lets Loket answer."""

    client: httpx.AsyncClient
    runtime: Runtime
    wa_id: str
    name: str

    async def drain(self) -> None:
        workers = WorkerSet(self.runtime)
        for _ in range(8):
            done = await workers.inbound.run_once()
            done += await workers.media.run_once()
            done += await workers.outbox.run_once()
            if done == 0:
                return

    async def post(self, **message: Any) -> str:
        answer = await self.client.post(
            "/simulator/api/messages", json={"wa_id": self.wa_id, "name": self.name, **message}
        )
        assert answer.status_code == 200, answer.text
        await self.drain()
        return str(answer.json()["wamid"])

    async def text(self, body: str) -> str:
        return await self.post(text=body)

    async def files(
        self, kind: str, files: list[tuple[str, bytes, str]], caption: str = ""
    ) -> httpx.Response:
        answer = await self.client.post(
            "/simulator/api/media",
            data={"wa_id": self.wa_id, "name": self.name, "kind": kind, "caption": caption},
            files=[("files", file) for file in files],
        )
        await self.drain()
        return answer

    async def screen(self, since: str = "", wait: float = 0) -> dict[str, Any]:
        params = {"wa_id": self.wa_id, "since": since, "wait": str(wait)}
        answer = await self.client.get("/simulator/api/chat", params=params)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def tap(self, title: str) -> str:
        """Tap the button or list row titled `title` on Loket's latest message offering it."""
        for item in reversed((await self.screen())["items"]):
            body = item["message"]
            if item["from"] != "bot" or body["type"] != "interactive":
                continue
            action = body["interactive"]["action"]
            if body["interactive"]["type"] == "button":
                options, kind = [b["reply"] for b in action["buttons"]], "button_reply"
            else:
                options = [row for s in action["sections"] for row in s["rows"]]
                kind = "list_reply"
            for option in options:
                if option["title"] == title:
                    choice = {"id": option["id"], "title": title, "kind": kind}
                    return await self.post(choice=choice, context_id=item["wamid"])
        raise AssertionError(f"no message offers {title!r}")

    async def flow_wamid(self) -> str:
        """The wamid of Loket's latest flow message (the one a tap on its button opens)."""
        for item in reversed((await self.screen())["items"]):
            body = item["message"]
            kind = body["interactive"]["type"] if body["type"] == "interactive" else None
            if item["from"] == "bot" and kind == "flow":
                return str(item["wamid"])
        raise AssertionError("Loket sent no flow message")

    async def complete_flow(
        self,
        values: dict[str, Any],
        files: Sequence[tuple[str, tuple[str, bytes, str]]] = (),
        *,
        wamid: str | None = None,
    ) -> str:
        """Submit the Flow of Loket's latest flow message (or `wamid`) as the phone does:
        `values` are the non-file payload values, `files` parts named `photo:<key>` or
        `document:<key>`. Lets Loket answer; returns the nfm_reply's wamid."""
        wamid = wamid or await self.flow_wamid()
        answer = await self.client.post(
            f"/simulator/api/flows/{wamid}/complete",
            data={"wa_id": self.wa_id, "name": self.name, "values": json.dumps(values)},
            files=list(files),
        )
        assert answer.status_code == 200, answer.text
        await self.drain()
        return str(answer.json()["wamid"])

    async def bot_texts(self) -> list[str]:
        """What Loket said, in order, as the resident reads it."""
        said = []
        for item in (await self.screen())["items"]:
            body = item["message"]
            if item["from"] != "bot":
                continue
            if body["type"] == "text":
                said.append(body["text"]["body"])
            elif body["type"] == "interactive":
                said.append(body["interactive"]["body"]["text"])
            elif body["type"] == "template":
                said.append(item["template"]["body"])
        return said


@dataclass
class Simulator:
    client: httpx.AsyncClient
    runtime: Runtime
    sessionmaker: async_sessionmaker[AsyncSession]

    def phone(self, wa_id: str, name: str) -> Phone:
        return Phone(self.client, self.runtime, wa_id, name)
