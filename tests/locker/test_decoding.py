"""Decoding within the budget: the cost estimate, and shrinking without full-size copies."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from app.locker.decoding import decode_cost, decode_small, shrink
from app.locker.policy import LockerPolicy
from tests.support import files as samples


def test_shrinking_in_strips_gives_the_whole_image_s_reduction() -> None:
    rng = np.random.default_rng(5)
    image = Image.fromarray(rng.integers(0, 256, (2003, 3001, 3), dtype=np.uint8))
    small = shrink(image, 1024)
    assert small.size == (1001, 668)
    assert small.tobytes() == image.reduce(3).tobytes()


def test_transparency_is_flattened_before_averaging() -> None:
    """Transparent black beside white must stay white: averaged first, it turned grey (191)."""
    image = Image.new("RGBA", (4000, 3000), (0, 0, 0, 0))
    image.paste((255, 255, 255, 255), (0, 0, 2001, 3000))
    small = shrink(image, 2048)
    assert (small.mode, small.size) == ("RGB", (2000, 1500))
    assert small.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_a_16_bit_grey_scan_keeps_its_tones() -> None:
    """`convert("L")` clips 16-bit values at 255: a grey scan would read as a white page."""
    ramp = np.tile(np.linspace(0, 65535, 1200, dtype=np.uint16), (900, 1))
    out = io.BytesIO()
    Image.fromarray(ramp).save(out, "PNG")
    with Image.open(io.BytesIO(out.getvalue())) as image:
        assert image.mode.startswith("I")
        decoded = decode_small(image, LockerPolicy())
    assert decoded.picture.mode == "L"
    assert decoded.picture.getextrema() == (0, 255)
    assert 126 <= float(np.asarray(decoded.picture).mean()) <= 129


def test_a_baseline_jpeg_costs_only_its_reduced_picture(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.phone_photo())
    with Image.open(path) as image:
        image.draft("RGB", (1024, 1024))
        assert image.size == (2000, 1500)
        assert decode_cost(image, (4000, 3000)) == 2000 * 1500 * 4
    with Image.open(path) as image:
        decoded = decode_small(image, LockerPolicy())
    assert decoded.picture.size == (2000, 1500)
    assert (decoded.width, decoded.height) == (4000, 3000)


def test_a_progressive_jpeg_also_costs_its_coefficients(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(samples.encode(samples.document_photo(), progressive=True))
    with Image.open(path) as image:
        # 640×480 at 4:2:0: 80×60 luma blocks and twice 40×30 chroma blocks, 128 bytes each.
        coefficients = (80 * 60 + 2 * 40 * 30) * 128
        assert decode_cost(image, image.size) == 640 * 480 * 4 + coefficients
