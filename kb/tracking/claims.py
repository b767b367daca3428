"""What a claim's page says about its spread: its other appearances and its relations.

The appearances are the claim's whole group (:func:`.link.group`: what its same-words
relations reach, followed both ways), not only the claims it is linked to: kb links an
appearance to a few others only. The relations listed are the claim's own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .curations import curations, relation_name
from .link import effective, group, tracking_index

__all__ = ["Appearance", "Related", "Spread", "spread"]


@dataclass(frozen=True)
class Appearance:
    """One claim carrying the quote: where and when."""

    claim: str
    article: str
    outlet: str
    outlet_name: str
    date: str  # said, else published

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Related:
    claim: str
    relation: str  # same-quote, repeats, ...
    direction: str  # "to": this claim <relation> claim; "from": claim <relation> this one
    score: float | None
    by: str  # "kb" for a proposal, else who curated it
    status: str  # proposed, asserted, confirmed

    def as_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "relation": self.relation, "direction": self.direction, "score": self.score,
                "by": self.by, "status": self.status}


@dataclass
class Spread:
    appearances: list[Appearance]  # the other appearances, oldest first
    earliest: Appearance | None  # of all, this claim included
    outlets: list[tuple[str, str, str]]  # (outlet, name, first date it carried the quote), oldest first
    related: list[Related]
    rejected: list[Related]


def _name(kb: Any, iri: str, names: dict[str, str]) -> str:
    from ..browse.nodes import name_of

    if iri and iri not in names:
        names[iri] = name_of(kb, iri)
    return names.get(iri, "")


def spread(kb: Any, iri: str) -> Spread:
    index = tracking_index(kb)
    cured = curations(kb)
    agents = {(c.relation, c.src, c.dst): c.agent for c in cured.all}
    names: dict[str, str] = {}
    related: list[Related] = []
    for src, relation, dst, score, status in effective(index, cured, iri):
        other, direction = (dst, "to") if src == iri else (src, "from")
        who = "kb" if status == "proposed" else agents.get((relation, src, dst), "")
        related.append(Related(other, relation_name(relation), direction, score, who, status))
    rejected = [Related(c.dst if c.src == iri else c.src, relation_name(c.relation), "to" if c.src == iri else "from",
                        c.score, c.agent, "rejected") for c in cured.of(iri) if c.status == "rejected"]
    found = [Appearance(row.iri, row.doc, row.outlet, _name(kb, row.outlet, names), row.when)
             for row in index.claims(group(index, cured, iri)).values()]
    found.sort(key=lambda a: (a.date or "9999", a.claim))
    earliest = found[0] if len(found) > 1 else None
    outlets: dict[str, tuple[str, str, str]] = {}
    for a in found:
        if a.outlet and a.outlet not in outlets:
            outlets[a.outlet] = (a.outlet, a.outlet_name, a.date)
    related.sort(key=lambda r: (-(r.score or 1.0), r.relation, r.claim))
    return Spread([a for a in found if a.claim != iri], earliest, list(outlets.values()) if len(found) > 1 else [],
                  related, rejected)
