"""Reading a form's completion against the message that carried the form.

WhatsApp names, in the completion's `context.id`, the wamid of our Flow message (or of the
FLOW-button template); the outbox row of that message holds the body with its flow_token. The
token in `response_json` is sometimes missing (reference §9, pitfall 1), so the engine gets both
and matches either against the draft the form was offered for.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.inbound import reply_context
from app.flows.inputs import FormSubmitted
from app.outbox import service as outbox
from app.whatsapp_flows.flow_tokens import form_token_of


async def with_reply_token(
    session: AsyncSession, *, resident_id: int, message: dict[str, Any], item: FormSubmitted
) -> FormSubmitted:
    """`item` with the token of the message it answers, when that message is ours and known.

    A form sent while the data endpoint is configured carries a signed token wrapping the
    engine's (`form_token_of`); the engine sees its own."""
    item = dataclasses.replace(item, flow_token=form_token_of(item.flow_token))
    wamid = reply_context(message)
    if wamid is None:
        return item
    token = await outbox.flow_token_answered(session, resident_id=resident_id, wamid=wamid)
    return dataclasses.replace(item, reply_token=form_token_of(token))
