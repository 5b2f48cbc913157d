"""Assisted intake: an operator takes down a request at the counter."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
