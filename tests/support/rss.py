"""The peak memory of intake checks, measured for real in a child process (Linux).

The child imports the locker, runs one small check of each kind so that every lazily imported
module and allocator arena is in place, resets its peak RSS (`VmHWM`, through
`/proc/self/clear_refs`), runs the checks asked for and reports how far its peak rose above the
RSS it had just before: the memory those checks needed, and nothing else. The parent also reads
the child's whole peak from `getrusage(RUSAGE_CHILDREN)` (a maximum over every child so far).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.support import files as samples

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import asyncio, gc, io, json, sys
from pathlib import Path

from PIL import Image

from app.locker.checks import inspect_file
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.upload import check_upload
from tests.support.counter import uploaded
from tests.support import files as samples

mode, paths = sys.argv[1], [Path(p) for p in sys.argv[2:]]
ANY = DocumentRequirement("kk")
LIMIT = 100 * 1024 * 1024


def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


async def uploads():
    files = [uploaded(path.read_bytes(), path.name, "image/png") for path in paths]
    checked = await asyncio.gather(*(check_upload(f, ANY) for f in files))
    for one in checked:
        if hasattr(one, "discard"):  # (a tree from before the check-once change gave verdicts)
            await one.discard()
    return [str(getattr(one, "verdict", one).reason) for one in checked]


# Warm up: one of each kind, so imports and arenas are not counted as the check's.
warm = Path("warm.bin")
for data in (samples.sharp_jpeg(), samples.sharp_png(), samples.pdf(image=True)):
    warm.write_bytes(data)
    inspect_file(warm, ANY, LockerPolicy(), size_limit=LIMIT)
warm.unlink()
asyncio.run(asyncio.sleep(0))
gc.collect()
Path("/proc/self/clear_refs").write_text("5")
before = status("VmRSS")
if mode == "file":
    reasons = [str(inspect_file(p, ANY, LockerPolicy(), size_limit=LIMIT).verdict.reason)
               for p in paths]
else:
    reasons = asyncio.run(uploads())
print(json.dumps({"growth_kb": status("VmHWM") - before, "reasons": reasons}))
"""


# The kinds of upload measured (by the tests and by bench/intake_bench.py): name → (how to make
# the file, its name, the verdict of its check: a reason code, "None" when accepted).
UPLOAD_KINDS: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # The bomb: a complete RGBA PNG of 7070×7070 (50 MP) that decodes to 200 MB.
    "png-bomb-7070": (
        lambda: samples.png_bomb(7070, 7070, colour=True, complete=True),
        "bomb.png",
        "too_many_pixels",
    ),
    # The largest colour PNG the budget lets through (16.7 MP, 64 MiB decoded): the worst case
    # of a check that does decode. All transparent, so it reads as a white page.
    "png-at-the-budget": (
        lambda: samples.png_bomb(4720, 3550, colour=True, complete=True),
        "budget.png",
        "too_bright",
    ),
    # A progressive JPEG header claiming 48 MP: libjpeg would allocate 144 MB of coefficients.
    "huge-progressive-jpeg": (
        lambda: samples.jpeg_claiming(8000, 6000, progressive=True),
        "huge.jpg",
        "too_many_pixels",
    ),
    # A 24-MP photo, right at the pixel cap: decoded straight at 1/4 scale.
    "big-jpeg-24mp": (lambda: samples.phone_photo(5656, 4242), "big.jpg", "None"),
    "phone-photo-12mp": (samples.phone_photo, "phone.jpg", "None"),
    # A scanner app's PDF: one 17-MP JPEG page, decoded at a reduced scale for its thumbnail.
    "scanned-pdf": (samples.scanned_pdf, "scan.pdf", "None"),
}


def write_upload_kinds(folder: Path) -> dict[str, Path]:
    """Every kind of `UPLOAD_KINDS` as a file in `folder`."""
    files = {}
    for name, (make, filename, _reason) in UPLOAD_KINDS.items():
        files[name] = folder / filename
        files[name].write_bytes(make())
    return files


@dataclass(frozen=True)
class Measured:
    growth_mb: float  # the child's peak RSS above its RSS just before the checks
    children_peak_mb: float  # the highest whole peak RSS of any child so far (imports included)
    reasons: list[str]  # each file's verdict ("None" when accepted)


def measure_checks(paths: list[Path], *, as_uploads: bool = False, root: Path = ROOT) -> Measured:
    """Check `paths` in a fresh child process (one after another, or as concurrent counter
    uploads) and return what that cost in memory. `root` is the source tree to measure (another
    checkout of Loket, to compare)."""
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "upload" if as_uploads else "file", *map(str, paths)],
        cwd=paths[0].parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Measured(result["growth_kb"] / 1024, peak_kb / 1024, result["reasons"])
