"""Intake checks for photos: decodes, big enough, sharp, neither too dark nor washed out.

The measures run on a grey copy scaled to fit `policy.analysis_size` (JPEGs are decoded straight
at that scale with `draft`, which keeps a 12-megapixel photo cheap). Scaling first also makes the
sharpness measure comparable between a 640×480 photo and a 4000×3000 one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

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


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background: transparent areas must not read as black (too dark)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def make_thumbnail(image: Image.Image, size: int) -> bytes:
    """A JPEG no larger than `size` pixels on its long side, upright per the EXIF orientation."""
    thumb = ImageOps.exif_transpose(_flatten(image))
    thumb.thumbnail((size, size))
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
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > policy.max_image_pixels:
                # Refused before decoding: a few KB of PNG can inflate to gigabytes of pixels.
                detail = {"width": width, "height": height, "limit_pixels": policy.max_image_pixels}
                return ImageReport(Verdict(Reason.TOO_LARGE, detail), width, height)
            if image.format not in ("JPEG", "PNG"):
                return ImageReport(Verdict(Reason.WRONG_TYPE, {"format": image.format}))
            if image.format == "JPEG":
                image.draft("RGB", (policy.analysis_size, policy.analysis_size))
            image.load()
            rgb = _flatten(image)
            metrics = measure(rgb, policy)
            verdict = judge(width, height, metrics, policy)
            thumbnail = make_thumbnail(image, policy.thumbnail_size) if verdict.accepted else None
    except Image.DecompressionBombWarning:
        # Only reached when warnings are turned into errors; Pillow's own ceiling was passed.
        return ImageReport(Verdict(Reason.TOO_LARGE, {"limit_pixels": policy.max_image_pixels}))
    except Image.DecompressionBombError as exc:
        return ImageReport(Verdict(Reason.TOO_LARGE, {"error": str(exc)[:200]}))
    except _DECODE_ERRORS as exc:
        return ImageReport(Verdict(Reason.UNREADABLE, {"error": str(exc)[:200]}))
    return ImageReport(verdict, width, height, metrics, thumbnail)
