"""Every URL the app builds for a knowledge-base resource, in one place.

A minted IRI ``https://w3id.org/claimkb/id/<path>`` is served at ``/id/<path>``:
the HTML page of a claim, person or document *is* its linked-data URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import url_for

from kb import iris

from .filters import linkable

#: URL suffix → kb RDF format name (and the reverse, for links).
RDF_SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}
FORMAT_SUFFIX = {v: k for k, v in RDF_SUFFIXES.items()}


def is_local(iri: str) -> bool:
    return isinstance(iri, str) and iris.is_minted(iri)  # the configured base (KB_BASE_IRI)


def resource_path(iri: str) -> str:
    return iris.local_path(iri)


def resource_url(iri: str, fmt: str | None = None) -> str:
    """The page (or, with ``fmt``, the RDF) of a minted IRI; other IRIs are returned as they are."""
    if not is_local(iri):
        # Only http(s) and mailto leave the site: an IRI "javascript:..." must not become a live link.
        return iri if linkable(iri) else "#"
    path = resource_path(iri)
    if fmt:
        path += "." + FORMAT_SUFFIX[fmt]
    url = url_for("resources.resource", path=path)
    if "#" in iri and not fmt:
        url += "#" + iri.split("#", 1)[1]
    return url


def _list_url(endpoint: str, values: dict[str, Any], params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return url_for(endpoint, **values) + ("?" + urlencode(clean) if clean else "")


def claims_url(endpoint: str = "claims.claims", *, ext: str | None = None, key: str | None = None,
               **params: Any) -> str:
    """The claims list (or a facet's page, with ``key``; ``ext`` json or csv) with these filters
    (empty values dropped)."""
    return _list_url(endpoint, {"ext": ext, "key": key}, params)


def reviews_url(ext: str | None = None, **params: Any) -> str:
    """The fact-checks list (``ext`` json or csv) with these filters (empty values dropped)."""
    return _list_url("reviews.reviews", {"ext": ext}, params)


def register(app: Any) -> None:
    app.jinja_env.globals.update(ID_BASE=iris.base, resource_url=resource_url, claims_url=claims_url,
                                 reviews_url=reviews_url, is_local=is_local)
