"""The home page: counts, latest claims, most-quoted speakers, claims over time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .claims import ClaimFilter, ClaimSummary, FacetValue, facets, list_claims
from .entities import timeline
from .store import cached

__all__ = ["HomeData", "home", "counts", "validation_report"]



@dataclass
class HomeData:
    counts: dict[str, int]
    latest: list[ClaimSummary]
    speakers: list[FacetValue]
    months: list[tuple[str, int]]


def counts(kb: Any) -> dict[str, int]:
    """kb.stats() scans every typed node, so it is computed once per index version."""
    return cached(kb, "stats", (), kb.stats)


def home(kb: Any, *, latest: int = 8, speakers: int = 10) -> HomeData:
    f = ClaimFilter()
    speaker_facet = next(x for x in facets(kb, f, size=speakers) if x.key == "speaker")
    return HomeData(
        counts=counts(kb),
        latest=list_claims(kb, f, limit=latest).claims,
        speakers=speaker_facet.values,
        months=timeline(kb),
    )


def validation_report(kb: Any) -> Any:
    """The SHACL report of the whole knowledge base, computed once per index version."""
    return cached(kb, "validation", (), kb.validate)
