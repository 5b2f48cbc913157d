"""The terminal tester for catalog authors walks a service to a submitted request."""

from __future__ import annotations

import io

from app.flows.runner import run


def test_runner_walks_kia_to_a_submission():
    lines = [
        "[var:balita]",
        "Rahmat Hidayat",
        "7307010505230003",
        "05-05-2023",
        "7307012010150001",
        *["/photo", "/ok", "[done]"] * 3,
        "[yes]",
    ]
    out = io.StringIO()
    assert run("kia", lines, out) == 1
    text = out.getvalue()
    assert "bot: Permohonan Anda sudah kami terima ✅\nNomor permohonan: TEST-0001" in text


def test_runner_shows_a_rejection():
    out = io.StringIO()
    run(
        "kia",
        [
            "[var:balita]",
            "Rahmat",
            "7307010505230003",
            "05-05-2023",
            "7307012010150001",
            "/photo",
            "/reject too_dark",
        ],
        out,
    )
    assert "terlalu gelap" in out.getvalue()
