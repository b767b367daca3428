"""Claim matching on CLEF-2020 CheckThat! Task 2: MAP@5 on train and dev, lexical vs fused, and latency.

    .venv/bin/python bench/matching.py                 # BM25 and BM25+MiniLM, train and dev
    .venv/bin/python bench/matching.py --lexical-only  # no model needed

Builds kb's match index (kb.matching) straight from ../shared/eval/claim-matching (no store:
the end-to-end run through `kb ingest`/`kb match` is ../shared/eval/score_matching.py), then
ranks every query as `kb match` does. Latency is one claim at a time against all verified claims.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.matching import dense  # noqa: E402
from kb.matching.index import MatchIndex, ReviewDoc  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "claim-matching"


def _tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10**9)
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _qrels(path: Path) -> dict[str, set[str]]:
    rel: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == "1":
            rel.setdefault(parts[0], set()).add(parts[2])
    return rel


def _ap5(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:5]):
        if doc in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(relevant), 5) if relevant else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lexical-only", action="store_true")
    ap.add_argument("--cache", help="save the built index here, and reuse it when it exists")
    a = ap.parse_args()
    if a.lexical_only:
        os.environ["KB_MATCH_DENSE"] = "0"
    rows = _tsv(DATA / "verified_claims.docs.tsv")
    docs = [ReviewDoc(review=r[""], url=r[""], claim="", claim_reviewed=r["vclaim"], headline=r["title"],
                      verdict="other", rating="", author="") for r in rows]
    texts = [f"{r['vclaim']} {r['title']}" for r in rows]
    t0 = time.perf_counter()
    index = MatchIndex.load(a.cache) if a.cache and os.path.exists(a.cache) else None
    if index is None:
        index = MatchIndex.build(docs, texts)
        if a.cache:
            index.save(a.cache)
    print(f"index: {len(docs)} verified claims, dense={index.dense}, built or loaded in {time.perf_counter() - t0:.1f} s")
    modes = [("BM25", False)] + ([("BM25+MiniLM", True)] if index.dense else [])
    for name, use_dense in modes:
        os.environ["KB_MATCH_DENSE"] = "1" if use_dense else "0"
        for split in ("train", "dev"):
            queries = _tsv(DATA / split / "tweets.queries.tsv")
            rel = _qrels(DATA / split / "tweet-vclaim-pairs.qrels")
            texts_q = [" ".join(q["tweet_content"].split()) for q in queries]
            results = index.search_many(texts_q, 5)
            map5 = sum(_ap5([m.url for m in r], rel.get(q[""], set())) for q, r in zip(queries, results)) / len(queries)
            times = []
            for text in texts_q[:100]:
                t = time.perf_counter()
                index.search(text, 5)
                times.append((time.perf_counter() - t) * 1000)
            print(f"{name:12} {split:5} queries={len(queries)} map5={map5:.3f} "
                  f"ms_per_match median={statistics.median(times):.1f} p95={sorted(times)[94]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
