"""Claim extraction speed: articles per second on PolNeAR dev, after the model has loaded.

    python bench/extract_speed.py [--runs 5] [FOLDER]

Prints the median of several runs of ``kb.extract.extract_files`` over every
``text/*.txt`` article of the folder (default ``../shared/eval/polnear-dev``), in one
process on one core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.extract import extract_files  # noqa: E402
from kb.extract.pipeline import load_nlp  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "polnear-dev"))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    paths = sorted(str(p) for p in Path(args.folder, "text").glob("*.txt"))
    if not paths:
        print(f"no articles under {args.folder}/text", file=sys.stderr)
        return 1
    load_nlp()
    extract_files(paths[:3])  # warm up caches outside the timed runs
    rates, wall = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        extract_files(paths)
        # CPU time is what one core spends; wall time also counts other processes' load.
        rates.append(len(paths) / (time.process_time() - c0))
        wall.append(len(paths) / (time.perf_counter() - t0))
    print(f"articles={len(paths)} runs={args.runs} cpu-rate min={min(rates):.1f} max={max(rates):.1f} "
          f"wall-rate median={statistics.median(wall):.1f}")
    print(f"{statistics.median(rates):.1f} articles/second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
