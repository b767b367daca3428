"""Users' curations of people and organizations: merge, unmerge, split, link and unlink.

Each curation is a record (a ``kb:EntityCuration``) in the curations graph
(:data:`kb.iris.CURATIONS_GRAPH`, beside the relation curations), with who
(``schema:agent``, ``prov:wasAttributedTo``), when (``prov:generatedAtTime``) and
why (``kb:reason``). A later curation of the same pair (two entities; or an entity
and an external IRI) ends the earlier one: it gets ``prov:invalidatedAtTime`` and
stays in the record.

One mechanism: the rules in force (:mod:`kb.writing.curated`) are applied by
:func:`kb.writing.resolve.resolve` on every write, so a re-ingested article is
curated again; and recording a curation rewrites, in the same validated write, the
stored graphs that mention the entities it concerns, so the store is consistent at
once and the canonical descriptions are derived again as usual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

import pyoxigraph as ox
from rdflib import URIRef

from .. import iris
from ..errors import InputError, NotFoundError
from ..vocab import KB, PROV, RDF, SDO, XSD
from .entity_names import wikidata_qid

__all__ = ["EntityCuration", "entity_curations", "merged_into", "find_entity", "external_iri", "merge", "unmerge",
           "split", "link", "unlink", "same_as", "record", "ACTIONS"]

#: action name → its kb: concept
ACTIONS = {"merge": KB.Merge, "unmerge": KB.Unmerge, "split": KB.Split, "link": KB.Link, "unlink": KB.Unlink}
_ACTION_NAME = {str(v): k for k, v in ACTIONS.items()}
_PERSON, _ORG = str(SDO.Person), str(SDO.Organization)
_WIKIDATA = "http://www.wikidata.org/entity/"

_SELECT = """
SELECT ?g ?c ?action ?from ?to ?agent ?when ?ended ?reason ?doc ?written ?name WHERE { GRAPH ?g {
  ?c a kb:EntityCuration ; kb:entityAction ?action ; kb:fromEntity ?from ; kb:toEntity ?to ;
     schema:agent ?agent ; prov:generatedAtTime ?when .
  OPTIONAL { ?c prov:invalidatedAtTime ?ended } OPTIONAL { ?c kb:reason ?reason }
  OPTIONAL { ?c kb:document ?doc } OPTIONAL { ?c kb:nameAsWritten ?written } OPTIONAL { ?c kb:newName ?name } } }
"""


@dataclass(frozen=True)
class EntityCuration:
    iri: str
    action: str  # merge, unmerge, split, link, unlink
    entity: str  # kb:fromEntity
    other: str  # kb:toEntity: the entity merged into, the split's new entity, the external IRI
    agent: str
    when: str
    reason: str
    ended: str = ""  # when a later curation of the same pair ended it
    documents: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["documents"], out["written"] = list(self.documents), list(self.written)
        return out


def _stamp(value: Any) -> str:
    """A stored time as the fixed-form text records carry (they sort and compare as text)."""
    if value is None:
        return ""
    from ..writing.provenance import timestamp

    return timestamp(value.isoformat() if hasattr(value, "isoformat") else str(value))


def entity_curations(kb: Any, entity: str | None = None) -> list[EntityCuration]:
    """Every entity curation (in force or ended), oldest first; only those naming ``entity`` if given."""
    if not kb.backend.has_graph(iris.CURATIONS_GRAPH):
        return []
    found: dict[str, dict[str, Any]] = {}
    for r in kb.select(_SELECT, {"g": iris.CURATIONS_GRAPH}):
        rec = found.setdefault(str(r["c"]), {
            "iri": str(r["c"]), "action": _ACTION_NAME.get(str(r["action"]), str(r["action"])),
            "entity": str(r["from"]), "other": str(r["to"]), "agent": str(r["agent"]), "when": _stamp(r["when"]),
            "reason": str(r.get("reason") or ""), "ended": _stamp(r.get("ended")), "documents": set(),
            "written": set(), "name": str(r.get("name") or ""),
        })
        if r.get("doc"):
            rec["documents"].add(str(r["doc"]))
        if r.get("written"):
            rec["written"].add(str(r["written"]))
    out = [EntityCuration(**{**rec, "documents": tuple(sorted(rec["documents"])), "written": tuple(sorted(rec["written"]))})
           for rec in found.values()]
    out.sort(key=lambda c: (c.when, c.iri))
    if entity is not None:
        out = [c for c in out if entity in (c.entity, c.other)]
    return out


def merged_into(kb: Any, entity: str) -> str | None:
    """The entity that ``entity`` now lives on as, when a merge in force took it into another
    (followed through later merges: A into B, then B into C gives C); None when it stands alone.
    Its old IRI keeps answering, as a permanent redirect, for the links people made to it.
    Read from the rules every write applies (:func:`kb.writing.curated.rules`, cached until the
    curations change), so a page request costs no read of every curation."""
    from ..writing.curated import rules

    try:
        node = _n(entity)
    except ValueError:
        return None  # no IRI a store could hold ("/id/graph/x\"y"): never merged
    final = rules(kb.backend).final(node).value
    return None if final == entity else final


# -- finding what the user means ---------------------------------------------------------
def _kinds(kb: Any, iri: str) -> set[str]:
    rows = kb.select("SELECT ?g ?e ?t WHERE { GRAPH ?g { ?e a ?t } }", {"e": URIRef(iri), "g": iris.ENTITIES_GRAPH})
    types = {str(r["t"]) for r in rows}
    return {"person" for t in types if t == _PERSON} | {"organization" for t in types if t == _ORG}


def find_entity(kb: Any, ref: str) -> str:
    """A stored person or organization, by IRI or by name (its canonical name or an alias,
    ignoring case). Raises :class:`NotFoundError`, or :class:`InputError` for a name that
    several entities carry (listing them)."""
    ref = ref.strip()
    if not ref:
        raise InputError("give a person or organization, by IRI or name")
    if ref.startswith(("http://", "https://")):
        if not _kinds(kb, ref):
            raise NotFoundError(f"{ref} is not a stored person or organization")
        return ref
    rows = kb.select(
        "SELECT DISTINCT ?g ?e ?q ?p WHERE { GRAPH ?g { ?e ?p ?n ; a ?t } VALUES ?p { schema:name schema:alternateName } "
        "VALUES ?t { schema:Person schema:Organization } FILTER(LCASE(STR(?n)) = LCASE(STR(?q))) }",
        {"g": iris.ENTITIES_GRAPH, "q": _literal(ref)},
    )
    found = sorted({str(r["e"]) for r in rows})
    if not found:
        raise NotFoundError(f"no stored person or organization is named {ref!r}")
    named = sorted({str(r["e"]) for r in rows if str(r["p"]) == str(SDO.name)})
    if len(found) > 1 and len(named) == 1:
        return named[0]  # its name over the others' aliases
    if len(found) > 1:
        raise InputError(f"{ref!r} names {len(found)} entities, give one by IRI: {', '.join(found)}")
    return found[0]


def _literal(text: str) -> Any:
    from rdflib import Literal

    return Literal(text)


def external_iri(value: str) -> str:
    """A Wikidata QID ("Q42"), a Wikidata page or entity URL, or any http(s) IRI → the IRI to link."""
    text = value.strip()
    qid = wikidata_qid(text)
    if qid is not None:
        return _WIKIDATA + qid
    if text.startswith(("http://", "https://")) and " " not in text:
        try:
            ox.NamedNode(text)
        except ValueError:
            pass
        else:
            if iris.is_minted(text):
                raise InputError(f"{text} is one of kb's own IRIs: link to an external identifier (a Wikidata QID)")
            return text
    raise InputError(f"{value!r} is neither a Wikidata QID (Q42) nor an http(s) IRI")


# -- recording ------------------------------------------------------------------------------
def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _pair(action: str, a: str, b: str) -> tuple[str, ...]:
    """Curations of one pair supersede each other: merge/unmerge/split of two entities in
    either order; link/unlink of one entity and one external IRI."""
    if action in ("link", "unlink"):
        return ("link", a, b)
    return ("entities", *sorted((a, b)))


def _record(
    kb: Any, action: str, entity: str, other: str, *, agent: str | None, reason: str | None,
    documents: Sequence[str] = (), written: Sequence[str] = (), name: str = "",
    restore: dict[str, str] | None = None, concerns: Iterable[str] = (),
) -> EntityCuration:
    """Record one curation (see :func:`record`)."""
    spec = EntityCuration("", action, entity, other, "", "", "", documents=tuple(sorted(set(documents))),
                          written=tuple(sorted(set(written))), name=name)
    return record(kb, [spec], agent=agent, reason=reason, restore=restore, concerns=concerns)[0]


def record(
    kb: Any, specs: Sequence[EntityCuration], *, agent: str | None, reason: str | None,
    restore: dict[str, str] | None = None, concerns: Iterable[str] = (),
) -> list[EntityCuration]:
    """Write curation records (``specs``: action, entity, other and a split's documents, names
    and new name), end the earlier ones of their pairs, and rewrite the stored graphs that
    mention the entities they ``concern``: all in one validated write (nothing if it fails)."""
    from ..writing import entities as E
    from ..writing.changes import Change, InputMeta
    from ..writing.context import stored_triples
    from ..writing.curated import rules as rules_in_force, rules_of

    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
    who = agent or "command line"
    stamp = ox.Literal(when, datatype=_n(XSD.dateTime))
    graph = _n(iris.CURATIONS_GRAPH)
    kept = stored_triples(kb.backend, graph) if kb.backend.has_graph(iris.CURATIONS_GRAPH) else []
    # A link is ended by an unlink of what its entity became (merged into the entity unlinked).
    final = rules_in_force(kb.backend).final
    pairs = {_pair(c.action, c.entity, c.other) for c in specs}
    ending = {_n(c.iri) for c in entity_curations(kb) if not c.ended and (
        _pair(c.action, c.entity, c.other) in pairs
        or c.action == "link" and _pair("link", final(_n(c.entity)).value, c.other) in pairs)}
    new: list[tuple[Any, Any, Any]] = [(e, _n(PROV.invalidatedAtTime), stamp) for e in sorted(ending, key=str)]
    done = []
    for spec in specs:
        node = _n(iris.mint("curation", iris.digest("entity", spec.action, spec.entity, spec.other, when)))
        new += [
            (node, _n(RDF.type), _n(KB.EntityCuration)), (node, _n(KB.entityAction), _n(ACTIONS[spec.action])),
            (node, _n(KB.fromEntity), _n(spec.entity)), (node, _n(KB.toEntity), _n(spec.other)),
            (node, _n(SDO.agent), ox.Literal(who)),
            (node, _n(PROV.wasAttributedTo), _n(iris.agent_iri(who))),
            (node, _n(PROV.generatedAtTime), stamp),
        ]
        new += [(node, _n(KB.document), _n(d)) for d in spec.documents]
        new += [(node, _n(KB.nameAsWritten), ox.Literal(w)) for w in spec.written]
        if spec.name:
            new.append((node, _n(KB.newName), ox.Literal(spec.name)))
        if reason:
            new.append((node, _n(KB.reason), ox.Literal(reason)))
        done.append(EntityCuration(node.value, spec.action, spec.entity, spec.other, who, when, reason or "",
                                   documents=spec.documents, written=spec.written, name=spec.name))
    content = kept + new
    rules = rules_of(content)
    rules.restore = {_n(k): _n(v) for k, v in (restore or {}).items()}
    what = f"{specs[0].action} {specs[0].entity} {specs[0].other}" + (f" (+{len(specs) - 1})" if len(specs) > 1 else "")
    source = InputMeta(what, iris.sha256_hex(f"entity curation {what} {when}"), "text/plain")
    changes = [Change(iris.CURATIONS_GRAPH, None, source, ox_triples=content, compare="content")]
    for g in _graphs_naming(kb, concerns):
        said = E.as_written(stored_triples(kb.backend, g))
        curated = rules.apply(said)
        if set(curated) != set(said):
            changes.append(Change(URIRef(g.value), None, source, ox_triples=curated, compare="content"))
    kb.commit(changes, agent=who, reason=reason or what, action="updated")
    return done


def _graphs_naming(kb: Any, entities: Iterable[str]) -> list[ox.NamedNode]:
    """The content graphs that mention any of ``entities`` (describe them, or point at them)."""
    wanted = sorted(set(entities))
    if not wanted:
        return []
    skip = {str(g) for g in iris.KEPT_GRAPHS} | {str(iris.CURATIONS_GRAPH)}
    values = " ".join(str(_n(e)) for e in wanted)  # IRIs checked by pyoxigraph, never pasted from text
    _names, rows = kb.backend.select(f"SELECT DISTINCT ?g WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?s ?p ?e }} }}",
                                     union=False)
    return sorted({_n(r["g"].value) for r in rows if r["g"].value not in skip}, key=str)


def _same_kind(kb: Any, a: str, b: str) -> None:
    ka, kb_ = _kinds(kb, a), _kinds(kb, b)
    if not ka:
        raise NotFoundError(f"{a} is not a stored person or organization")
    if not kb_:
        raise NotFoundError(f"{b} is not a stored person or organization")
    if ka != kb_:
        raise InputError(f"{a} is {_kind_name(ka)} and {b} {_kind_name(kb_)}: a person is never merged with an organization")


def _kind_name(kinds: set[str]) -> str:
    return " and ".join(("an " if k[0] in "aeiou" else "a ") + k for k in sorted(kinds))


def _in_force(kb: Any, entity: str, other: str) -> EntityCuration | None:
    pair = _pair("merge", entity, other)
    return next((c for c in entity_curations(kb) if not c.ended and _pair(c.action, c.entity, c.other) == pair), None)


def merge(kb: Any, a: str, b: str, *, agent: str | None = None, reason: str | None = None) -> EntityCuration:
    """``a`` is ``b``: a's mentions become b's, in every stored graph and every later write."""
    a, b = find_entity(kb, a), find_entity(kb, b)
    if a == b:
        raise InputError(f"{a} cannot be merged into itself")
    _same_kind(kb, a, b)
    from ..writing.curated import rules

    if rules(kb.backend).final(ox.NamedNode(b)).value == a:
        raise InputError(f"{b} is already merged into {a}: unmerge them first")
    return _record(kb, "merge", a, b, agent=agent, reason=reason, concerns=[a])


def unmerge(kb: Any, a: str, b: str, *, agent: str | None = None, reason: str | None = None) -> EntityCuration:
    """Undo the merge of ``a`` into ``b``: the mentions of b written with a name that
    names a (the name a was minted from) are a's again."""
    merged = next((m for x in _named(kb, a) for y in _named(kb, b) for m in [_in_force(kb, x, y)] if m), None)
    if merged is None or merged.action != "merge":
        raise InputError(f"{a!r} and {b!r} are not merged")
    a, b = merged.entity, merged.other
    return _record(kb, "unmerge", a, b, agent=agent, reason=reason, restore={b: a}, concerns=[b])


def _named(kb: Any, ref: str) -> list[str]:
    """What ``ref`` may name, merged away or not: an IRI; else the entities kb mints from
    the name, and the one stored entity it names."""
    ref = ref.strip()
    if ref.startswith(("http://", "https://")):
        return [ref]
    out = [str(iris.mint("person", iris.slug(ref))), str(iris.mint("org", iris.slug(ref)))]
    try:
        out.append(find_entity(kb, ref))
    except (InputError, NotFoundError):
        pass
    return list(dict.fromkeys(out))


def split(
    kb: Any, entity: str, *, name: str, documents: Sequence[str] = (), written: Sequence[str] = (),
    agent: str | None = None, reason: str | None = None,
) -> EntityCuration:
    """The mentions of ``entity`` in ``documents`` (IRIs or ids), or written as one of ``written``,
    are another entity named ``name`` (minted from it, like every entity). With neither,
    undo a merge of the entity ``name`` names into ``entity``."""
    x = find_entity(kb, entity)
    if not name.strip():
        raise InputError("give the new entity's name (--name)")
    name = " ".join(name.split())
    folder = iris.local_path(x).split("/", 1)[0] if iris.is_minted(x) else ""
    if folder not in ("person", "org"):
        folder = "person" if "person" in _kinds(kb, x) else "org"
    y = str(iris.mint(folder, iris.slug(name)))
    if y == x:
        raise InputError(f"{name!r} names {x} itself: give the new entity another name")
    merged = _in_force(kb, x, y)
    if not documents and not written:
        if merged is not None and merged.action == "merge":
            return unmerge(kb, merged.entity, merged.other, agent=agent, reason=reason)
        raise InputError("say which mentions to split off: --documents DOC... or --written NAME...")
    if _kinds(kb, y) and _kinds(kb, y) != _kinds(kb, x):
        raise InputError(f"{y} is {_kind_name(_kinds(kb, y))} and {x} {_kind_name(_kinds(kb, x))}: "
                         "a person is never merged with an organization")
    docs = sorted({_document(kb, d) for d in documents})
    earlier = merged if merged is not None and merged.action == "split" and merged.entity == x else None
    if earlier is not None:  # splitting more of the same entity off into the same new one
        docs = sorted(set(docs) | set(earlier.documents))
        written = sorted(set(written) | set(earlier.written))
    return _record(kb, "split", x, y, agent=agent, reason=reason, documents=docs, written=written, name=name,
                   concerns=[x])


def _document(kb: Any, ref: str) -> str:
    doc = ref.strip() if ":" in ref else str(iris.mint("doc", ref.strip().rstrip("/").rsplit("/", 1)[-1]))
    if not kb.ask("ASK { ?d a schema:NewsArticle }", {"d": URIRef(doc)}):
        raise NotFoundError(f"no stored document {ref!r}")
    return doc


def link(kb: Any, entity: str, target: str, *, agent: str | None = None, reason: str | None = None) -> EntityCuration:
    """``entity`` is ``schema:sameAs`` the external ``target`` (a Wikidata QID or an IRI)."""
    e, q = find_entity(kb, entity), external_iri(target)
    return _record(kb, "link", e, q, agent=agent, reason=reason, concerns=[e])


def unlink(
    kb: Any, entity: str, target: str | None = None, *, agent: str | None = None, reason: str | None = None,
) -> list[EntityCuration]:
    """Clear the entity's link to ``target``, or all its links."""
    e = find_entity(kb, entity)
    linked = same_as(kb, e)
    targets = [external_iri(target)] if target else linked
    if not targets:
        raise InputError(f"{e} has no link to clear")
    specs = [EntityCuration("", "unlink", e, q, "", "", "") for q in targets]
    return record(kb, specs, agent=agent, reason=reason, concerns=[e])


def same_as(kb: Any, entity: str) -> list[str]:
    """The entity's ``schema:sameAs`` links, as its canonical description states them."""
    rows = kb.select("SELECT ?g ?e ?q WHERE { GRAPH ?g { ?e schema:sameAs ?q } }",
                     {"e": URIRef(entity), "g": iris.ENTITIES_GRAPH})
    return sorted({str(r["q"]) for r in rows})
