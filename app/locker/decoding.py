"""Decoding an image within a memory budget, down to the small picture the checks look at.

A 787-KB PNG can declare 7070×7070 pixels: 200 MB once decoded, and as much again for every
full-size copy. So an image is decoded only when what its decoding costs fits the policy:

- its declared pixels must not pass `policy.max_image_pixels` (24 MP: phone cameras save 12–13 MP
  by default, and their 48–50 MP sensors bin to 12 MP unless told otherwise);
- a JPEG is decoded straight at 1/2, 1/4 or 1/8 scale (`Image.draft`), so a big photo costs
  little, except that a progressive JPEG (or a baseline one split into several scans) makes
  libjpeg keep every DCT coefficient of the full-size image: 2 bytes each, 64 per 8×8 block of
  each component, i.e. 3 bytes a pixel at 4:2:0 chroma subsampling and 6 at 4:4:4;
- a PNG cannot be decoded at a smaller scale: the whole picture is held, at the bytes per pixel
  of Pillow's mode (RGB is stored in 32 bits, like RGBA; grey and palette images in 8);

and that estimate must fit `policy.decode_budget_bytes`. Once decoded, the picture is shrunk in
strips (a strip at a time is copied, flattened on white and reduced, so no full-size copy is
ever made), and the full-size one is released.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
from PIL import Image

from app.locker.policy import LockerPolicy

# Modes Pillow stores in fewer than 4 bytes a pixel; every other mode takes 4.
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_GREY_MODES = frozenset({"1", "L", "I", "F", "I;16", "I;16B", "I;16L", "I;16N"})
# Pixels per strip when shrinking: a strip and its flattened copies stay near 1 MB each.
_STRIP_PIXELS = 262_144
# JPEG markers without a length field (TEM, RST0–RST7); the header walk stops after this many
# segments, so a file of endless empty segments cannot keep it busy.
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
_MAX_SEGMENTS = 500
_SOS = 0xDA
_ORIENTATION = 0x0112  # EXIF tag


class TooManyPixels(Exception):
    """Decoding this image would cost more than the policy allows; nothing was decoded."""

    def __init__(self, detail: dict[str, Any]) -> None:
        super().__init__(f"image too large to decode: {detail}")
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    """The small picture (RGB or L, alpha flattened on white) and what the file declared."""

    picture: Image.Image
    width: int
    height: int
    orientation: int = 1  # EXIF orientation; 1 is upright
    detail: dict[str, Any] = field(default_factory=dict)


def _first_scan_components(fp: IO[bytes]) -> int:
    """How many components the first scan of a JPEG carries (0 when its headers are unreadable)."""
    start = fp.tell()
    try:
        fp.seek(0)
        if fp.read(2) != b"\xff\xd8":
            return 0
        for _ in range(_MAX_SEGMENTS):
            byte = fp.read(1)
            while byte == b"\xff":  # a marker, possibly after fill bytes
                byte = fp.read(1)
            if not byte:
                return 0
            marker = byte[0]
            if marker in _STANDALONE_MARKERS:
                continue
            length = int.from_bytes(fp.read(2), "big")
            if marker == _SOS:
                count = fp.read(1)
                return count[0] if count else 0
            if length < 2:
                return 0
            fp.seek(length - 2, os.SEEK_CUR)
        return 0
    finally:
        fp.seek(start)


def _coefficient_bytes(width: int, height: int, layers: list[tuple[Any, ...]]) -> int:
    """libjpeg's whole-image coefficient buffer: 8×8 blocks × 64 coefficients × 2 bytes."""
    if not layers:  # no frame header read: assume three full-resolution components
        return width * height * 6
    h_max = max(layer[1] for layer in layers) or 1
    v_max = max(layer[2] for layer in layers) or 1
    total = 0
    for _id, h, v, *_rest in layers:
        blocks_wide = math.ceil(math.ceil(width * h / h_max) / 8)
        blocks_high = math.ceil(math.ceil(height * v / v_max) / 8)
        total += blocks_wide * blocks_high * 128
    return total


def decode_cost(image: Image.Image, full_size: tuple[int, int]) -> int:
    """Bytes decoding `image` needs at its current (drafted) size; `full_size` as declared."""
    width, height = image.size
    cost = width * height * _BYTES_PER_PIXEL.get(image.mode, 4)
    if image.format == "JPEG":
        layers = list(getattr(image, "layer", []))
        fp = getattr(image, "fp", None)
        progressive = bool(image.info.get("progressive"))
        if progressive or fp is None or _first_scan_components(fp) != len(layers):
            cost += _coefficient_bytes(*full_size, layers)
    return cost


def _working_mode(image: Image.Image) -> str:
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        return "RGBA"
    return "L" if image.mode in _GREY_MODES else "RGB"


def flatten(picture: Image.Image) -> Image.Image:
    """RGB or L on a white background: transparent areas must not read as black (too dark)."""
    if picture.mode != "RGBA":
        return picture
    background = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, picture).convert("RGB")


def _prepared(strip: Image.Image, mode: str) -> Image.Image:
    """A strip in the working mode, transparency flattened (before averaging, so a transparent
    pixel's hidden colour never bleeds into its neighbours)."""
    if strip.mode.startswith("I") and mode == "L":
        # 16-bit grey (scanner PNGs): keep the high byte; `convert` would clip at 255 (white).
        values = np.asarray(strip, dtype=np.uint32) >> 8
        return Image.fromarray(values.clip(0, 255).astype(np.uint8))
    return flatten(strip if strip.mode == mode else strip.convert(mode))


def shrink(image: Image.Image, longest: int) -> Image.Image:
    """`image` reduced by a whole factor to a long side of at most `longest`, as RGB or L with
    any transparency flattened on white.

    Works one horizontal strip at a time, so the only full-size picture is the decoded one.
    """
    width, height = image.size
    factor = max(1, math.ceil(max(width, height) / longest))
    mode = _working_mode(image)
    if factor == 1:
        return _prepared(image, mode)
    out = Image.new(
        "L" if mode == "L" else "RGB", (math.ceil(width / factor), math.ceil(height / factor))
    )
    rows = max(1, _STRIP_PIXELS // (width * factor)) * factor
    for top in range(0, height, rows):
        strip = _prepared(image.crop((0, top, width, min(height, top + rows))), mode)
        out.paste(strip.reduce(factor), (0, top // factor))
    return out


def decode_small(image: Image.Image, policy: LockerPolicy) -> Decoded:
    """Decode an opened (not yet loaded) image within the budget and shrink it for the checks.

    Raises `TooManyPixels` before decoding anything when the budget does not allow it; decoding
    errors of a damaged file propagate. The full-size picture is released before returning.
    """
    width, height = image.size
    limit = policy.max_image_pixels
    if width * height > limit:
        raise TooManyPixels({"width": width, "height": height, "limit_pixels": limit})
    if image.format == "JPEG":
        image.draft("RGB", (policy.analysis_size, policy.analysis_size))
    cost = decode_cost(image, (width, height))
    if cost > policy.decode_budget_bytes:
        # Name the pixel count this kind of file may have, so the resident's text is true.
        fitting = int(policy.decode_budget_bytes / (cost / (width * height)))
        raise TooManyPixels(
            {"width": width, "height": height, "decode_bytes": cost}
            | {"limit_pixels": min(limit, fitting)}
        )
    orientation = int(image.getexif().get(_ORIENTATION, 1))
    image.load()
    drafted = image.size
    small = shrink(image, 2 * policy.analysis_size)
    if small is not image:
        image.close()  # releases the full-size picture now, not when the caller lets it go
    return Decoded(
        small, width, height, orientation, {"decoded": list(drafted), "decode_bytes": cost}
    )
