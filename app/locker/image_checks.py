"""Intake checks for photos: decodes, big enough, sharp, neither too dark nor washed out.

The image is decoded within a memory budget and shrunk on the way (`decoding.decode_small`);
the measures run on a grey copy of that small picture scaled to fit `policy.analysis_size`,
which also makes the sharpness measure comparable between a 640×480 photo and a 4000×3000 one.
The thumbnail is made from the same small picture: no full-size copy is ever taken.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from app.locker.decoding import TooManyPixels, decode_small, flatten
from app.locker.policy import LockerPolicy
from app.locker.reasons import Reason, Verdict

# What a damaged or hostile image can make Pillow raise while opening or decoding.
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
)


@dataclass(frozen=True)
class ImageReport:
    verdict: Verdict
    width: int | None = None
    height: int | None = None
    metrics: dict[str, Any] | None = None
    thumbnail: bytes | None = None


def laplacian_variance(grey: NDArray[np.float32]) -> float:
    """Variance of the 4-neighbour Laplacian: low when edges are soft, i.e. the photo is blurred."""
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return 0.0
    centre = grey[1:-1, 1:-1]
    lap = grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4.0 * centre
    return float(lap.var())


# EXIF orientation → the transpose that makes the picture upright (as `ImageOps.exif_transpose`).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def make_thumbnail(picture: Image.Image, size: int, orientation: int = 1) -> bytes:
    """A JPEG no larger than `size` pixels on its long side, upright per the EXIF orientation.

    `picture` should already be small (see `decoding.decode_small`); it is not modified.
    """
    thumb = flatten(picture)
    thumb = thumb.convert("RGB") if thumb.mode != "RGB" else thumb.copy()
    thumb.thumbnail((size, size))
    if orientation in _UPRIGHT:
        thumb = thumb.transpose(_UPRIGHT[orientation])
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def measure(image: Image.Image, policy: LockerPolicy) -> dict[str, float]:
    """Brightness (mean grey), contrast (its spread), ink (share of dark pixels) and sharpness."""
    grey = image.convert("L")
    grey.thumbnail((policy.analysis_size, policy.analysis_size))
    pixels = np.asarray(grey, dtype=np.float32)
    ink = np.count_nonzero(pixels < policy.ink_level) / max(1, pixels.size)
    return {
        "brightness": round(float(pixels.mean()), 2),
        "contrast": round(float(pixels.std()), 2),
        "ink": round(float(ink), 5),
        "sharpness": round(laplacian_variance(pixels), 2),
    }


def judge(width: int, height: int, metrics: dict[str, float], policy: LockerPolicy) -> Verdict:
    """Apply the thresholds; the most specific problem wins (a dark photo also looks soft)."""
    if min(width, height) < policy.min_short_side:
        return Verdict(Reason.TOO_SMALL, {"width": width, "height": height})
    if metrics["brightness"] < policy.min_brightness:
        return Verdict(Reason.TOO_DARK, dict(metrics))
    if metrics["brightness"] > policy.max_brightness and metrics["ink"] < policy.min_ink_share:
        return Verdict(Reason.TOO_BRIGHT, dict(metrics))
    if metrics["sharpness"] < policy.min_sharpness:
        return Verdict(Reason.BLURRED, dict(metrics))
    return Verdict()


def check_image(path: Path, policy: LockerPolicy) -> ImageReport:
    """Run every image check on the file at `path` (blocking; call it in a worker thread)."""
    width = height = None
    try:
        with Image.open(path) as image:
            width, height = image.size
            if image.format not in ("JPEG", "PNG"):
                return ImageReport(Verdict(Reason.WRONG_TYPE, {"format": image.format}))
            decoded = decode_small(image, policy)
        metrics = measure(decoded.picture, policy)
        verdict = judge(decoded.width, decoded.height, metrics, policy)
        thumbnail = None
        if verdict.accepted:
            thumbnail = make_thumbnail(decoded.picture, policy.thumbnail_size, decoded.orientation)
    except TooManyPixels as exc:
        # Refused before decoding: a few KB of PNG can inflate to gigabytes of pixels.
        return ImageReport(Verdict(Reason.TOO_MANY_PIXELS, exc.detail), width, height)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        # Pillow's own ceiling, far above ours, checked while opening (the warning is only
        # raised when warnings are errors): the header alone claims too many pixels.
        detail = {"limit_pixels": policy.max_image_pixels, "error": str(exc)[:200]}
        return ImageReport(Verdict(Reason.TOO_MANY_PIXELS, detail))
    except _DECODE_ERRORS as exc:
        return ImageReport(Verdict(Reason.UNREADABLE, {"error": str(exc)[:200]}))
    return ImageReport(verdict, decoded.width, decoded.height, metrics, thumbnail)
