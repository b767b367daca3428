"""Entities described once: per-graph contributions and the derived canonical view.

Why: a person quoted by a thousand articles used to be described a thousand
times, once in each article's graph. Every copy was a triple repeated across
graphs (so users' joins repeated rows), and the shapes' "exactly one name" and
"at most one title" were checked across all the copies, so an article that
wrote "Mr. Obama" was refused because another had written "President Obama".

Now, on every write, whatever a graph says *about* a person, organization or
place (a subject typed ``schema:Person``, ``schema:Organization``,
``schema:NewsMediaOrganization`` or ``schema:Place``, or already described in
the entities graph) is moved onto a :data:`~kb.vocab.KB.Contribution` node of
that graph::

    <contribution/…> a kb:Contribution ; prov:specializationOf <person/esmail-qaani> ;
        kb:entityType schema:Person ; schema:name "Esmail Qaani" ;
        schema:alternateName "Qaani" ; schema:honorificPrefix "Brig.-Gen." ;
        schema:memberOf <role/…> .

and the entity's one canonical description, in :data:`kb.iris.ENTITIES_GRAPH`,
is derived from all its contributions (:func:`derive`): its types, its
fullest properly cased name (the most used among equals), every other name as
an alias, the most used title and relation, and every role, parent and link.
Removing or replacing a graph re-derives the entities it contributed to, so
what that graph alone said disappears. A write that only adds what a description
already says (where no count could overturn a chosen name, title or relation,
:func:`_absorbed`) keeps the stored description without counting the entity's
contributions again: a popular speaker's thousandth article costs what it adds. Differences between articles are data,
never violations: a contribution may carry several names and titles.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence

import pyoxigraph as ox

from .. import iris
from ..store.base import Backend
from ..vocab import KB, PROV, RDF, SDO

__all__ = ["ENTITY_CLASSES", "split", "as_written", "derive", "entities_of", "contributed_to", "stored_descriptions",
           "OxTriple"]

OxTriple = tuple[Any, Any, Any]


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


TYPE = _n(RDF.type)
CONTRIBUTION = _n(KB.Contribution)
ENTITY_TYPE = _n(KB.entityType)
SPECIALIZATION_OF = _n(PROV.specializationOf)
DERIVED_FROM = _n(PROV.wasDerivedFrom)
NAME = _n(SDO.name)
ALIAS = _n(SDO.alternateName)
TITLE = _n(SDO.honorificPrefix)
RELATION = _n(KB.relation)
ORGANIZATION = _n(SDO.Organization)
NEWS_MEDIA = _n(SDO.NewsMediaOrganization)
#: The classes whose instances are described once, across the whole knowledge base.
ENTITY_CLASSES = frozenset({_n(SDO.Person), ORGANIZATION, NEWS_MEDIA, _n(SDO.Place)})
#: What a contribution says goes under these "as written" properties, not the
#: canonical ones: a user's query for schema:name or schema:alternateName finds
#: each entity once, at its canonical description, never again at its contributions.
AS_WRITTEN = {
    NAME: _n(KB.nameAsWritten),
    ALIAS: _n(KB.aliasAsWritten),
    TITLE: _n(KB.titleAsWritten),
    _n(SDO.memberOf): _n(KB.roleAsWritten),
    _n(SDO.parentOrganization): _n(KB.parentAsWritten),
    RELATION: _n(KB.relationAsWritten),
    _n(SDO.sameAs): _n(KB.sameAsWritten),
}
CANONICAL = {v: k for k, v in AS_WRITTEN.items()}
#: Single-valued in the canonical view (the shapes say at most one): the most used value wins.
_ONE_OF = (TITLE, RELATION)
#: Bookkeeping of a contribution, not something it says about the entity.
_OWN = frozenset({TYPE, SPECIALIZATION_OF, DERIVED_FROM})


def split(
    graph: ox.NamedNode,
    triples: Sequence[OxTriple],
    *,
    known: Iterable[ox.NamedNode] = (),
    document: ox.NamedNode | None = None,
) -> tuple[list[OxTriple], set[ox.NamedNode]]:
    """Move what ``triples`` (one graph's content) say about entities onto contribution nodes.

    An entity is a subject typed with one of :data:`ENTITY_CLASSES` here, or one
    of ``known`` (described in the store's entities graph). Triples that merely
    *point at* an entity (a claim's ``schema:author``) stay as they are.
    Returns the new triples and the entities contributed to. Where the graph
    already holds contributions for an entity, its direct description there is
    a derived copy (a triple-format export) and is dropped.
    """
    entities = {s for s, p, o in triples if p == TYPE and o in ENTITY_CLASSES and isinstance(s, ox.NamedNode)}
    entities |= set(known) & {s for s, _p, _o in triples}
    if not entities:
        return list(triples), set()
    # An export in a triple format holds both the contributions and the canonical
    # view derived from them: the view is derived again, not read as one more source.
    derived_here = entities & entities_of(triples)
    nodes: dict[ox.NamedNode, ox.NamedNode] = {}
    out: list[OxTriple] = []
    for s, p, o in triples:
        if s in derived_here:
            continue
        if s not in entities:
            out.append((s, p, o))
            continue
        c = nodes.get(s)
        if c is None:
            c = nodes[s] = _n(iris.contribution_iri(s.value, graph.value))
            out.append((c, TYPE, CONTRIBUTION))
            out.append((c, SPECIALIZATION_OF, s))
            if document is not None:
                out.append((c, DERIVED_FROM, document))
        # Every type a source gives (ClaimsKG's schema:Thing on authors too) is one of the
        # entity's types in the canonical view, stated once there.
        out.append((c, ENTITY_TYPE, o) if p == TYPE else (c, AS_WRITTEN.get(p, p), o))
    return list(dict.fromkeys(out)), entities


def as_written(triples: Iterable[OxTriple]) -> list[OxTriple]:
    """The inverse of :func:`split`: a graph's contributions as direct descriptions of
    their entities, as its input said them (what the Graph Store protocol's GET
    answers, so that a PUT graph reads back as it was put)."""
    triples = list(triples)
    of = {s: o for s, p, o in triples if p == SPECIALIZATION_OF}
    out: list[OxTriple] = []
    for s, p, o in triples:
        entity = of.get(s)
        if entity is None:
            out.append((s, p, o))
        elif p == ENTITY_TYPE:
            out.append((entity, TYPE, o))
        elif p not in _OWN:
            out.append((entity, CANONICAL.get(p, p), o))
    return list(dict.fromkeys(out))


def entities_of(triples: Iterable[OxTriple]) -> set[ox.NamedNode]:
    """The entities that contribution triples describe."""
    return {o for _s, p, o in triples if p == SPECIALIZATION_OF and isinstance(o, ox.NamedNode)}


def _found(backend: Backend, nodes: Iterable[ox.NamedNode], query: str, size: int) -> set[ox.NamedNode]:
    """The ``?found`` IRIs of ``query`` (whose ``VALUES`` block is ``{values}``), run over ``nodes``
    in chunks; the nodes are serialized by pyoxigraph, never pasted from user text."""
    found: set[ox.NamedNode] = set()
    for chunk in _chunks(sorted(nodes, key=str), size):
        _names, rows = backend.select(query.replace("{values}", " ".join(str(n) for n in chunk)), union=False)
        found |= {_n(row["found"].value) for row in rows}
    return found


def contributed_to(backend: Backend, graphs: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
    """The entities the stored ``graphs`` contribute to (those a replacement or removal re-derives)."""
    return _found(
        backend, graphs, f"SELECT DISTINCT ?found WHERE {{ VALUES ?g {{ {{values}} }} GRAPH ?g {{ ?c {SPECIALIZATION_OF} ?found }} }}", 500
    )


def known_entities(backend: Backend, nodes: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
    """Which of ``nodes`` the entities graph describes (untyped subjects of an input may be entities)."""
    return _found(
        backend, nodes,
        f"SELECT DISTINCT ?found WHERE {{ VALUES ?found {{ {{values}} }} GRAPH {_n(iris.ENTITIES_GRAPH)} {{ ?found {TYPE} ?t }} }}",
        1000,
    )


Counts = dict[ox.NamedNode, dict[tuple[Any, Any], int]]


def stored_descriptions(backend: Backend, entities: Iterable[ox.NamedNode]) -> dict[ox.NamedNode, set[OxTriple]]:
    """The canonical descriptions the entities graph holds for ``entities`` (none for a new one)."""
    stored: dict[ox.NamedNode, set[OxTriple]] = defaultdict(set)
    graph = _n(iris.ENTITIES_GRAPH)
    for chunk in _chunks(sorted(set(entities), key=str), 500):
        values = " ".join(str(e) for e in chunk)
        _names, rows = backend.select(
            f"SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {values} }} GRAPH {graph} {{ ?e ?p ?o }} }}", union=False
        )
        for row in rows:
            e = _n(row["e"].value)
            stored[e].add((e, _n(row["p"].value), row["o"]))
    return stored


def changed_descriptions(
    backend: Backend, canonical: Mapping[ox.NamedNode, list[OxTriple]],
    stored: Mapping[ox.NamedNode, set[OxTriple]] | None = None,
) -> dict[ox.NamedNode, list[OxTriple]]:
    """The entities whose derived description differs from the stored one (``stored``: as
    :func:`stored_descriptions` read it, when the caller has). Most writes name people kb
    already describes the same way: leaving those untouched keeps the write a plain addition
    (the store's fast path) instead of a rewrite of every popular speaker."""
    if stored is None:
        stored = stored_descriptions(backend, canonical)
    return {e: triples for e, triples in canonical.items() if set(triples) != stored.get(e, set())}


def _stored_counts(backend: Backend, entities: Sequence[ox.NamedNode], exclude: set[ox.NamedNode]) -> Counts:
    """For each entity: (property, value) → how many stored contributions say it,
    outside the ``exclude``\\ d graphs (being replaced or removed). Counted inside
    the engine, so an entity with many contributions costs one aggregate, not a
    transfer of every copy."""
    counts: Counts = defaultdict(dict)
    skip = exclude | {_n(iris.ENTITIES_GRAPH), _n(iris.PROVENANCE_GRAPH)}
    not_in = ", ".join(str(g) for g in sorted(skip, key=str))
    for chunk in _chunks(list(entities), 500):
        values = " ".join(str(e) for e in chunk)
        query = (
            f"SELECT ?e ?p ?o (COUNT(*) AS ?n) WHERE {{ VALUES ?e {{ {values} }} "
            f"GRAPH ?g {{ ?c {SPECIALIZATION_OF} ?e . ?c ?p ?o }} FILTER(?g NOT IN ({not_in})) }} GROUP BY ?e ?p ?o"
        )
        _names, rows = backend.select(query, union=False)
        for row in rows:
            p = _n(row["p"].value)
            if p in _OWN:
                continue
            key = (CANONICAL.get(p, p), row["o"])  # pyoxigraph terms, from either backend
            entity = counts[_n(row["e"].value)]
            entity[key] = entity.get(key, 0) + int(row["n"].value)
    return counts


def derive(
    backend: Backend,
    entities: Iterable[ox.NamedNode],
    new: Iterable[OxTriple],
    *,
    exclude: set[ox.NamedNode],
    stored: Mapping[ox.NamedNode, set[OxTriple]] | None = None,
) -> dict[ox.NamedNode, list[OxTriple]]:
    """The canonical description of each entity: from its stored contributions
    (outside ``exclude``) and the contributions in ``new``. An entity left with
    no contribution maps to an empty list (it is no longer described). ``stored``: the
    entities' stored descriptions (:func:`stored_descriptions`), when the caller has read them."""
    wanted = sorted(set(entities), key=str)
    new = list(new)
    said = _said(new)
    settled: dict[ox.NamedNode, list[OxTriple]] = {}
    if not exclude:
        # Adding what an entity's description already says, the way it says it, cannot change
        # it: those entities keep their stored description, and their contributions are not
        # counted again (one GROUP BY over every contribution of a popular speaker, on every
        # write naming them, grew with the store). Removals and replacements always count.
        if stored is None:
            stored = stored_descriptions(backend, [e for e in wanted if e in said])
        settled = {e: sorted(stored[e], key=str) for e in wanted
                   if stored.get(e) and _absorbed(stored[e], said.get(e, {}))}
    counts = _stored_counts(backend, [e for e in wanted if e not in settled], exclude)
    for entity, values in said.items():
        slot = counts[entity]
        for key, n in values.items():
            slot[key] = slot.get(key, 0) + n
    return {e: settled[e] if e in settled else canonical(e, counts.get(e, {})) for e in wanted}


def _said(new: Iterable[OxTriple]) -> Counts:
    """What the contributions in ``new`` say: entity → (canonical property, value) → how many say it."""
    new = list(new)
    by_node = {s: o for s, p, o in new if p == SPECIALIZATION_OF}
    out: Counts = defaultdict(dict)
    for s, p, o in new:
        entity = by_node.get(s)
        if entity is None or p in _OWN:
            continue
        key = (CANONICAL.get(p, p), o)
        out[entity][key] = out[entity].get(key, 0) + 1
    return out


def _absorbed(stored: set[OxTriple], said: Mapping[tuple[Any, Any], int]) -> bool:
    """Whether adding ``said`` to the contributions behind the ``stored`` description leaves
    :func:`canonical` deriving exactly ``stored``: every value is already in it, in the same
    place, and no count can overturn a winner (a name that is not the chosen one is shorter or
    less properly cased than it, so more uses cannot make it win; a title or relation must be
    the chosen one)."""
    by_prop: dict[Any, set[Any]] = defaultdict(set)
    for _e, p, o in stored:
        by_prop[p].add(o)
    name = next(iter(by_prop.get(NAME, ())), None)
    for (p, o), _n_said in said.items():
        if p == ENTITY_TYPE:
            if o not in by_prop.get(TYPE, ()):
                return False
        elif p == NAME:
            if o == name:
                continue
            if name is None or not isinstance(o, ox.Literal) or o not in by_prop.get(ALIAS, ()):
                return False
            if _name_key((o.value, 0))[:2] <= _name_key((name.value, 0))[:2]:
                return False  # as full and as well cased as the name: enough uses would make it win
        elif p in _ONE_OF:
            if by_prop.get(p) != {o}:
                return False
        elif p == ALIAS:
            if o != name and o not in by_prop.get(ALIAS, ()):
                return False
        elif o not in by_prop.get(p, ()):
            return False
    return True


def _name_key(item: tuple[str, int]) -> tuple[int, int, int, int, str]:
    # Properly cased names first ("Washington" over "WASHINGTON"), then the fuller
    # ("Barack Obama" over "Obama", which kb.writing.resolve links to it), then the
    # most used, then the longest, then a fixed order.
    text, n = item
    cased = any(c.islower() for c in text) or not any(c.isalpha() for c in text)
    return (0 if cased else 1, -len(text.split()), -n, -len(text), text)


def canonical(entity: ox.NamedNode, said: Mapping[tuple[Any, Any], int]) -> list[OxTriple]:
    """Derive one entity's description from (property, value) → count. Deterministic:
    the same contributions always give the same triples, whatever their order."""
    types = {o for (p, o) in said if p == ENTITY_TYPE}
    if not types:
        return []
    if NEWS_MEDIA in types:
        types.add(ORGANIZATION)  # no RDFS inference in kb: the superclass is stated
    out: list[OxTriple] = [(entity, TYPE, t) for t in sorted(types, key=str)]
    names: dict[str, int] = {}
    for (p, o), n in said.items():
        if p == NAME and isinstance(o, ox.Literal) and o.value.strip():
            names[o.value] = names.get(o.value, 0) + n
    name = min(names.items(), key=_name_key)[0] if names else None
    if name is not None:
        out.append((entity, NAME, ox.Literal(name)))
    aliases = {o.value for (p, o) in said if p in (NAME, ALIAS) and isinstance(o, ox.Literal)} - {name}
    out.extend((entity, ALIAS, ox.Literal(a)) for a in sorted(aliases) if a.strip())
    for prop in _ONE_OF:
        values = [(o, n) for (p, o), n in said.items() if p == prop]
        if values:
            best = min(values, key=lambda item: (-item[1], str(item[0])))[0]
            out.append((entity, prop, best))
    for (p, o) in sorted(said, key=lambda key: (str(key[0]), str(key[1]))):
        if p in (ENTITY_TYPE, NAME, ALIAS) or p in _ONE_OF:
            continue
        out.append((entity, p, o))
    return out


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
