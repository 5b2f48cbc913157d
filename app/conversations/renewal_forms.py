"""A completed form that an expiry reminder opened: its signed token names what to renew.

The reminder's FLOW button (`app.memory.renewal_form_reminder`) carries a renewal token naming
the resident, the service and the subject (a boat). The completion brings it back in
`response_json` and, through `context.id`, in the stored reminder. Only a genuine, unexpired
token issued to this very resident tells the engine to start that renewal; anything else is left
to the engine's usual matching against the open draft (a stale form gets a clear word).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from app.config import ConfigError, Settings
from app.flows.inputs import FormSubmitted
from app.whatsapp_flows.flow_tokens import TokenRefused, check_flow_token

SIGNED_PREFIX = "v1."  # how a signed flow token begins (app.whatsapp_flows.flow_tokens)


def with_renewal(
    settings: Settings, *, resident_id: int, item: FormSubmitted, now: datetime
) -> FormSubmitted:
    """`item` naming the renewal its token stands for, when it is a renewal token for this
    resident; `item` unchanged otherwise."""
    for raw in (item.reply_token, item.flow_token):
        if not raw or not raw.startswith(SIGNED_PREFIX):
            continue  # a chat form's token: the engine matches it against the draft
        try:
            token = check_flow_token(settings, raw, now=now)
        except (TokenRefused, ConfigError):
            continue
        if token.subject and token.resident_id == resident_id:
            return dataclasses.replace(item, renewal=token.service, renewal_subject=token.subject)
    return item
