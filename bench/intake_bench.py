"""Intake checks: peak memory of one check per kind of upload, and of four counter uploads at once.

    python bench/intake_bench.py [--against DIR]

Each measurement runs in a fresh child process that resets its peak RSS (Linux `VmHWM`, through
/proc/self/clear_refs) after its imports and a warm-up check, then checks the file: the growth
printed is what the check itself needed. The files are generated: a 7070×7070 PNG bomb, the
largest colour PNG the decoding budget lets through, a progressive JPEG header claiming 48 MP,
a 24-MP and a 12-MP photo, and a scanner app's PDF with one 17-MP JPEG page. `--against DIR`
measures another source tree of Loket as well (e.g. an older commit unpacked with
`git archive <commit> | tar -x -C DIR`), with the same files. See bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.security.rss import (  # noqa: E402  (after the path is set)
    UPLOAD_KINDS,
    measure_checks,
    write_upload_kinds,
)

TARGET_MB = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, help="another Loket source tree to measure")
    args = parser.parse_args()
    trees = [("this tree", ROOT)] + ([("--against", args.against)] if args.against else [])
    with tempfile.TemporaryDirectory(prefix="loket-intake-bench-") as folder:
        files = write_upload_kinds(Path(folder))
        rows = [(kind, [files[kind]], False) for kind in UPLOAD_KINDS]
        rows.append(("4 × png-at-the-budget, counter", [files["png-at-the-budget"]] * 4, True))
        header = " | ".join(f"{label}: peak RSS +MB (verdict)" for label, _ in trees)
        print(f"| upload | {header} |")
        print("|---|" + "---:|" * len(trees))
        worst = 0.0
        for name, paths, as_uploads in rows:
            cells = []
            for label, tree in trees:
                measured = measure_checks(paths, as_uploads=as_uploads, root=tree)
                verdicts = ", ".join(sorted(set(measured.reasons)))
                cells.append(f"{measured.growth_mb:.1f} ({verdicts})")
                if label == "this tree" and not as_uploads:
                    worst = max(worst, measured.growth_mb)
            print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nworst single check in this tree: +{worst:.1f} MB (target ≤ {TARGET_MB:.0f} MB)")
    return 0 if worst <= TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
