"""Turn a checked :class:`~kb.record.ArticleRecord` into RDF triples.

The shapes of what is written here are documented in ``docs/model.md`` and
enforced by ``shapes/``. Nothing here touches the store.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from .. import iris
from ..errors import RecordError
from ..record import ArticleRecord, ClaimRecord, Entity, Mention, SaidDate, Span
from ..vocab import KB, OA, RDF, RDFS, SDO, XSD

__all__ = ["record_to_graph", "CLAIM_KIND_IRIS", "PRECISION_IRIS", "CONTEXT_CHARS"]

CLAIM_KIND_IRIS = {
    "direct-quote": KB.DirectQuote,
    "partial-quote": KB.PartialQuote,
    "paraphrase": KB.Paraphrase,
    "reported-fact": KB.ReportedFact,
}
PRECISION_IRIS = {"day": KB.Day, "week": KB.Week, "month": KB.Month, "year": KB.Year}
_ENTITY_CLASSES = {
    "Person": SDO.Person,
    "Organization": SDO.Organization,
    "NewsMediaOrganization": SDO.NewsMediaOrganization,
    "Place": SDO.Place,
    "Anonymous": KB.AnonymousSource,
}
#: Characters of prefix and suffix kept in a TextQuoteSelector, as the Web
#: Annotation model suggests, so a quote can be re-anchored in a changed text.
CONTEXT_CHARS = 32


class _Builder:
    def __init__(self, record: ArticleRecord) -> None:
        self.record = record
        self.text = record.document.text
        self.doc_id = iris.document_id(self.text)
        self.doc = iris.mint("doc", self.doc_id)
        self.g = Graph()
        self.entities: dict[str, URIRef] = {}

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    @staticmethod
    def lit(value: str | None) -> Literal | None:
        return None if value is None else Literal(value)

    # -- entities ---------------------------------------------------------
    def entity(self, name: str, default_type: str = "Person") -> URIRef:
        """The node for a named agent or place, typed by the record's entity list."""
        if name in self.entities:
            return self.entities[name]
        listed = self.record.entity(name)
        kind = listed.type if listed else default_type
        node = iris.entity_iri(kind, name, self.doc_id)
        self.entities[name] = node
        self.add(node, RDF.type, _ENTITY_CLASSES[kind])
        if kind == "NewsMediaOrganization":
            self.add(node, RDF.type, SDO.Organization)
        self.add(node, SDO.name, Literal(name))
        if listed:
            self.describe(node, listed)
        return node

    def describe(self, node: URIRef, e: Entity) -> None:
        for alias in e.aliases:
            if alias != e.name:
                self.add(node, SDO.alternateName, Literal(alias))
        self.add(node, SDO.honorificPrefix, self.lit(e.honorific))
        if e.parent:
            self.add(node, SDO.parentOrganization, self.entity(e.parent, "Organization"))
        self.add(node, KB.relation, self.lit(e.relation))
        for role in e.roles:
            org = self.entity(role.organization, "Organization") if role.organization else None
            # Named by what it says, not by the article: every article that gives a person the same
            # role (same name, organization, dates and words) names one node, so a person quoted
            # by a thousand articles has the roles they hold, not a thousand copies of them (which
            # every write naming them would derive and validate again). Words or a note of its own
            # make another node: one node never carries two descriptions.
            r = iris.mint("role", iris.digest(node, org or "", role.name, role.start or "", role.end or "",
                                              role.text or "", role.note or ""))
            self.add(node, SDO.memberOf, r)
            self.add(r, RDF.type, SDO.OrganizationRole)
            self.add(r, SDO.roleName, Literal(role.name))
            self.add(r, SDO.memberOf, org)
            self.add(r, SDO.startDate, None if role.start is None else Literal(role.start))
            self.add(r, SDO.endDate, None if role.end is None else Literal(role.end))
            self.add(r, SDO.description, self.lit(role.text))
            self.add(r, RDFS.comment, self.lit(role.note))

    # -- text anchors -----------------------------------------------------
    def anchor(self, node: URIRef, span: Span) -> None:
        """A Web Annotation SpecificResource: the span with position and quote selectors."""
        pos, quote = URIRef(f"{node}-pos"), URIRef(f"{node}-quote")
        self.add(node, RDF.type, OA.SpecificResource)
        self.add(node, OA.hasSource, self.doc)
        self.add(node, OA.hasSelector, pos)
        self.add(node, OA.hasSelector, quote)
        self.add(pos, RDF.type, OA.TextPositionSelector)
        # xsd:integer, not the spec's xsd:nonNegativeInteger: Oxigraph stores every
        # derived integer type as xsd:integer, so anything else would not survive a
        # round trip through the store. The shapes require a minimum of 0 instead.
        self.add(pos, OA.start, Literal(span.start, datatype=XSD.integer))
        self.add(pos, OA.end, Literal(span.end, datatype=XSD.integer))
        self.add(quote, RDF.type, OA.TextQuoteSelector)
        self.add(quote, OA.exact, Literal(self.text[span.start : span.end]))
        prefix = self.text[max(0, span.start - CONTEXT_CHARS) : span.start]
        suffix = self.text[span.end : span.end + CONTEXT_CHARS]
        self.add(quote, OA.prefix, Literal(prefix) if prefix else None)
        self.add(quote, OA.suffix, Literal(suffix) if suffix else None)

    def mention(self, claim: URIRef, prop: URIRef, m: Mention | None, label: str) -> None:
        if m is not None:
            node = URIRef(f"{claim}#{label}")
            self.add(claim, prop, node)
            self.anchor(node, Span(m.start, m.end))

    # -- document and claims ---------------------------------------------
    def document(self) -> None:
        d = self.record.document
        self.add(self.doc, RDF.type, SDO.NewsArticle)
        self.add(self.doc, SDO.text, Literal(d.text))
        self.add(self.doc, KB.sha256, Literal(iris.sha256_hex(d.text)))
        self.add(self.doc, SDO.datePublished, None if d.date is None else Literal(d.date))
        self.add(self.doc, SDO.url, None if d.url is None else URIRef(d.url))
        self.add(self.doc, SDO.headline, self.lit(d.title))
        if d.publisher:
            self.add(self.doc, SDO.publisher, self.entity(d.publisher, "NewsMediaOrganization"))
        if d.author:
            self.add(self.doc, SDO.author, self.entity(d.author, "Person"))

    def date(self, node: URIRef, said: SaidDate | None) -> None:
        if said is not None:
            self.add(node, SDO.dateCreated, Literal(said.value))
            self.add(node, KB.datePrecision, PRECISION_IRIS[said.precision])

    def claim(self, c: ClaimRecord) -> None:
        node = iris.claim_iri(self.doc_id, [(s.start, s.end) for s in c.spans])
        self.add(node, RDF.type, SDO.Claim)
        self.add(node, KB.kind, CLAIM_KIND_IRIS[c.kind])
        self.add(node, SDO.text, Literal(c.text))
        self.add(node, SDO.appearance, self.doc)
        self.date(node, c.date)
        if c.confidence is not None:
            self.add(node, KB.confidence, Literal(Decimal(str(round(c.confidence, 4))), datatype=XSD.decimal))
        annotation = URIRef(f"{node}#anchor")
        self.add(annotation, RDF.type, OA.Annotation)
        self.add(annotation, OA.hasBody, node)
        self.add(annotation, OA.motivatedBy, OA.identifying)
        for i, span in enumerate(c.spans, 1):
            target = URIRef(f"{node}#span-{i}")
            self.add(annotation, OA.hasTarget, target)
            self.anchor(target, span)
        speaker = None
        if c.speaker is not None:
            assert c.speaker.name is not None
            speaker = self.entity(c.speaker.name, c.speaker.type or "Person")
            self.add(node, SDO.author, speaker)
            self.mention(node, KB.speakerMention, c.speaker, "speaker")
        if c.cue is not None:
            self.add(node, KB.cue, Literal(c.cue.text))
            self.mention(node, KB.cueMention, c.cue, "cue")
        addressee = self.entity(c.addressee) if c.addressee else None
        self.add(node, SDO.recipient, addressee)
        if c.via:
            self.add(node, KB.via, self.entity(c.via, "NewsMediaOrganization"))
        if c.medium:
            # One node per (speaker, medium, addressee) in this article: every claim
            # taken from Qaani's letter to Deif points at the same letter.
            work = iris.mint("work", iris.digest(self.doc_id, speaker or "", c.medium, addressee or ""))
            self.add(node, SDO.firstAppearance, work)
            self.add(work, RDF.type, SDO.CreativeWork)
            self.add(work, SDO.genre, Literal(c.medium))
            self.add(work, SDO.author, speaker)
            self.add(work, SDO.recipient, addressee)
        if c.venue:
            event = iris.mint("event", iris.digest(self.doc_id, c.venue))
            self.add(node, SDO.recordedAt, event)
            self.add(event, RDF.type, SDO.Event)
            self.add(event, SDO.name, Literal(c.venue))
            if c.place:
                self.add(event, SDO.location, self.entity(c.place, "Place"))

    def build(self) -> Graph:
        self.document()
        seen: dict[tuple[tuple[int, int], ...], int] = {}
        for i, c in enumerate(self.record.claims):
            key = tuple((s.start, s.end) for s in c.spans)
            if key in seen:
                raise RecordError(f"claims[{i}]: has the same spans as claims[{seen[key]}]")
            seen[key] = i
            self.claim(c)
        for e in self.record.entities:
            self.entity(e.name, e.type)
        return self.g


def record_to_graph(record: ArticleRecord) -> tuple[URIRef, Graph]:
    """Return the document IRI and the triples that say everything in ``record``."""
    builder = _Builder(record)
    return builder.doc, builder.build()
