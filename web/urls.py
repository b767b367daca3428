"""Every URL the app builds for a knowledge-base resource, in one place.

A minted IRI ``https://w3id.org/claimkb/id/<path>`` is served at ``/id/<path>``:
the HTML page of a claim, person or document *is* its linked-data URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import url_for

from kb.vocab import ID_BASE

#: URL suffix → kb RDF format name (and the reverse, for links).
RDF_SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}
FORMAT_SUFFIX = {v: k for k, v in RDF_SUFFIXES.items()}


def is_local(iri: str) -> bool:
    return isinstance(iri, str) and iri.startswith(ID_BASE)


def resource_path(iri: str) -> str:
    return iri[len(ID_BASE):].split("#", 1)[0]


def resource_url(iri: str, fmt: str | None = None) -> str:
    """The page (or, with ``fmt``, the RDF) of a minted IRI; other IRIs are returned as they are."""
    if not is_local(iri):
        return iri
    path = resource_path(iri)
    if fmt:
        path += "." + FORMAT_SUFFIX[fmt]
    url = url_for("resources.resource", path=path)
    if "#" in iri and not fmt:
        url += "#" + iri.split("#", 1)[1]
    return url


def claims_url(endpoint: str = "claims.claims", **params: Any) -> str:
    """The claims list with these filters (empty values dropped)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return url_for(endpoint) + ("?" + urlencode(clean) if clean else "")


def register(app: Any) -> None:
    app.jinja_env.globals.update(resource_url=resource_url, claims_url=claims_url, is_local=is_local)
