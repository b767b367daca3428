"""People and organizations: names, aliases, roles, relations, and their claims over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from ..errors import NotFoundError
from ..vocab import KB, RDF, SDO
from .nodes import text
from .store import cached, get_index

__all__ = ["Role", "Entity", "entity_detail", "entity_summary", "timeline"]

# One DISTINCT query per node: the union default graph repeats a node's triples once
# per document graph that holds them, so joining several of its properties in one
# query would multiply rows by that count for each property.
_PROPS = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
_NAME = "SELECT ?s ?name WHERE { ?s schema:name ?name } LIMIT 1"
_MEMBERS = "SELECT DISTINCT ?e ?role ?person WHERE { ?role schema:memberOf ?e . ?person schema:memberOf ?role }"
_CHILDREN = "SELECT DISTINCT ?e ?child WHERE { ?child schema:parentOrganization ?e }"
_SDO = str(SDO._NS)

_TYPES = {
    str(SDO.Person): "Person",
    str(SDO.Organization): "Organization",
    str(SDO.NewsMediaOrganization): "News media",
    str(SDO.Place): "Place",
    str(KB.AnonymousSource): "Anonymous source",
}


@dataclass(frozen=True)
class Role:
    name: str
    org: str
    org_name: str
    start: str
    end: str
    description: str = ""


@dataclass
class Entity:
    iri: str
    name: str
    types: list[str]
    aliases: list[str]
    honorific: str
    relation: str
    parent: str
    parent_name: str
    roles: list[Role] = field(default_factory=list)
    members: list[dict[str, str]] = field(default_factory=list)
    children: list[dict[str, str]] = field(default_factory=list)
    claim_count: int = 0
    #: external identifiers (schema:sameAs), and the curations naming the entity, newest first
    #: (kb.tracking.entity_curations): shown on its page and in its .json
    same_as: list[str] = field(default_factory=list)
    curations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_organization(self) -> bool:
        return "Organization" in self.types or "News media" in self.types


_s = text  # kb.browse.nodes.text


def _props(kb: Any, iri: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for r in kb.select(_PROPS, {"s": URIRef(iri)}):
        out.setdefault(r["p"], []).append(r["o"])
    return out


def _name(kb: Any, iri: str) -> str:
    rows = kb.select(_NAME, {"s": URIRef(iri)})
    return str(rows[0]["name"]) if rows else ""


def _role(kb: Any, role: str) -> Role | None:
    p = _props(kb, role)
    names = p.get(_SDO + "roleName")
    if not names:
        return None
    org = _s((p.get(_SDO + "memberOf") or [""])[0])
    first = lambda key: _s((p.get(_SDO + key) or [""])[0])  # noqa: E731
    return Role(str(names[0]), org, _name(kb, org) if org else "", first("startDate"), first("endDate"),
                first("description"))


def _own(kb: Any, iri: str) -> tuple[Entity, dict[str, list[Any]]]:
    """The entity as its own triples state it (one query), and those triples by property."""
    p = _props(kb, iri)
    names = sorted(str(n) for n in p.get(_SDO + "name", []))
    if not names:
        raise NotFoundError(f"no person or organization {iri}")
    types = sorted({_TYPES[t] for t in p.get(str(RDF.type), []) if t in _TYPES})
    aliases = sorted({str(a) for a in p.get(_SDO + "alternateName", [])} | set(names[1:]))
    e = Entity(
        iri=iri, name=names[0], types=types, aliases=aliases,
        honorific=_s((p.get(_SDO + "honorificPrefix") or [""])[0]),
        relation=_s((p.get(str(KB.relation)) or [""])[0]),
        parent=_s((p.get(_SDO + "parentOrganization") or [""])[0]), parent_name="",
        same_as=sorted({str(q) for q in p.get(_SDO + "sameAs", [])}),
    )
    return e, p


def entity_summary(kb: Any, iri: str) -> Entity:
    """What :func:`entity_detail` reads from the entity's own triples alone (name, aliases, title,
    types, relation, parent IRI, sameAs), in one query: for callers that need no more (the
    reconciliation data extension), since the rest costs a query per role, member and part.
    Left empty: the parent's name, roles, members, parts, curations and claim count."""
    return _own(kb, iri)[0]


def entity_detail(kb: Any, iri: str) -> Entity:
    e, p = _own(kb, iri)
    e.parent_name = _name(kb, e.parent) if e.parent else ""
    roles = {r for r in (_role(kb, str(x)) for x in p.get(_SDO + "memberOf", [])) if r is not None}
    e.roles = sorted(roles, key=lambda r: (r.start or "9999", r.name))
    if e.is_organization:
        members = set()
        for r in kb.select(_MEMBERS, {"e": URIRef(iri)}):
            role = _role(kb, r["role"])
            if role is not None:
                members.add((r["person"], _name(kb, r["person"]), role.name, role.start, role.end))
        e.members = [dict(zip(("iri", "name", "role", "start", "end"), m)) for m in sorted(members, key=lambda m: m[1])]
        children = set()
        for r in kb.select(_CHILDREN, {"e": URIRef(iri)}):
            relation = kb.select("SELECT ?s ?r WHERE { ?s kb:relation ?r } LIMIT 1", {"s": URIRef(r["child"])})
            children.add((r["child"], _name(kb, r["child"]), relation[0]["r"] if relation else ""))
        e.children = [dict(zip(("iri", "name", "relation"), c)) for c in sorted(children, key=lambda c: c[1])]
    e.curations = [c.as_dict() for c in reversed(kb.entity_curations(iri))]
    con = get_index(kb).db()
    e.claim_count = con.execute("SELECT COUNT(*) FROM claims WHERE speaker = ?", (iri,)).fetchone()[0]
    return e


def timeline(kb: Any, *, speaker: str = "", org: str = "") -> list[tuple[str, int]]:
    """Claims per month (YYYY-MM, count), oldest first: all claims, one speaker's, or an organization's."""
    return cached(kb, "timeline", (speaker, org), lambda: _timeline(kb, speaker, org))


def _timeline(kb: Any, speaker: str, org: str) -> list[tuple[str, int]]:
    con = get_index(kb).db()
    if speaker:
        sql, params = "SELECT substr(date, 1, 7) AS m, COUNT(*) FROM claims WHERE speaker = ? AND date != ''", [speaker]
    elif org:
        sql = ("SELECT substr(date, 1, 7) AS m, COUNT(*) FROM claims WHERE date != ''"
               " AND id IN (SELECT claim FROM claim_values WHERE facet = 'org' AND value = ?)")
        params = [org]
    else:
        sql, params = "SELECT substr(date, 1, 7) AS m, COUNT(*) FROM claims WHERE date != ''", []
    return [(r[0], int(r[1])) for r in con.execute(sql + " GROUP BY m ORDER BY m", params)]
