"""The reviews list: every stored schema:ClaimReview, filtered and faceted by fact-checker, verdict,
rating and year, newest first, in numbered pages.

Why in memory and not in the browse index: reviews are few next to claims (10k against 100k) and
each is one named graph of a handful of triples, so the whole list is read from the store once per
browse-index version (five plain SELECTs joined here, ~1 s at 10k reviews, see :func:`_load`) and kept
as rows; a page then filters and counts them in Python (a few ms at 10k). The browse-index version
grows on every write, so the list is never stale.

``/reviews.json`` answers with :meth:`ReviewPage.as_dict` plus ``next``: ``total`` (matching reviews),
``page``, ``pages``, ``filter`` (the active filters), ``count`` and ``items`` (one
:meth:`ReviewRow.as_dict` per review: ``iri``, ``url`` (the fact-check), ``claim_reviewed``,
``headline``, ``date`` (YYYY-MM-DD or ''), ``checker`` and ``checker_name`` (the review's author),
``verdict`` (true, mixture, false, other), ``rating`` (the fact-checker's own label), ``claim`` (the
reviewed claim's IRI), ``claim_stored`` and ``claim_text`` (its own wording)), and ``facets``: ``{key: {"title", "more", "values":
[{"value", "label", "count"}]}}`` for checker, verdict, rating and year.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, fields
from typing import Any, Callable

from rdflib import URIRef

from ..errors import InputError
from .facets import Facet, FacetValue
from .queries import VERDICTS, display_name
from .store import cached, keep_reviews_warm

__all__ = ["ReviewFilter", "ReviewRow", "ReviewPage", "list_reviews", "all_reviews", "REVIEW_FACETS",
           "REVIEW_FILTER_KEYS"]

#: (filter key, title), in the order the page shows the facets.
REVIEW_FACETS: tuple[tuple[str, str], ...] = (
    ("checker", "Fact-checker"), ("verdict", "Verdict"), ("rating", "Rating"), ("year", "Year"),
)
REVIEW_FILTER_KEYS = ("q", *(key for key, _title in REVIEW_FACETS))
MAX_LIMIT = 500
NO_DATE = "no date"
_YEAR = re.compile(r"^(\d{4}|none)$")

# Plain queries joined in Python (as kb.matching.index does): a fact-checker's name is repeated in
# every review's graph, and the union default graph multiplies the rows of any join through it.
_REVIEWS = """
SELECT ?review ?url ?reviewed ?headline ?verdict ?claim ?org ?date WHERE {
  ?review a schema:ClaimReview .
  OPTIONAL { ?review schema:url ?url }
  OPTIONAL { ?review schema:claimReviewed ?reviewed }
  OPTIONAL { ?review schema:headline ?headline }
  OPTIONAL { ?review kb:verdict ?verdict }
  OPTIONAL { ?review schema:itemReviewed ?claim }
  OPTIONAL { ?review schema:author ?org }
  OPTIONAL { ?review schema:datePublished ?date }
}
"""
_RATINGS = """
SELECT ?review ?label ?rater WHERE {
  ?review a schema:ClaimReview ; schema:reviewRating ?rating . ?rating schema:alternateName ?label .
  OPTIONAL { ?rating schema:author ?rater }
}
"""
_CLAIM_TEXTS = "SELECT ?review ?text WHERE { ?review a schema:ClaimReview ; schema:itemReviewed/schema:text ?text }"
_STORED = "SELECT DISTINCT ?claim WHERE { ?review a schema:ClaimReview ; schema:itemReviewed ?claim . ?claim a schema:Claim }"
# Every name of a fact-checker: the one shown is chosen as the claims list's facet chooses it (display_name).
_NAMES = "SELECT DISTINCT ?org ?name WHERE { ?org schema:name ?name }"


@dataclass(frozen=True)
class ReviewRow:
    iri: str
    url: str
    claim_reviewed: str
    headline: str
    date: str  # YYYY-MM-DD, or '' when the review has no date
    checker: str  # the review's author (the fact-checker) IRI
    checker_name: str
    verdict: str  # the shared scale: true, mixture, false, other
    rating: str  # the fact-checker's own label ('' if none)
    claim: str  # the reviewed claim's IRI ('' if none)
    claim_stored: bool  # the reviewed claim is a stored schema:Claim (it has a page)
    claim_text: str = ""  # the reviewed claim's own wording (schema:text), when the store has it

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else "none"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewFilter:
    """The reviews asked for; every field optional. ``year`` is YYYY, or "none" for undated reviews."""

    q: str = ""  # words in the reviewed claim or the review's title (case-insensitive substring)
    checker: str = ""  # a fact-checker's IRI
    verdict: str = ""  # true, mixture, false, other
    rating: str = ""  # a fact-checker's label, exactly
    year: str = ""

    def __post_init__(self) -> None:
        if self.verdict and self.verdict not in VERDICTS.values():
            raise InputError(f"verdict: {self.verdict!r} is not a verdict (use {', '.join(VERDICTS.values())})")
        if self.year and not _YEAR.match(self.year):
            raise InputError(f"year: {self.year!r} is not a year (use YYYY, or none for undated reviews)")

    @classmethod
    def from_args(cls, args: Any) -> "ReviewFilter":
        """From a mapping such as request.args; unknown keys are ignored."""
        return cls(**{f.name: " ".join(str(args.get(f.name) or "").split()) for f in fields(cls) if args.get(f.name)})

    def active(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    def keeps(self, row: ReviewRow, folded: str) -> bool:
        return ((not self.checker or row.checker == self.checker)
                and (not self.verdict or row.verdict == self.verdict)
                and (not self.rating or row.rating == self.rating)
                and (not self.year or row.year == self.year)
                and (not self.q or self.q.casefold() in folded))


@dataclass
class ReviewPage:
    reviews: list[ReviewRow]
    total: int
    page: int
    pages: int
    facets: list[Facet]
    filter: ReviewFilter

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total, "page": self.page, "pages": self.pages, "filter": self.filter.active(),
            "facets": {f.key: {"title": f.title, "more": f.more, "values": [asdict(v) for v in f.values]}
                       for f in self.facets},
            "count": len(self.reviews), "items": [r.as_dict() for r in self.reviews],
        }


class _Reviews:
    """Every review of one store version, newest first (undated last), with what filtering reads."""

    def __init__(self, rows: list[ReviewRow]) -> None:
        self.rows = sorted(rows, key=lambda r: r.iri)
        self.rows.sort(key=lambda r: r.date, reverse=True)  # stable: ties stay in IRI order; '' sorts last
        self.folded = [f"{r.claim_reviewed}\n{r.headline}".casefold() for r in self.rows]
        self.names = {r.checker: r.checker_name for r in self.rows if r.checker}


def _iso(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10]


def _first(rows: list[dict[str, Any]], key: str) -> dict[str, str]:
    """review → the first value of ``key`` in sorted order (the same on every load)."""
    out: dict[str, str] = {}
    for r in sorted((r for r in rows if r.get(key) is not None), key=lambda r: str(r[key])):
        out.setdefault(str(r["review"]), str(r[key]).strip() if key != "date" else _iso(r[key]))
    return out


def _ratings(kb: Any, authors: dict[str, str]) -> dict[str, str]:
    """review → the fact-checker's own label: a rating without an author, or rated by the review's
    author, before an aggregator's (ClaimsKG adds a normalized rating of its own)."""
    best: dict[str, tuple[bool, str]] = {}
    for r in kb.select(_RATINGS):
        review, label = str(r["review"]), str(r["label"]).strip()
        rank = (r.get("rater") is not None and str(r["rater"]) != authors.get(review), label)
        if review not in best or rank < best[review]:
            best[review] = rank
    return {review: label for review, (_other, label) in best.items()}


def _load(kb: Any) -> _Reviews:
    rows = kb.select(_REVIEWS)
    fields_ = {key: _first(rows, key) for key in ("url", "reviewed", "headline", "verdict", "claim", "org", "date")}
    authors = fields_["org"]
    ratings = _ratings(kb, authors)
    texts = _first(kb.select(_CLAIM_TEXTS), "text")
    stored = {str(r["claim"]) for r in kb.select(_STORED)}
    names = {org: display_name(str(r["name"]) for r in kb.select(_NAMES, {"org": URIRef(org)}))
             for org in set(authors.values())}
    out = []
    for review in {str(r["review"]) for r in rows}:
        f = {key: values.get(review, "") for key, values in fields_.items()}
        out.append(ReviewRow(
            iri=review, url=f["url"], claim_reviewed=f["reviewed"] or texts.get(review, ""), headline=f["headline"],
            date=f["date"], checker=f["org"], checker_name=names.get(f["org"], "") or f["org"],
            verdict=VERDICTS.get(f["verdict"], "other"), rating=ratings.get(review, ""), claim=f["claim"],
            claim_stored=f["claim"] in stored, claim_text=texts.get(review, ""),
        ))
    return _Reviews(out)


def _reviews(kb: Any) -> _Reviews:
    """The reviews of the store's current version (read once per browse-index version)."""
    found: _Reviews = cached(kb, "reviews", (), lambda: _load(kb))
    keep_reviews_warm(kb)
    return found


def all_reviews(kb: Any) -> list[ReviewRow]:
    """Every stored review, newest first (undated last, then by IRI)."""
    return list(_reviews(kb).rows)


_VALUE: dict[str, Callable[[ReviewRow], str]] = {
    "checker": lambda r: r.checker, "verdict": lambda r: r.verdict, "rating": lambda r: r.rating,
    "year": lambda r: r.year,
}


def _facet(key: str, title: str, matched: list[ReviewRow], names: dict[str, str], size: int | None) -> Facet:
    counts = Counter(map(_VALUE[key], matched))
    counts.pop("", None)  # no fact-checker, or no rating label: nothing to filter by
    label = {"checker": lambda v: names.get(v) or v, "year": lambda v: NO_DATE if v == "none" else v}.get(
        key, lambda v: v)
    values = [FacetValue(v, label(v), n) for v, n in counts.items()]
    if key == "year":  # newest year first, "no date" last
        values.sort(key=lambda v: "" if v.value == "none" else v.value, reverse=True)
    else:
        values.sort(key=lambda v: (-v.count, v.label.casefold(), v.value))
    shown = values if size is None else values[:size]
    return Facet(key, title, shown, len(shown) < len(values))


def _matched(kb: Any, f: ReviewFilter, size: int | None) -> tuple[list[ReviewRow], list[Facet]]:
    """The reviews ``f`` keeps and their facets, cached per store version and filter."""

    def compute() -> tuple[list[ReviewRow], list[Facet]]:
        held = _reviews(kb)
        if f.active():
            matched = [r for r, folded in zip(held.rows, held.folded) if f.keeps(r, folded)]
        else:
            matched = held.rows
        return matched, [_facet(k, title, matched, held.names, size) for k, title in REVIEW_FACETS]

    found: tuple[list[ReviewRow], list[Facet]] = cached(kb, "reviews-matched", (f, size), compute)
    return found


def list_reviews(kb: Any, f: ReviewFilter | None = None, *, page: int = 1, limit: int = 25,
                 facet_size: int | None = 10) -> ReviewPage:
    """One page of the reviews ``f`` keeps, newest first, with the facets of all of them (the top
    ``facet_size`` values of each; every value when None)."""
    f = f or ReviewFilter()
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit: use a number from 1 to {MAX_LIMIT}")
    if page < 1:
        raise InputError("page: use a number from 1")
    matched, facets = _matched(kb, f, facet_size)
    pages = max(1, -(-len(matched) // limit))
    if page > pages:
        raise InputError(f"page: there {'is' if pages == 1 else 'are'} only {pages} page{'' if pages == 1 else 's'}")
    start = (page - 1) * limit
    return ReviewPage(matched[start:start + limit], len(matched), page, pages, facets, f)
