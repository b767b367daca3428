"""One claim, and one document: everything their pages show, by selective SPARQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import URIRef

from ..errors import NotFoundError
from .claims import ClaimFilter, ClaimSummary, list_claims
from .queries import KINDS, VERDICTS
from .nodes import KBNS, RDF_TYPE, SDO, first, name_of, props, raw, text
from .store import get_index
from .text import Mark, Segment, paragraph_window, segments

__all__ = ["ClaimDetail", "ChainLink", "Review", "DocumentDetail", "claim_detail", "claim_json", "document_detail"]

_QUOTE_SPANS = """
SELECT DISTINCT ?claim ?start ?end WHERE {
  ?a oa:hasBody ?claim ; oa:hasTarget ?t . ?t oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end .
}
"""
# One query per mention property: with the predicate a variable, Oxigraph starts from the selectors.
_SPEAKER_SPANS = """
SELECT DISTINCT ?claim ?start ?end WHERE { ?claim kb:speakerMention ?t . ?t oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end . }
"""
_CUE_SPANS = """
SELECT DISTINCT ?claim ?start ?end WHERE { ?claim kb:cueMention ?t . ?t oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end . }
"""

_REVIEWS = "SELECT DISTINCT ?claim ?review WHERE { ?review schema:itemReviewed ?claim }"

_DOC_SPANS = """
SELECT DISTINCT ?doc ?claim ?start ?end WHERE {
  ?claim schema:appearance ?doc .
  ?a oa:hasBody ?claim ; oa:hasTarget ?t . ?t oa:hasSelector ?s . ?s oa:start ?start ; oa:end ?end .
}
"""
_GRAPH_OF = "SELECT ?doc ?g WHERE { GRAPH ?g { ?doc a schema:NewsArticle } } LIMIT 1"


@dataclass(frozen=True)
class ChainLink:
    """One step of how a claim travelled: speaker → medium or venue → intermediary → outlet → article."""

    label: str
    role: str
    iri: str = ""


@dataclass(frozen=True)
class Review:
    iri: str
    verdict: str
    label: str
    value: str
    best: str
    worst: str
    author: str
    author_name: str
    date: str
    url: str
    claim_reviewed: str


@dataclass
class ClaimDetail:
    iri: str
    text: str
    kind: str
    date: str
    precision: str
    cue: str
    confidence: Any
    doc: str
    doc_title: str
    doc_date: str
    doc_url: str
    outlet: str
    outlet_name: str
    speaker: str
    speaker_name: str
    speaker_type: str
    recipient: str
    recipient_name: str
    via: str
    via_name: str
    medium: str
    venue: str
    place: str
    place_name: str
    context: list[Segment] = field(default_factory=list)
    context_cut: tuple[bool, bool] = (False, False)
    chain: list[ChainLink] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    fact_checks: list[Any] = field(default_factory=list)  # kb.matching.Match: reviews of similar claims
    same_speaker: list[ClaimSummary] = field(default_factory=list)
    spread: Any = None  # kb.tracking.Spread: the quote's other appearances, outlets, related claims


def claim_json(d: ClaimDetail) -> dict[str, Any]:
    """What the claim page shows, as ``/id/claim/<id>.json`` answers it."""
    spread = d.spread
    return {
        "iri": d.iri, "text": d.text, "kind": d.kind, "date": d.date, "speaker": d.speaker or None,
        "speaker_name": d.speaker_name, "article": d.doc or None, "article_date": d.doc_date,
        "outlet": d.outlet or None, "outlet_name": d.outlet_name,
        "earliest": spread.earliest.as_dict() if spread and spread.earliest else None,
        "appearances": [a.as_dict() for a in spread.appearances] if spread else [],
        "outlets": [{"outlet": o, "name": n, "date": w} for o, n, w in spread.outlets] if spread else [],
        "related": [r.as_dict() for r in spread.related] if spread else [],
        "reviews": [{"review": r.iri, "verdict": r.verdict, "label": r.label, "author": r.author, "date": r.date,
                     "url": r.url} for r in d.reviews],
        "fact_checks": [m.as_dict() for m in d.fact_checks],
    }


_s = text  # kb.browse.nodes.text


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def reviews_of(kb: Any, claim: str) -> list[Review]:
    out = []
    for row in kb.select(_REVIEWS, {"claim": URIRef(claim)}):
        p = props(kb, row["review"])
        if SDO + "ClaimReview" not in p.get(RDF_TYPE, []):
            continue
        author = first(p, SDO + "author")
        # The fact-checker's own rating (no author, or the review's) before an aggregator's
        # normalized one: ClaimsKG keeps both (docs/claimskg.md).
        ratings = [props(kb, str(r)) for r in p.get(SDO + "reviewRating", [])]
        rating = min(ratings, key=lambda r: first(r, SDO + "author") not in ("", author), default={})
        out.append(Review(
            iri=row["review"], verdict=VERDICTS.get(first(p, KBNS + "verdict"), ""),
            label=first(rating, SDO + "alternateName"), value=first(rating, SDO + "ratingValue"),
            best=first(rating, SDO + "bestRating"), worst=first(rating, SDO + "worstRating"), author=author,
            author_name=name_of(kb, author), date=first(p, SDO + "datePublished"), url=first(p, SDO + "url"),
            claim_reviewed=first(p, SDO + "claimReviewed"),
        ))
    return sorted(out, key=lambda r: (r.date, r.iri), reverse=True)


def claim_detail(kb: Any, iri: str, *, same_speaker: int = 10) -> ClaimDetail:
    p = props(kb, iri)
    if SDO + "Claim" not in p.get(RDF_TYPE, []):
        raise NotFoundError(f"no claim {iri}")
    f = lambda key: first(p, SDO + key)  # noqa: E731
    doc, speaker, event, work = f("appearance"), f("author"), f("recordedAt"), f("firstAppearance")
    dp, sp, ep = props(kb, doc), props(kb, speaker), props(kb, event)
    speaker_types = {str(t) for t in sp.get(RDF_TYPE, [])}
    stype = ("Person" if SDO + "Person" in speaker_types else "Organization" if SDO + "Organization" in speaker_types
             else "Anonymous" if KBNS + "AnonymousSource" in speaker_types else "")
    pub, recipient, via, place = first(dp, SDO + "publisher"), f("recipient"), first(p, KBNS + "via"), first(ep, SDO + "location")
    d = ClaimDetail(
        iri=iri, text=f("text"), kind=KINDS.get(first(p, KBNS + "kind"), ""), date=f("dateCreated"),
        precision=_local(first(p, KBNS + "datePrecision")), cue=first(p, KBNS + "cue"),
        confidence=raw(p, KBNS + "confidence"), doc=doc, doc_title=first(dp, SDO + "headline"),
        doc_date=first(dp, SDO + "datePublished"), doc_url=first(dp, SDO + "url"), outlet=pub,
        outlet_name=name_of(kb, pub), speaker=speaker, speaker_name=first(sp, SDO + "name"), speaker_type=stype,
        recipient=recipient, recipient_name=name_of(kb, recipient), via=via, via_name=name_of(kb, via),
        medium=first(props(kb, work), SDO + "genre") if work else "", venue=first(ep, SDO + "name"),
        place=place, place_name=name_of(kb, place),
    )
    text = first(dp, SDO + "text")
    if text:
        node = {"claim": URIRef(iri)}
        marks = [Mark(int(r["start"]), int(r["end"]), "quote") for r in kb.select(_QUOTE_SPANS, node)]
        for role, query in (("speaker", _SPEAKER_SPANS), ("cue", _CUE_SPANS)):
            marks += [Mark(int(r["start"]), int(r["end"]), role) for r in kb.select(query, node)]
        quotes = [m for m in marks if m.role == "quote"] or [Mark(0, 0, "quote")]
        a, b = paragraph_window(text, min(m.start for m in quotes), max(m.end for m in quotes))
        d.context = segments(text, marks, a, b)
        d.context_cut = (a > 0, b < len(text))
    d.chain = attribution_chain(d)
    d.reviews = reviews_of(kb, iri)
    from ..matching import fact_checks  # numpy and the index load only when a claim page is shown

    d.fact_checks = fact_checks(kb, d.text, exclude=[r.iri for r in d.reviews])
    from ..tracking import spread

    d.spread = spread(kb, iri)
    if d.speaker and same_speaker:
        page = list_claims(kb, ClaimFilter(speaker=d.speaker), limit=same_speaker + 1)
        d.same_speaker = [c for c in page.claims if c.iri != iri][:same_speaker]
    return d


def attribution_chain(d: ClaimDetail) -> list[ChainLink]:
    """Qaani → letter → The Jerusalem Post → this article: who said it and how it reached the page."""
    chain = [ChainLink(d.speaker_name or ("unnamed source" if d.speaker else "the article itself"), "speaker", d.speaker)]
    if d.medium:
        chain.append(ChainLink(d.medium + (f" to {d.recipient_name}" if d.recipient_name else ""), "medium"))
    if d.venue:
        chain.append(ChainLink(d.venue, "venue"))
    if d.via:
        chain.append(ChainLink(d.via_name or d.via, "via", d.via))
    if d.outlet:
        chain.append(ChainLink(d.outlet_name or d.outlet, "outlet", d.outlet))
    if d.doc:
        chain.append(ChainLink(d.doc_title or "this article", "document", d.doc))
    if len(chain) > 1 and not d.speaker:
        chain = chain[1:]
    return chain


@dataclass
class DocumentDetail:
    iri: str
    text: str
    date: str
    title: str
    url: str
    publisher: str
    publisher_name: str
    author: str
    author_name: str
    graph: str
    segments: list[Segment]
    claims: list[dict[str, Any]]


def document_detail(kb: Any, iri: str) -> DocumentDetail:
    p = props(kb, iri)
    if SDO + "NewsArticle" not in p.get(RDF_TYPE, []):
        raise NotFoundError(f"no document {iri}")
    text = first(p, SDO + "text")
    pub, author = first(p, SDO + "publisher"), first(p, SDO + "author")
    graph = kb.select(_GRAPH_OF, {"doc": URIRef(iri)})
    spans = kb.select(_DOC_SPANS, {"doc": URIRef(iri)})
    con = get_index(kb).db()
    info: dict[str, dict[str, Any]] = {}
    for c in {r["claim"] for r in spans}:
        row = con.execute("SELECT kind, speaker_name, text FROM claims WHERE iri = ?", (c,)).fetchone()
        info[c] = {"iri": c, "kind": row[0] if row else "", "speaker_name": row[1] if row else "",
                   "text": row[2] if row else "", "start": min(int(r["start"]) for r in spans if r["claim"] == c)}
    marks = []
    for r in spans:
        c = info[r["claim"]]
        title = f"{c['kind']}: {c['speaker_name'] or 'reported by the article'}"
        marks.append(Mark(int(r["start"]), int(r["end"]), "claim", r["claim"], title))
    ordered = sorted(info.values(), key=lambda c: (c["start"], c["iri"]))
    return DocumentDetail(
        iri=iri, text=text, date=first(p, SDO + "datePublished"), title=first(p, SDO + "headline"),
        url=first(p, SDO + "url"), publisher=pub, publisher_name=name_of(kb, pub), author=author,
        author_name=name_of(kb, author), graph=str(graph[0]["g"]) if graph else "", segments=segments(text, marks),
        claims=ordered,
    )
