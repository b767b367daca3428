"""Entity reconciliation: match names from a spreadsheet to the stored people and organizations.

This is the matching half of the W3C Entity Reconciliation API (version 0.2, as
OpenRefine speaks it); the web app serves it at ``/reconcile``. Given a batch of
queries ``{"q0": {"query": "Qaani", "type": ..., "limit": 3, "properties": [...]}}``,
:func:`reconcile_batch` answers ``{"q0": {"result": [candidate, ...]}}``, best first.

**Identifiers.** A candidate's ``id`` is its IRI relative to the store's base IRI
(``person/esmail-qaani`` for ``https://w3id.org/claimkb/id/person/esmail-qaani``),
the base being the service's ``identifierSpace``, as Wikidata's ids are ``Q42`` in
``http://www.wikidata.org/entity/``. An entity an input named with its own IRI (a
ClaimsKG author) has that full IRI as its id. :func:`iri_of` maps an id back.

**Scores** (0-100), the best of the entity's names, per query:

- 100: the query is the canonical name, ignoring case, diacritics and punctuation;
  95: one of its aliases of two or more words, or its title and name ("Brig.-Gen. Esmail Qaani");
- 80: a one-word alias ("Qaani"): a surname alone may be anybody's, so never a sure match;
- 50-80: every word of the query is a word of a name ("Soleimani" in "Qasem Soleimani"),
  more the larger the share of the name it covers; up to 60 for some shared words;
- up to 70: a near spelling of a whole name ("Ismail Qaani"), 55 of a surname (difflib);
- a ``schema:sameAs`` property (a Wikidata QID or any IRI) that the entity carries makes
  it a sure match at 100; one that contradicts the entity's own costs it 30 points.

``match`` is true only when exactly one candidate has a name equal to the query and
that name is its canonical name, a title and name, or an alias of several words;
or when exactly one entity carries the ``schema:sameAs`` given. Never on a surname.

The names are searched in memory (:mod:`kb.tracking.entity_names`), read once per store version.
The data extension (property values of reconciled entities) is :mod:`kb.tracking.extend`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from rdflib import URIRef

from ..errors import InputError
from ..vocab import SDO
from .entity_names import DEFAULT_LIMIT, TYPES, Catalog, Named, Query, catalog, entity_id, iri_of, norm, same_as_key

__all__ = ["TYPES", "PROPERTIES", "SCHEMA_SPACE", "SPELLINGS", "SAME_AS", "schema_terms", "Query", "parse_batch", "parse_query", "type_id", "reconcile_batch",
           "suggest_entities", "suggest_types", "suggest_properties", "entity_id", "iri_of", "MAX_BATCH",
           "DEFAULT_LIMIT"]

SCHEMA_SPACE = str(SDO._NS)
#: How type and property ids may be written: in full (either scheme), as ``schema:Person`` or as
#: ``Person``; here and in the data extension (:mod:`kb.tracking.extend`).
SPELLINGS = (SCHEMA_SPACE, "https://schema.org/", "schema:", "")
#: The links to Wikidata and other IRIs: a query's property here, a column of the data extension.
SAME_AS = "sameAs"
#: The properties a query may carry: id → name.
PROPERTIES: dict[str, str] = {SCHEMA_SPACE + SAME_AS: "same as (Wikidata QID or IRI)"}
MAX_BATCH = 1000  # queries per request (OpenRefine sends 10)
MAX_LIMIT = 100
MAX_QUERY = 500  # characters of one query string

# Roles and parent of the entities a response describes (one query per entity, only those returned).
_ROLES = ("SELECT DISTINCT ?e ?rn ?on WHERE { ?e schema:memberOf ?role . ?role schema:roleName ?rn ."
          " OPTIONAL { ?role schema:memberOf ?o . ?o schema:name ?on } }")


def schema_terms(value: Any) -> list[str]:
    """The schema.org terms ``value`` may spell (see :data:`SPELLINGS`), the fullest spelling
    first: ``schema:name`` → ``["name", "schema:name"]``; none for a value that is not a string."""
    if not isinstance(value, str):
        return []
    return [value[len(prefix):] for prefix in SPELLINGS if value.startswith(prefix)]


def _known(value: Any, table: Mapping[str, str]) -> str | None:
    return next((SCHEMA_SPACE + t for t in schema_terms(value) if SCHEMA_SPACE + t in table), None)


def type_id(value: Any) -> str:
    """A type however written (``http://schema.org/Person``, ``schema:Person``, ``Person``) → its id in TYPES."""
    found = _known(value, TYPES)
    if found is None:
        raise InputError(f"unknown type {value!r}: reconcile against one of {', '.join(TYPES)}")
    return found


def _property_id(value: Any) -> str:
    found = _known(value, PROPERTIES)
    if found is None:
        raise InputError(f"unknown property {value!r}: the properties are {', '.join(PROPERTIES)}")
    return found


def parse_query(raw: Any, key: str = "query") -> Query:
    """One query of a batch (a plain string is a query with only a name), or a one-line :class:`InputError`."""
    if isinstance(raw, str):
        raw = {"query": raw}
    if not isinstance(raw, Mapping):
        raise InputError(f"{key}: a query is an object such as {{\"query\": \"Esmail Qaani\"}}, not {raw!r}")
    text = raw.get("query", "")
    if not isinstance(text, str):
        raise InputError(f"{key}: \"query\" is a string, not {text!r}")
    if len(text) > MAX_QUERY:
        raise InputError(f"{key}: the query is {len(text)} characters long (at most {MAX_QUERY})")
    kinds = raw.get("type")
    types = frozenset(type_id(t) for t in (kinds if isinstance(kinds, list) else [kinds] if kinds else []))
    limit = raw.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit != int(limit) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"{key}: \"limit\" is a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    same: set[str] = set()
    props = raw.get("properties") or []
    if not isinstance(props, list):
        raise InputError(f"{key}: \"properties\" is a list of {{\"pid\": ..., \"v\": ...}}, not {props!r}")
    for prop in props:
        if not isinstance(prop, Mapping) or "v" not in prop:
            raise InputError(f"{key}: a property is {{\"pid\": ..., \"v\": ...}}, not {prop!r}")
        _property_id(prop.get("pid"))
        values = prop["v"] if isinstance(prop["v"], list) else [prop["v"]]
        for v in values:
            v = v.get("id") if isinstance(v, Mapping) else v
            if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip():
                same.add(same_as_key(str(v)))
    if not norm(text) and not same:
        raise InputError(f"{key}: give a name in \"query\" (or a sameAs property)")
    return Query(text, types, int(limit), frozenset(same))


def parse_batch(batch: Any) -> dict[str, Query]:
    if not isinstance(batch, Mapping) or not batch:
        raise InputError("queries is a JSON object of queries by key, such as {\"q0\": {\"query\": \"Esmail Qaani\"}}")
    if len(batch) > MAX_BATCH:
        raise InputError(f"{len(batch)} queries in one batch; send at most {MAX_BATCH}")
    return {str(key): parse_query(raw, str(key)) for key, raw in batch.items()}


def _description(kb: Any, cat: Catalog, i: int) -> str:
    """A person's title and roles, an organization's parent: enough to tell namesakes apart."""
    if i in cat.descriptions:
        return cat.descriptions[i]
    e = cat.entities[i]
    parts = [e.title] if e.title else []
    if str(SDO.Person) in e.types:
        roles = sorted({(str(r["rn"]), str(r.get("on") or "")) for r in kb.select(_ROLES, {"e": URIRef(e.iri)})})
        parts += [rn if not on or norm(on) in norm(rn) else f"{rn} ({on})" for rn, on in roles[:3]]
    else:
        if str(SDO.NewsMediaOrganization) in e.types:
            parts.append("news media")
        parent = cat.position.get(e.parent)
        if parent is not None:
            parts.append(f"{e.relation or 'part'} of {cat.entities[parent].name}")
    cat.descriptions[i] = "; ".join(parts)
    return cat.descriptions[i]


def _types_of(e: Named) -> list[dict[str, str]]:
    return [{"id": t, "name": TYPES[t]} for t in TYPES if t in e.types]


def reconcile_batch(kb: Any, queries: Mapping[str, Query]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Answer a batch of reconciliation queries (see the module docstring)."""
    cat = catalog(kb)
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for key, query in queries.items():
        result = []
        for i, score, sure in cat.search(query):
            e = cat.entities[i]
            result.append({"id": entity_id(e.iri), "name": e.name, "type": _types_of(e), "score": score,
                           "match": sure, "description": _description(kb, cat, i)})
        out[key] = {"result": result}
    return out


def suggest_entities(kb: Any, prefix: str, types: Iterable[str] = (), cursor: int = 0,
                     limit: int = 10) -> list[dict[str, Any]]:
    """Auto-completion: people and organizations whose name, or a word of it, starts with ``prefix``."""
    cat = catalog(kb)
    wanted = frozenset(type_id(t) for t in types)
    found = cat.prefixed(prefix, wanted)[cursor : cursor + limit]
    return [{"id": entity_id(cat.entities[i].iri), "name": cat.entities[i].name,
             "description": _description(kb, cat, i), "notable": _types_of(cat.entities[i])} for i in found]


def _suggest(table: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    p = norm(prefix)
    return [{"id": k, "name": v} for k, v in table.items()
            if not p or any(w.startswith(p) for w in norm(v + " " + k.rsplit("/", 1)[-1]).split()) or norm(v).startswith(p)]


def suggest_types(prefix: str) -> list[dict[str, str]]:
    return _suggest(TYPES, prefix)


def suggest_properties(prefix: str) -> list[dict[str, str]]:
    return _suggest(PROPERTIES, prefix)
