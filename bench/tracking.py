"""Linking one article's quotes to their other appearances, at corpus scale (issue 10, section 2).

Usage::

    python bench/tracking.py --claims 100000 --articles 30

Builds a tracking index (:mod:`kb.tracking.index`, the SQLite file kb keeps beside
the store) holding ``--claims`` claims of synthetic articles (~10 claims each:
60 % quotes, 20 % paraphrases, 20 % facts; words drawn from a Zipf-distributed
vocabulary of 20,000 words, so common words are shared as in news text), then
times :meth:`TrackingIndex.add` (which links, then stores) for ``--articles`` new 10-claim articles, each
repeating some stored quotes verbatim, trimmed, with an inserted bracket, or
re-punctuated. That call is the linking of the after-commit hook: normalize,
look up the shingles, compare the candidates, store the claims and the links.
Prints a markdown table row; the timings are wall-clock milliseconds per article.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from kb.tracking.index import TrackedClaim, TrackingIndex  # noqa: E402
from kb.tracking.text import tokens  # noqa: E402

KINDS = ["DirectQuote"] * 3 + ["PartialQuote"] * 3 + ["Paraphrase"] * 2 + ["ReportedFact"] * 2


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = [a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    return " ".join(rng.choices(words, weights, k=rng.randint(6, 30)))


def article(rng: random.Random, n: int, words: list[str], weights: list[float], texts: list[str] | None = None
            ) -> list[TrackedClaim]:
    doc = f"https://w3id.org/claimkb/id/doc/{n}"
    out = []
    for i in range(10):
        kind = rng.choice(KINDS)
        text = sentence(rng, words, weights)
        if texts and kind in ("DirectQuote", "PartialQuote") and rng.random() < 0.5:
            old = rng.choice(texts).split()
            edit = rng.randrange(4)
            if edit == 1 and len(old) > 8:
                old = old[: len(old) // 2 + 2]  # a partial quote of it
            elif edit == 2:
                old.insert(len(old) // 2, "[the minister]")  # an editor's insertion
            elif edit == 3:
                old = ['"' + old[0].capitalize()] + old[1:-1] + [old[-1] + ',"']  # other quote marks
            text = " ".join(old)
        out.append(TrackedClaim(f"https://w3id.org/claimkb/id/claim/{n}-{i}", f"https://w3id.org/claimkb/id/graph/{n}",
                                kind, tuple(tokens(text)), f"https://w3id.org/claimkb/id/person/p{rng.randrange(2000)}",
                                f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}", doc, "", f"https://w3id.org/claimkb/id/org/o{n % 40}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(rng)
    weights = [1 / (r + 1) for r in range(len(words))]
    with tempfile.TemporaryDirectory() as folder:
        index = TrackingIndex(os.path.join(folder, "tracking-index.sqlite3"))
        started = time.perf_counter()
        quotes: list[str] = []
        for n in range(args.claims // 10):
            claims = article(rng, n, words, weights)
            index.add(claims, link=n % 100 == 0)  # the corpus itself is loaded, not linked
            quotes.extend(" ".join(c.words) for c in claims if c.kind in ("DirectQuote", "PartialQuote"))
        built = time.perf_counter() - started
        times, links = [], 0
        for n in range(args.articles):
            claims = article(rng, 10_000_000 + n, words, weights, quotes)
            t = time.perf_counter()
            links += len(index.add(claims))
            times.append((time.perf_counter() - t) * 1000)
        size = os.path.getsize(index.path) / 1e6
        print("| claims | build (s) | index (MB) | link one 10-claim article: median ms | p95 ms | max ms | links found |")
        print("|---|---|---|---|---|---|---|")
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        print(f"| {index.count():,} | {built:.1f} | {size:.0f} | {statistics.median(times):.1f} | {p95:.1f} | "
              f"{max(times):.1f} | {links} |")
        index.close()


if __name__ == "__main__":
    main()
