"""Reading a button or list reply against the message that carried it.

WhatsApp names, in a reply's `context.id`, the wamid of our message the resident answered. The
outbox row of that message keeps the engine's prompt id (the question it asked), so the engine
can tell a tap on the current question from a tap on an old message still on the screen.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.inbound import reply_context
from app.flows.inputs import ChoiceInput, ResidentInput
from app.outbox import service as outbox


async def with_prompt(
    session: AsyncSession, *, resident_id: int, message: dict[str, Any], item: ResidentInput
) -> ResidentInput:
    """`item` with the prompt id of the message it answers, when that message is known.

    Without a context (the simulator, a client that leaves it out) or for a message of ours
    that asked nothing (a text, a template such as "a message is waiting"), the tap is passed
    on as it is and read as it always was.
    """
    if not isinstance(item, ChoiceInput) or item.prompt is not None:
        return item
    wamid = reply_context(message)
    if wamid is None:
        return item
    prompt = await outbox.prompt_answered(session, resident_id=resident_id, wamid=wamid)
    return item if prompt is None else dataclasses.replace(item, prompt=prompt)
