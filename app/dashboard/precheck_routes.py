"""The village pre-check: checklist, notes and forwarding to the handling office."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
