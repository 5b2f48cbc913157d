"""A fake camera for Chromium: a Y4M video (YUV4MPEG2, 4:2:0) showing a picture, made with Pillow.

Chromium plays it in a loop to `getUserMedia` when launched with
`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file.y4m>`.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 640, 480


def picture_frame(png: bytes, *, size: int = 360) -> Image.Image:
    """The PNG (a QR code) centred on a white 640x480 frame, as a phone screen held up."""
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    picture = Image.open(io.BytesIO(png)).convert("RGB").resize((size, size), Image.NEAREST)
    frame.paste(picture, ((WIDTH - size) // 2, (HEIGHT - size) // 2))
    return frame


def write_y4m(path: Path, frame: Image.Image, *, frames: int = 10) -> Path:
    """Write `frames` copies of `frame` as a 4:2:0 Y4M file at 10 frames a second."""
    y, cb, cr = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path
