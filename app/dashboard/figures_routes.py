"""The figures page (charts) and the CSV/XLSX export."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
