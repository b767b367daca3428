"""Where `kb validate` spends its time: each compiled SHACL check, timed on a store.

    python bench/validation_checks.py STORE [--json OUT] [--top 15]

Runs every check of ``kb.validating`` (one SPARQL SELECT each, over the union of the
store's graphs, as ``kb validate`` does) on the store folder ``STORE`` opened read-only,
and prints the slowest. Run it on stores of two sizes (``bench/scale.py --keep`` keeps
its store) and compare the JSON files to see which checks grow faster than the data.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.validating import _compiled  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--json", help="write every check's time here")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args(argv)
    if not Path(args.store).is_dir():
        print(f"validation_checks: {args.store} is not a store folder", file=sys.stderr)
        return 2
    compiled = _compiled()
    store = ox.Store.read_only(args.store)
    rows = []
    began = time.perf_counter()
    for i, (check, query) in enumerate(zip(compiled.checks, compiled._queries[False])):
        t = time.perf_counter()
        violations = sum(1 for _ in store.query(query, use_default_graph_as_union=True))
        rows.append({"check": i, "seconds": time.perf_counter() - t, "violations": violations,
                     "shape": str(check.shape).rsplit("#", 1)[-1],
                     "component": str(check.component).rsplit("#", 1)[-1]})
    total = time.perf_counter() - began
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"{len(rows)} checks, {total:.1f} s, {sum(r['violations'] for r in rows)} violations")
    for r in sorted(rows, key=lambda r: -r["seconds"])[:args.top]:
        print(f"{r['seconds']:7.2f} s  {r['shape']} {r['component']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
