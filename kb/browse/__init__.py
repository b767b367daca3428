"""The data-access layer of the web UI: every query a page runs lives here.

Pure functions over a :class:`kb.KnowledgeBase`; views call these and never
hold SPARQL or SQL. Lists, search and facets read a SQLite index kept beside
the store (:mod:`kb.browse.index`); call :func:`refresh_index` after writes.
"""

from __future__ import annotations

from .claims import FILTER_KEYS, SORTS, ClaimFilter, ClaimPage, ClaimSummary, Match, list_claims
from .facets import FACET_KEYS, Facet, FacetList, FacetValue, facet, facets
from .detail import ClaimDetail, DocumentDetail, claim_detail, document_detail
from .entities import Entity, entity_detail, timeline
from .lists import DocumentRow, SpeakerRow, list_documents, list_speakers
from .home import HomeData, counts, home, validation_report
from .resource import describe_rdf, label_of, page_kind, short_iri, statements
from .reviews import REVIEW_FACETS, ReviewFilter, ReviewPage, ReviewRow, all_reviews, list_reviews
from .store import get_index, refresh_index
from .workbench import CANNED_QUERIES, CannedQuery, canned, completions, prefixes

__all__ = [
    "FILTER_KEYS", "SORTS", "ClaimFilter", "ClaimPage", "ClaimSummary", "Match", "FACET_KEYS", "Facet", "FacetList",
    "FacetValue", "facet", "facets",
    "list_claims", "ClaimDetail", "DocumentDetail", "claim_detail", "document_detail", "Entity", "entity_detail",
    "timeline", "DocumentRow", "SpeakerRow", "list_documents", "list_speakers", "HomeData", "counts", "home", "validation_report", "describe_rdf", "label_of", "page_kind", "short_iri", "statements",
    "get_index", "refresh_index", "CANNED_QUERIES", "CannedQuery", "canned", "completions", "prefixes",
    "REVIEW_FACETS", "ReviewFilter", "ReviewPage", "ReviewRow", "all_reviews", "list_reviews",
]
