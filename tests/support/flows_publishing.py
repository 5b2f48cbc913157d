"""The WhatsApp Business Account the Flows publishing tests use."""

from __future__ import annotations

WABA_ID = "102290129340398"
