"""Photo-like files a resident would pick on a computer: a paper lying on a table, shot by a phone.

Generated (no personal data): a card with a photo box and lines of "text", a few degrees askew on
a wooden-brown table, lit unevenly from one side, with sensor noise, saved as a phone would.
They pass the locker's intake checks (≥ 640×480, sharp, neither dark nor washed out).
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw


def paper_photo(seed: int = 1, width: int = 800, height: int = 600) -> Image.Image:
    rng = random.Random(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.75 + 0.25 * (xs / width)  # a window on the right
    table = np.stack([150 * light, 105 * light, 70 * light], axis=-1)
    table += 6 * np.sin(ys[..., None] / 7.0 + rng.random() * 6)  # wood grain
    image = Image.fromarray(np.clip(table, 0, 255).astype(np.uint8))

    card = Image.new("RGB", (int(width * 0.78), int(height * 0.72)), (238, 236, 226))
    draw = ImageDraw.Draw(card)
    cw, ch = card.size
    draw.rectangle((6, 6, cw - 7, ch - 7), outline=(40, 70, 130), width=4)
    draw.rectangle((12, 12, cw - 13, 48), fill=(40, 70, 130))
    draw.rectangle(
        (int(cw * 0.72), int(ch * 0.25), int(cw * 0.93), int(ch * 0.72)), fill=(120, 130, 150)
    )
    y = 70
    while y < ch - 30:
        x = 24
        while x < cw * 0.66:
            word = rng.randint(14, 52)
            draw.rectangle((x, y, x + word, y + 8), fill=(28, 28, 34))
            x += word + rng.randint(7, 13)
        y += 24
    card = card.rotate(
        rng.uniform(-4, 4), expand=True, fillcolor=(0, 0, 0, 0), resample=Image.BICUBIC
    )
    mask = card.convert("L").point(lambda v: 255 if v > 8 else 0)
    image.paste(card, ((width - card.width) // 2, (height - card.height) // 2), mask)

    pixels = np.asarray(image, dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0, 4, pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))


def photo_jpeg(seed: int = 1) -> bytes:
    out = io.BytesIO()
    paper_photo(seed).save(out, "JPEG", quality=88)
    return out.getvalue()


def photo_png(seed: int = 2) -> bytes:
    out = io.BytesIO()
    paper_photo(seed, 720, 540).save(out, "PNG")
    return out.getvalue()
