"""Users' relations between claims: asserted, confirmed or rejected, with who, when and why.

Curations are kept in their own graph (:data:`kb.iris.CURATIONS_GRAPH`), never
in an article's graph, and written through :meth:`KnowledgeBase.commit`, so they
are validated against ``shapes/relations.ttl``, versioned like any graph, and
survive re-ingesting or removing the articles. A rejected relation is not
proposed again: kb's proposal of the same relation between the same claims is
left out of the relations graph for as long as the curation stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from .. import iris
from ..errors import InputError, NotFoundError
from ..vocab import KB, PROV, RDF, SDO, XSD

__all__ = ["RELATIONS", "Curation", "Curations", "curations", "relate", "relation_iri", "curation_iri", "key_of",
           "relation_name"]

#: The relation names users give (``kb relate C1 same-quote C2``) → the kb: term's local name.
RELATIONS = {
    "repeats": "repeats",
    "same-quote": "sameQuoteAs",
    "paraphrase-of": "paraphraseOf",
    "contradicts": "contradicts",
    "supports": "supports",
    "translation-of": "translationOf",
}
_NAMES = {v: k for k, v in RELATIONS.items()}
_STATUS = {"asserted": KB.Asserted, "confirmed": KB.Confirmed, "rejected": KB.Rejected, "proposed": KB.Proposed}
_STATUS_NAME = {str(v): k for k, v in _STATUS.items()}
_KB = str(KB._NS)

_SELECT = """
SELECT ?g ?r ?src ?dst ?type ?status ?score ?agent ?when ?reason WHERE { GRAPH ?g {
  ?r a kb:ClaimRelation ; kb:fromClaim ?src ; kb:toClaim ?dst ; kb:relationType ?type ; kb:status ?status .
  OPTIONAL { ?r kb:score ?score } OPTIONAL { ?r schema:agent ?agent }
  OPTIONAL { ?r prov:generatedAtTime ?when } OPTIONAL { ?r kb:reason ?reason } } }
"""


def relation_name(term: str) -> str:
    """``kb:sameQuoteAs`` (or ``sameQuoteAs``) → ``same-quote``."""
    local = term[len(_KB):] if term.startswith(_KB) else term
    return _NAMES.get(local, local)


def key_of(relation: str, src: str, dst: str) -> tuple[str, str, str]:
    """One key per relation between two claims, whichever way a symmetric one is said."""
    if relation == "sameQuoteAs" and dst < src:
        src, dst = dst, src
    return relation, src, dst


def relation_iri(relation: str, src: str, dst: str) -> URIRef:
    """kb's proposal node."""
    return iris.mint("relation", iris.digest(*key_of(relation, src, dst)))


def curation_iri(relation: str, src: str, dst: str) -> URIRef:
    """A user's curation node (a separate node: the proposal may still be stored beside it)."""
    return iris.mint("curation", iris.digest(*key_of(relation, src, dst)))


@dataclass(frozen=True)
class Curation:
    iri: str
    src: str
    dst: str
    relation: str  # local name: sameQuoteAs
    status: str  # asserted, confirmed, rejected
    score: float | None
    agent: str
    when: str
    reason: str


class Curations:
    def __init__(self, items: list[Curation]) -> None:
        self.all = items
        self._by_claim: dict[str, list[Curation]] = {}
        for c in items:
            self._by_claim.setdefault(c.src, []).append(c)
            if c.dst != c.src:
                self._by_claim.setdefault(c.dst, []).append(c)

    def of(self, claim: str) -> list[Curation]:
        return self._by_claim.get(claim, [])


def curations(kb: Any) -> Curations:
    if not kb.backend.has_graph(iris.CURATIONS_GRAPH):
        return Curations([])
    out = []
    for r in kb.select(_SELECT, {"g": iris.CURATIONS_GRAPH}):
        local = str(r["type"])[len(_KB):]
        score = r.get("score")
        out.append(Curation(
            iri=str(r["r"]), src=str(r["src"]), dst=str(r["dst"]), relation=local,
            status=_STATUS_NAME.get(str(r["status"]), "asserted"), score=float(score) if score is not None else None,
            agent=str(r.get("agent") or ""), when=str(r.get("when") or ""), reason=str(r.get("reason") or ""),
        ))
    return Curations(out)


def _n(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def relate(
    kb: Any, src: str, relation: str, dst: str, *, status: str = "asserted", agent: str | None = None,
    reason: str | None = None,
) -> Curation:
    """Assert, confirm or reject ``src relation dst``; the curation replaces any earlier one of
    the same relation between the same claims. Raises :class:`InputError` or
    :class:`NotFoundError` (nothing written) for an unknown relation or claim."""
    from ..writing.changes import Change, InputMeta
    from ..writing.context import stored_triples
    from .link import tracking_index

    local = RELATIONS.get(relation) or (relation if relation in _NAMES else None)
    if local is None:
        raise InputError(f"unknown relation {relation!r} (use one of: {', '.join(RELATIONS)})")
    if status not in ("asserted", "confirmed", "rejected"):
        raise InputError(f"unknown status {status!r} (asserted, confirmed or rejected)")
    for claim in (src, dst):
        try:
            ox.NamedNode(claim)
        except ValueError:
            raise InputError(f"{claim!r} is not an IRI") from None
        if not kb.ask("ASK { ?c a schema:Claim }", {"c": URIRef(claim)}):
            raise NotFoundError(f"{claim} is not a stored claim")
    if src == dst:
        raise InputError("a claim cannot be related to itself")
    proposed = next((x for x in tracking_index(kb).links_of(src) if key_of(x.relation, x.src, x.dst) == key_of(local, src, dst)), None)
    if proposed is not None and local == "sameQuoteAs":
        src, dst = proposed.src, proposed.dst  # keep the direction kb proposed (new to old)
    if status == "asserted" and proposed is not None:
        status = "confirmed"  # asserting what kb proposed confirms it
    node = curation_iri(local, src, dst)
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    who = agent or "command line"
    n = _n(node)
    new = [
        (n, _n(RDF.type), _n(KB.ClaimRelation)), (n, _n(KB.fromClaim), _n(src)), (n, _n(KB.toClaim), _n(dst)),
        (n, _n(KB.relationType), _n(KB[local])), (n, _n(KB.status), _n(_STATUS[status])),
        (n, _n(SDO.agent), ox.Literal(who)), (n, _n(PROV.wasAttributedTo), _n(iris.agent_iri(who))),
        (n, _n(PROV.generatedAtTime), ox.Literal(when.isoformat(), datatype=_n(XSD.dateTime))),
    ]
    if proposed is not None:
        new.append((n, _n(KB.score), ox.Literal(f"{proposed.score:.3f}", datatype=_n(XSD.decimal))))
    if reason:
        new.append((n, _n(KB.reason), ox.Literal(reason)))
    graph = _n(iris.CURATIONS_GRAPH)
    kept = [t for t in stored_triples(kb.backend, graph) if t[0] != n] if kb.backend.has_graph(iris.CURATIONS_GRAPH) else []
    source = InputMeta(f"relate {src} {local} {dst}", iris.sha256_hex(f"relate {node} {status} {when}"), "text/turtle")
    kb.commit([Change(iris.CURATIONS_GRAPH, None, source, ox_triples=kept + new, compare="content")],
              agent=agent, reason=reason or f"{status} {relation_name(local)}")
    return Curation(str(node), src, dst, local, status, proposed.score if proposed else None, who, when.isoformat(),
                    reason or "")
