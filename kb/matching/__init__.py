""""Has this been fact-checked?": rank the stored ClaimReviews by how well they verify a claim.

BM25 over each review's claim and title, with tweet-aware words (:mod:`.text`),
fused with sentence embeddings when the packaged model is installed
(:mod:`.dense`). The index is derived from the store and kept in step with it
(:mod:`.index`). Measured on CLEF-2020 CheckThat! Task 2: see bench/README.md.
"""

from __future__ import annotations

from typing import Any, Sequence

from .index import Match, MatchIndex, get_match_index

__all__ = ["Match", "MatchIndex", "match", "match_many", "fact_checks", "flag_reviewed"]


def match_many(kb: Any, texts: Sequence[str], top: int = 5) -> list[list[Match]]:
    """For each text, the ``top`` stored reviews that best verify it, best first."""
    return get_match_index(kb).search_many(list(texts), top)


def match(kb: Any, text: str, top: int = 5) -> list[Match]:
    return match_many(kb, [text], top)[0]


def fact_checks(kb: Any, text: str, *, top: int = 5, exclude: Sequence[str] = ()) -> list[Match]:
    """Reviews of claims similar to ``text`` (scored at least :attr:`MatchIndex.similar`: below it,
    the best hits of an unrelated claim are noise), for a claim page; ``exclude`` drops reviews
    already shown as the claim's own."""
    skip = set(exclude)
    index = get_match_index(kb)
    hits = index.search(text, top + len(skip))
    return [m for m in hits if m.score >= index.similar and m.review not in skip][:top]


def flag_reviewed(kb: Any, texts: Sequence[str], *, top: int = 3) -> list[list[Match]]:
    """The hook for the ingest preview: for each new claim's text, the existing reviews it matches
    (empty when none is similar enough), so the preview can flag it before it is stored."""
    index = get_match_index(kb)
    return [[m for m in hits if m.score >= index.similar] for hits in index.search_many(list(texts), top)]
