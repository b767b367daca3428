"""Import ClaimsKG (https://data.gesis.org/claimskg/): its RDF and its CSV exports.

ClaimsKG models a fact-check as a ``schema:ClaimReview`` whose ``itemReviewed``
is a ``schema:CreativeWork`` (the claim: ``text``, ``author``,
``datePublished``, ``keywords``, ``mentions``), with two ``reviewRating``\\ s: the
fact-checker's original ``schema:Rating`` and ClaimsKG's normalized one
(authored by ``claimskg:organization/claimskg``: 1 FALSE, 2 MIXTURE, 3 TRUE,
-1 OTHER). Entity mentions are NIF strings linked to DBpedia.

The import keeps ClaimsKG's IRIs and structure, so its queries keep working
(``docs/claimskg.md``), and maps it onto kb's model so imported claims are
browsable and validated like any other:

- the CreativeWork is typed ``schema:Claim`` too; its author keeps ClaimsKG's
  ``schema:Thing`` and is typed ``schema:Person`` too, with its DBpedia link as ``sameAs``;
- keywords become literals (ClaimsKG points at keyword nodes);
- both ratings stay ``schema:reviewRating``\\ s, as in ClaimsKG: the original one
  (the fact-checker's label) and the normalized one (authored by ClaimsKG); the
  normalized one is also kb's ``kb:verdict`` (the same four-value scale);
- language tags (``@en``) are dropped from names, texts and labels, which kb
  keeps as plain strings; ``xsd:float`` numbers become ``xsd:decimal``.

Each review, with its claim and their mentions, is one named graph, so
re-importing a newer ClaimsKG release replaces reviews one by one. What many
reviews share (ratings, fact-checkers, authors, languages) is described once,
each node in a graph of its own: the union of the graphs then holds each of its
triples once, and ClaimsKG's COUNT queries count as on ClaimsKG's own store.
"""

from __future__ import annotations

import csv
import html
import io
import re
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Iterator

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .. import iris
from ..errors import InputError
from ..formats import canonical_format, decode_utf8, media_type, parse_rdf
from ..writing.changes import Change, IngestResult, InputMeta
from ..vocab import KB, OWL, RDF, SDO, XSD

if TYPE_CHECKING:  # pragma: no cover
    from ..knowledge import KnowledgeBase

__all__ = ["CLAIMSKG", "NIF", "ITSRDF", "reviews_from_rdf", "reviews_from_csv", "import_claimskg", "CSV_COLUMNS"]

CLAIMSKG = Namespace("http://data.gesis.org/claimskg/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("https://www.w3.org/2005/11/its/rdf#")
DCT = Namespace("http://purl.org/dc/terms/")
OWL_SAME_AS = URIRef(str(OWL.sameAs))
CLAIMSKG_ORG = CLAIMSKG["organization/claimskg"]
_S = str(SDO._NS)

#: ClaimsKG's normalized rating (value and name) → kb's verdict.
VERDICTS = {1: KB.VerdictFalse, 2: KB.VerdictMixture, 3: KB.VerdictTrue, -1: KB.VerdictOther}
_BY_NAME = {"FALSE": 1, "MIXTURE": 2, "TRUE": 3, "OTHER": -1}
#: The columns of the ClaimsKG explorer's CSV export.
CSV_COLUMNS = ("id", "text", "date", "truthRating", "ratingName", "author", "headline", "named_entities_claim",
               "named_entities_article", "keywords", "source", "sourceURL", "link", "language")
#: Plain copies: properties whose values kb keeps as they are.
_REVIEW_KEEP = (SDO.url, SDO.datePublished, URIRef(_S + "inLanguage"), SDO.mentions)
_CLAIM_KEEP = (SDO.datePublished, SDO.mentions, URIRef(_S + "citation"), OWL_SAME_AS)
_MENTION_KEEP = (NIF.beginIndex, NIF.endIndex, ITSRDF.taIdentRef, ITSRDF.taConfidence, DCT.about)


def _plain(value: Node) -> Node:
    """A literal as kb stores it: no language tag, ClaimsKG's escaped labels unescaped, floats as decimals."""
    if not isinstance(value, Literal):
        return value
    if value.datatype in (XSD.float, XSD.double) and value.datatype is not None:
        try:
            return Literal(Decimal(str(value)).normalize(), datatype=XSD.decimal)
        except ArithmeticError:
            return Literal(str(value))
    if value.datatype is not None and value.datatype != XSD.string:
        return value
    text = str(value)
    match = re.fullmatch(r"b'(.*)'", text)  # ClaimsKG wrote some labels as Python bytes reprs
    if match:
        text = match.group(1)
    return Literal(html.unescape(text))


class _Reviews:
    """Build one review's graph out of a ClaimsKG graph."""

    def __init__(self, src: Graph) -> None:
        self.src = src

    def copy(self, out: Graph, node: Node, props: tuple[URIRef, ...]) -> None:
        for prop in props:
            for value in self.src.objects(node, prop):
                out.add((node, prop, _plain(value)))

    def name(self, node: Node) -> Literal | None:
        for value in sorted(self.src.objects(node, SDO.name), key=str):
            text = str(_plain(value)).strip()
            if text:
                return Literal(text)
        return None

    def organization(self, out: Graph, org: Node) -> None:
        out.add((org, RDF.type, SDO.Organization))
        name = self.name(org)
        out.add((org, SDO.name, name if name is not None else Literal(str(org).rsplit("/", 1)[-1])))
        self.copy(out, org, (SDO.url,))

    def mention(self, out: Graph, mention: Node) -> None:
        for t in self.src.objects(mention, RDF.type):
            out.add((mention, RDF.type, t))
        for value in self.src.objects(mention, NIF.isString):
            out.add((mention, NIF.isString, _plain(value)))
        self.copy(out, mention, _MENTION_KEEP)

    def rating(self, out: Graph, rating: Node) -> None:
        out.add((rating, RDF.type, SDO.Rating))
        self.copy(out, rating, (SDO.alternateName, SDO.ratingValue, SDO.bestRating, SDO.worstRating, SDO.author))
        for org in self.src.objects(rating, SDO.author):
            self.organization(out, org)

    def claim(self, out: Graph, claim: URIRef) -> Literal | None:
        out.add((claim, RDF.type, SDO.CreativeWork))
        out.add((claim, RDF.type, SDO.Claim))
        text = next((_plain(v) for v in sorted(self.src.objects(claim, SDO.text), key=str)), None)
        if text is not None:
            out.add((claim, SDO.text, text))
        self.copy(out, claim, _CLAIM_KEEP)
        for keyword in self.src.objects(claim, SDO.keywords):
            label = self.name(keyword) if not isinstance(keyword, Literal) else _plain(keyword)
            if label is not None:
                out.add((claim, SDO.keywords, label))
        for author in sorted(self.src.objects(claim, SDO.author), key=str)[:1]:
            name = self.name(author)
            if name is None:
                continue
            out.add((claim, SDO.author, author))
            for kind in self.src.objects(author, RDF.type):  # ClaimsKG's schema:Thing, kept
                out.add((author, RDF.type, kind))
            out.add((author, RDF.type, SDO.Person))
            out.add((author, SDO.name, name))
            for entity in self.src.objects(author, SDO.mentions):
                out.add((author, SDO.sameAs, entity))
        for mention in self.src.objects(claim, SDO.mentions):
            self.mention(out, mention)
        return text  # type: ignore[return-value]

    def review(self, review: URIRef) -> Graph:
        out = Graph()
        out.add((review, RDF.type, SDO.ClaimReview))
        self.copy(out, review, _REVIEW_KEEP)
        for headline in self.src.objects(review, SDO.headline):
            out.add((review, SDO.headline, _plain(headline)))
        for language in self.src.objects(review, URIRef(_S + "inLanguage")):
            out.add((language, RDF.type, URIRef(_S + "Language")))
            self.copy(out, language, (SDO.name, SDO.alternateName))
        for mention in self.src.objects(review, SDO.mentions):
            self.mention(out, mention)
        for org in self.src.objects(review, SDO.author):
            out.add((review, SDO.author, org))
            self.organization(out, org)
        items = sorted(self.src.objects(review, SDO.itemReviewed), key=str)
        if len(items) != 1 or not isinstance(items[0], URIRef):
            raise InputError(f"the ClaimReview {review} does not review exactly one claim")
        out.add((review, SDO.itemReviewed, items[0]))
        text = self.claim(out, items[0])
        if text is not None:
            out.add((review, SDO.claimReviewed, text))
        verdict, original = KB.VerdictOther, None
        for rating in self.src.objects(review, SDO.reviewRating):
            if (rating, SDO.author, CLAIMSKG_ORG) in self.src:
                verdict = _verdict(self.src, rating)
            else:
                original = rating
            out.add((review, SDO.reviewRating, rating))
            self.rating(out, rating)
        out.add((review, KB.verdict, verdict))
        if original is None:
            raise InputError(f"the ClaimReview {review} has no original rating")
        return out


def _verdict(src: Graph, rating: Node) -> URIRef:
    for value in src.objects(rating, SDO.ratingValue):
        try:
            return VERDICTS.get(int(float(str(value))), KB.VerdictOther)
        except ValueError:
            pass
    for name in src.objects(rating, SDO.alternateName):
        return VERDICTS.get(_BY_NAME.get(str(name).strip().upper(), -1), KB.VerdictOther)
    return KB.VerdictOther


def reviews_from_rdf(data: bytes | str, fmt: str = "turtle", *, name: str = "claimskg") -> Iterator[tuple[URIRef, Graph]]:
    ds = parse_rdf(data, fmt, name)
    src = Graph()
    for g in ds.graphs():
        src += g
    builder = _Reviews(src)
    reviews = sorted((r for r in src.subjects(RDF.type, SDO.ClaimReview) if isinstance(r, URIRef)), key=str)
    if not reviews:
        raise InputError(f"{name}: holds no schema:ClaimReview")
    for review in reviews:
        try:
            yield review, builder.review(review)
        except InputError as err:
            raise InputError(f"{name}: {err}") from None


# -- CSV ---------------------------------------------------------------------------------
def _uuid(*parts: str) -> str:
    """ClaimsKG's own IRI scheme: uuid5 over the concatenated values."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "".join(parts)))


def _split(cell: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;]", cell or "") if p.strip()]


def _csv_row(row: dict[str, str], line: int) -> tuple[URIRef, Graph]:
    """One explorer-export row: the same model as the RDF import, with ClaimsKG's IRI scheme
    where the row has what it needs (claims and authors without a DBpedia sameAs)."""
    def cell(key: str) -> str:
        return (row.get(key) or "").strip()

    if not cell("id") or not cell("text"):
        raise InputError(f"line {line}: every row needs an id (the review IRI) and a text")
    out = Graph()
    review = URIRef(cell("id"))
    author, date, text = cell("author"), cell("date"), cell("text")
    claim = CLAIMSKG["creative_work/" + _uuid(author, date, text)]
    out.add((review, RDF.type, SDO.ClaimReview))
    out.add((review, SDO.itemReviewed, claim))
    out.add((review, SDO.claimReviewed, Literal(text)))
    if cell("link"):
        out.add((review, SDO.url, URIRef(cell("link"))))
    if cell("headline"):
        out.add((review, SDO.headline, Literal(cell("headline"))))
    source = cell("source") or "unknown"
    org = CLAIMSKG["organization/" + source.lower().replace(" ", "_")]
    out.add((review, SDO.author, org))
    out.add((org, RDF.type, SDO.Organization))
    out.add((org, SDO.name, Literal(source)))
    if cell("sourceURL"):
        out.add((org, SDO.url, URIRef(cell("sourceURL"))))
    try:
        value = int(float(cell("truthRating")))
    except ValueError:
        value = _BY_NAME.get(cell("ratingName").upper(), -1)
    out.add((review, KB.verdict, VERDICTS.get(value, KB.VerdictOther)))
    # The export has only ClaimsKG's normalized rating: it is this review's one rating.
    rating = CLAIMSKG[f"rating/normalized/claimskg_{cell('ratingName').upper() or 'OTHER'}"]
    out.add((review, SDO.reviewRating, rating))
    out.add((rating, RDF.type, SDO.Rating))
    out.add((rating, SDO.alternateName, Literal(cell("ratingName").upper() or "OTHER")))
    out.add((rating, SDO.ratingValue, Literal(value, datatype=XSD.integer)))
    out.add((rating, SDO.author, CLAIMSKG_ORG))
    out.add((CLAIMSKG_ORG, RDF.type, SDO.Organization))
    out.add((CLAIMSKG_ORG, SDO.name, Literal("ClaimsKG")))
    out.add((claim, RDF.type, SDO.CreativeWork))
    out.add((claim, RDF.type, SDO.Claim))
    out.add((claim, SDO.text, Literal(text)))
    if date:
        out.add((claim, SDO.datePublished, Literal(date, datatype=XSD.date)))
    if author:
        person = CLAIMSKG["creative_work_author/" + _uuid(author)]
        out.add((claim, SDO.author, person))
        out.add((person, RDF.type, SDO.Person))
        out.add((person, SDO.name, Literal(author)))
    for keyword in _split(cell("keywords")):
        out.add((claim, SDO.keywords, Literal(keyword)))
    for column, node in (("named_entities_claim", claim), ("named_entities_article", review)):
        for entity in _split(cell(column)):
            mention = CLAIMSKG["mention/" + _uuid(str(node), entity)]
            out.add((node, SDO.mentions, mention))
            out.add((mention, RDF.type, NIF.Context))
            out.add((mention, NIF.isString, Literal(entity)))
    if cell("language"):
        language = CLAIMSKG["language/" + cell("language")]
        out.add((review, URIRef(_S + "inLanguage"), language))
        out.add((language, RDF.type, URIRef(_S + "Language")))
        out.add((language, SDO.name, Literal(cell("language"))))
    return review, out


def reviews_from_csv(data: bytes | str, *, name: str = "claimskg.csv") -> Iterator[tuple[URIRef, Graph]]:
    text = data if isinstance(data, str) else decode_utf8(data, name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"id", "text", "truthRating", "source"} - set(reader.fieldnames or ())
    if missing:
        raise InputError(f"{name}: not a ClaimsKG CSV export (missing columns: {', '.join(sorted(missing))})")
    for number, row in enumerate(reader, start=2):
        try:
            yield _csv_row(row, number)
        except InputError as err:
            raise InputError(f"{name}: {err}") from None


def claimskg_changes(data: bytes | str, fmt: str = "turtle", *, name: str = "claimskg") -> list[Change]:
    """The writes that store ClaimsKG data (an RDF format name, or ``csv``), one named graph per review."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if fmt == "csv":
        reviews = reviews_from_csv(raw, name=name)
        media = "text/csv"
    else:
        reviews = reviews_from_rdf(raw, fmt, name=name)
        media = media_type(canonical_format(fmt))
    meta = InputMeta(name, iris.sha256_hex(raw), media)
    changes: list[Change] = []
    shared: dict[Node, Graph] = {}
    for review, graph in reviews:
        own, nodes = _partition(review, graph)
        claims = len(set(own.subjects(RDF.type, SDO.Claim)))
        changes.append(Change(_graph(review), own, meta, claims=claims))
        shared.update(nodes)
    changes += [Change(_graph(node), part, meta) for node, part in sorted(shared.items(), key=lambda kv: str(kv[0]))]
    return changes


def _graph(node: Node) -> URIRef:
    return iris.graph_iri("claimskg-" + iris.digest(node))


def _partition(review: URIRef, graph: Graph) -> tuple[Graph, dict[Node, Graph]]:
    """The review's own triples (the review, its claim, their mentions), and one graph for
    each node that other reviews may name too (ratings, organizations, authors, languages)."""
    own_nodes = {review, *graph.objects(review, SDO.itemReviewed)}
    own_nodes |= {m for n in list(own_nodes) for m in graph.objects(n, SDO.mentions)}
    own = Graph()
    shared: dict[Node, Graph] = {}
    for s, p, o in graph:
        if s in own_nodes:
            own.add((s, p, o))
        else:
            shared.setdefault(s, Graph()).add((s, p, o))
    return own, shared


def import_claimskg(kb: "KnowledgeBase", data: bytes | str, fmt: str = "turtle", *, name: str = "claimskg") -> IngestResult:
    """Validate and store ClaimsKG data (an RDF format name, or ``csv``)."""
    return kb.commit(claimskg_changes(data, fmt, name=name))
