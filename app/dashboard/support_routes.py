"""Complaints and hand-offs: their queues, closing a complaint, ending a hand-off."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
