"""Data extension: property values of reconciled people and organizations, as new spreadsheet columns.

The data-extension half of the W3C Reconciliation API (0.2) that :mod:`kb.tracking.reconcile`
matches for; OpenRefine's *Add columns from reconciled values* speaks it. Two requests:

- **propose properties** (:func:`propose_properties`): the properties worth fetching for a type
  (Person, Organization; none: all of them);
- **extend** (:func:`extend`): ``{"ids": [...], "properties": [{"id": ..., "settings": {...}}]}`` →
  ``{"meta": [{"id", "name"[, "type"]}], "rows": {id: {property id: [cell, ...]}}}``, a cell being
  ``{"str": ...}``, ``{"int": ...}``, ``{"date": ...}`` or an entity ``{"id", "name"}`` (an id of
  this service, so OpenRefine keeps that column reconciled against kb).

Ids are those reconciliation returns (:func:`kb.tracking.entity_names.entity_id`). An id the
store does not know, or a property that does not apply to its entity (an organization's
members for a person), has an empty cell; a property id that is not one of :data:`PROPERTIES`
is an :class:`InputError`. Property ids are short and stable (the schema.org term where there
is one: ``alternateName``); the meta and rows use the id as sent, so ``schema:sameAs`` and
``http://schema.org/sameAs`` (the reconciliation query property) work as well.

What an entity is comes from its page's own reading (:func:`kb.browse.entity_detail`; only its
own triples, :func:`kb.browse.entities.entity_summary`, when no property asked needs roles,
members or parts: those cost a query each), its claims from the claims list's filter (a
person's claims as speaker, an organization's as the page lists them:
:class:`kb.browse.ClaimFilter`), their count and outlets from its outlet facet, the first and
last from the list sorted by date. Each is read only for the ids and properties asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Callable, Mapping

from ..browse import ClaimFilter, Entity, Facet, entity_detail, facets, list_claims
from ..browse.entities import entity_summary
from ..errors import InputError
from ..vocab import SDO
from .entity_names import TYPES, Named, catalog, entity_id, iri_of, wikidata_qid
from .reconcile import MAX_BATCH, SAME_AS, schema_terms, type_id

__all__ = ["PROPERTIES", "PROPERTY_SETTINGS", "Property", "Request", "propose_properties", "parse_extend", "extend"]

Cell = dict[str, Any]
PERSON, ORGANIZATION = str(SDO.Person), str(SDO.Organization)
_ORGANIZATIONS = frozenset({ORGANIZATION, str(SDO.NewsMediaOrganization)})
_BOTH = frozenset({PERSON, ORGANIZATION})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "date >= '0000'" leaves out the undated claims ('' sorts first): the first claim is the first dated one.
_DATED = "0000"
MAX_VALUES = 1000


class _Subject:
    """One known entity of an extend request: what its properties are read from, each read once."""

    def __init__(self, kb: Any, named: Named, detailed: frozenset[str]) -> None:
        """``detailed``: the kinds (PERSON, ORGANIZATION) that a property asked reads :attr:`detail` of."""
        self.kb = kb
        self.named = named
        self.is_org = bool(named.types & _ORGANIZATIONS)
        self.kind = ORGANIZATION if self.is_org else PERSON
        self.full = self.kind in detailed

    @cached_property
    def detail(self) -> Entity:
        """The entity as its page reads it: roles, members and parts too (a query each)."""
        return entity_detail(self.kb, self.named.iri)

    @cached_property
    def own(self) -> Entity:
        """Its names, title and links: from :attr:`detail` when the request reads it anyway (one
        reading, not two), else from the entity's own triples alone (one query)."""
        return self.detail if self.full else entity_summary(self.kb, self.named.iri)

    @cached_property
    def claims(self) -> ClaimFilter:
        # The claims its page lists: a person's as speaker, an organization's with its members'.
        return ClaimFilter(org=self.named.iri) if self.is_org else ClaimFilter(speaker=self.named.iri)

    @cached_property
    def outlets(self) -> tuple[int, Facet]:
        """(how many claims, the outlet facet over them: every outlet, most claims first)."""
        found = facets(self.kb, self.claims, size=None, only="outlet")
        return found.matches, found[0]

    def claim_date(self, sort: str) -> list[Cell]:
        page = list_claims(self.kb, replace(self.claims, sort=sort, date_from=_DATED), limit=1)
        return [_date(page.claims[0].date)] if page.claims else []


def _date(value: str) -> Cell:
    # A date cell is an instant: a day is midnight UTC; a month or year alone stays text, not a made-up day.
    return {"date": f"{value}T00:00:00Z"} if _DAY.match(value) else {"str": value}


def _entity(iri: str, name: str) -> Cell:
    return {"id": entity_id(iri), "name": name}


def _entities(pairs: Any) -> list[Cell]:
    """Entity cells of (iri, name) pairs, each entity once, in order."""
    seen: dict[str, Cell] = {}
    for iri, name in pairs:
        if iri and iri not in seen:
            seen[iri] = _entity(iri, name)
    return list(seen.values())


def _texts(values: Any) -> list[Cell]:
    return [{"str": v} for v in dict.fromkeys(values) if v]


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    applies: frozenset[str]  # PERSON and/or ORGANIZATION
    read: Callable[[_Subject], list[Cell]]
    #: the type of the entities an entity-valued property gives (its column stays reconciled)
    value_type: str = ""
    #: it reads :attr:`_Subject.detail` (roles, members, parts), not only :attr:`_Subject.own`
    detail: bool = False

    def meta(self, sent: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": sent, "name": self.name}
        if self.value_type:
            out["type"] = {"id": self.value_type, "name": TYPES[self.value_type]}
        return out


_LIST: tuple[Property, ...] = (
    Property("name", "Name", _BOTH, lambda s: _texts([s.own.name])),
    Property("alternateName", "Aliases", _BOTH, lambda s: _texts(s.own.aliases)),
    Property("honorificPrefix", "Title", frozenset({PERSON}), lambda s: _texts([s.own.honorific])),
    Property(SAME_AS, "Same as (Wikidata and other IRIs)", _BOTH, lambda s: _texts(s.own.same_as)),
    Property("wikidata", "Wikidata QID", _BOTH, lambda s: _texts(wikidata_qid(v) for v in s.own.same_as)),
    Property("roleName", "Roles", frozenset({PERSON}), lambda s: _texts(r.name for r in s.detail.roles),
             detail=True),
    Property("memberOf", "Organizations (of their roles)", frozenset({PERSON}),
             lambda s: _entities((r.org, r.org_name) for r in s.detail.roles), ORGANIZATION, detail=True),
    Property("parentOrganization", "Part of", frozenset({ORGANIZATION}),
             lambda s: _entities([(s.detail.parent, s.detail.parent_name)]), ORGANIZATION, detail=True),
    Property("subOrganization", "Parts", frozenset({ORGANIZATION}),
             lambda s: _entities((c["iri"], c["name"]) for c in s.detail.children), ORGANIZATION, detail=True),
    Property("member", "Members", frozenset({ORGANIZATION}),
             lambda s: _entities((m["iri"], m["name"]) for m in s.detail.members), PERSON, detail=True),
    Property("claimCount", "Number of claims", _BOTH, lambda s: [{"int": s.outlets[0]}]),
    Property("firstClaim", "Date of the first claim", _BOTH, lambda s: s.claim_date("oldest")),
    Property("lastClaim", "Date of the last claim", _BOTH, lambda s: s.claim_date("newest")),
    Property("outlet", "Outlets quoting them (most claims first)", _BOTH,
             lambda s: _entities((v.value, v.label) for v in s.outlets[1].values),
             str(SDO.NewsMediaOrganization)),
)
#: Every property, by id, in the order they are proposed.
PROPERTIES: dict[str, Property] = {p.id: p for p in _LIST}
#: The settings a property may carry (the manifest's ``extend.property_settings``).
PROPERTY_SETTINGS: list[dict[str, Any]] = [
    {"name": "limit", "label": "Limit", "type": "number", "default": 0,
     "help_text": "The most values to fetch for each entity (0 for all)"},
]


@dataclass(frozen=True)
class Request:
    ids: list[str]
    #: (the property id as sent, the property, the most values: 0 for all)
    properties: list[tuple[str, Property, int]]


def _property(value: Any) -> Property:
    """A property however written: its id, or a schema.org spelling of it (as reconcile reads them)."""
    found = next((PROPERTIES[t] for t in schema_terms(value) if t in PROPERTIES), None)
    if found is not None:
        return found
    raise InputError(f"unknown property {value!r}: the properties are {', '.join(PROPERTIES)}")


def _limit(settings: Any, pid: str) -> int:
    if settings is None:
        return 0
    if not isinstance(settings, Mapping):
        raise InputError(f"{pid}: \"settings\" is an object such as {{\"limit\": 3}}, not {settings!r}")
    raw = settings.get("limit", 0)
    # OpenRefine sends a number setting as the text of its input box ("" when left empty).
    value = (raw.strip() or "0") if isinstance(raw, str) else raw
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VALUES:
        raise InputError(f"{pid}: the \"limit\" setting is a whole number from 0 (all) to {MAX_VALUES}, not {raw!r}")
    return value


def parse_extend(raw: Any) -> Request:
    """An extend request (``{"ids": [...], "properties": [{"id": ...}]}``), or a one-line :class:`InputError`."""
    if not isinstance(raw, Mapping):
        raise InputError("extend is a JSON object such as {\"ids\": [\"person/esmail-qaani\"],"
                         " \"properties\": [{\"id\": \"memberOf\"}]}")
    ids, props = raw.get("ids"), raw.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise InputError(f"extend: \"ids\" is a list of entity ids, not {ids!r}")
    if len(ids) > MAX_BATCH:
        raise InputError(f"extend: {len(ids)} ids in one request; send at most {MAX_BATCH}")
    if not isinstance(props, list) or not props:
        raise InputError(f"extend: \"properties\" is a list of {{\"id\": ...}}, not {props!r}")
    parsed = []
    for prop in props:
        if not isinstance(prop, Mapping) or not isinstance(prop.get("id"), str):
            raise InputError(f"extend: a property is {{\"id\": ...}}, not {prop!r}")
        parsed.append((prop["id"], _property(prop["id"]), _limit(prop.get("settings"), prop["id"])))
    return Request(list(ids), parsed)


def extend(kb: Any, request: Request) -> dict[str, Any]:
    """The values of the properties asked for each id asked (see the module docstring)."""
    cat = catalog(kb)
    detailed = frozenset(kind for _sent, prop, _most in request.properties if prop.detail for kind in prop.applies)
    rows: dict[str, dict[str, list[Cell]]] = {}
    for id_ in request.ids:
        position = cat.position.get(iri_of(id_))
        subject = None if position is None else _Subject(kb, cat.entities[position], detailed)
        row = {}
        for sent, prop, limit in request.properties:
            cells = prop.read(subject) if subject is not None and subject.kind in prop.applies else []
            row[sent] = cells[:limit] if limit else cells
        rows[id_] = row
    return {"meta": [prop.meta(sent) for sent, prop, _most in request.properties], "rows": rows}


def propose_properties(kind: str = "", limit: int = 0) -> dict[str, Any]:
    """The properties of a type (however :func:`kb.tracking.reconcile.type_id` reads it; '' for every
    property), the first ``limit`` of them (0: all)."""
    found = type_id(kind) if kind else ""
    applies = _ORGANIZATIONS if found in _ORGANIZATIONS else {PERSON} if found else _BOTH
    proposed = [{"id": p.id, "name": p.name} for p in _LIST if p.applies & applies]
    out: dict[str, Any] = {"type": found} if found else {}
    out["properties"] = proposed[:limit] if limit else proposed
    if limit:
        out["limit"] = limit
    return out
