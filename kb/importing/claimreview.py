"""schema.org ClaimReview: import it as fact-checkers publish it, export it as Google reads it.

Import reads ClaimReview JSON-LD (``@context`` https://schema.org, which
:mod:`kb.formats` maps locally and never fetches) through the RDF parser, so
``@graph``, arrays and nested nodes all work, then maps each review onto kb's
model (``docs/model.md``):

- the review: ``review/<hash of its url>``, with ``claimReviewed``, ``url``,
  ``datePublished``, ``author`` (the fact-checker, an Organization named like
  every other kb organization) and ``kb:verdict``;
- its ``schema:Rating`` keeps the fact-checker's label as ``alternateName`` and
  the numbers as numbers; :func:`normalize_verdict` puts it on the shared scale
  (the label decides; the numbers only when the label is unknown);
- the claim: an existing stored claim when the review names it by IRI
  (``itemReviewed/@id``) or when exactly one stored claim has exactly the text
  of ``claimReviewed``; otherwise a new imported claim
  ``claim/<hash of text and author>`` with ``author``, ``datePublished``,
  ``appearance`` and ``firstAppearance``, so that two fact-checkers reviewing
  the same claim review one node.

Each review is one named graph (``graph/review-<hash>``), so re-importing a
review replaces it and importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import BNode, Node

from .. import iris
from ..errors import InputError, NotFoundError
from ..formats import decode_utf8, parse_rdf
from ..writing.changes import Change, IngestResult, InputMeta
from ..vocab import KB, RDF, SDO, XSD

if TYPE_CHECKING:  # pragma: no cover
    from ..knowledge import KnowledgeBase

__all__ = ["normalize_verdict", "reviews_from_jsonld", "import_claimreview", "export_claimreviews", "review_feed",
           "feed_json", "dumps", "VERDICT_LABELS"]

_SCHEMA = str(SDO._NS)
_SCHEMA_HTTPS = "https://schema.org/"
_WORKS = {"CreativeWork", "NewsArticle", "Article", "BlogPosting", "SocialMediaPosting", "WebPage", "VideoObject",
          "AudioObject", "ImageObject", "MediaObject", "Report", "Message", "Clip", "TVEpisode", "RadioEpisode",
          "PodcastEpisode", "DiscussionForumPosting"}

#: Labels (lower-cased, punctuation folded) → verdict; the scale of kb/data/vocab.ttl.
VERDICT_LABELS: dict[str, URIRef] = {
    **dict.fromkeys(["true", "correct", "accurate", "mostly true", "mostly correct", "verified", "confirmed",
                     "fact", "truth", "vrai", "verdadero", "richtig"], KB.VerdictTrue),
    **dict.fromkeys(["false", "incorrect", "inaccurate", "mostly false", "pants on fire", "pants fire", "fake",
                     "hoax", "fabricated", "fiction", "wrong", "faux", "falso", "falsch", "four pinocchios",
                     "baseless", "debunked", "scam"], KB.VerdictFalse),
    **dict.fromkeys(["half true", "mixture", "mixed", "partly true", "partly false", "partially true",
                     "partially false", "barely true", "misleading", "exaggerated", "exaggeration",
                     "needs context", "lacks context", "missing context", "out of context", "distorted",
                     "half truth", "mixture of true and false information", "cherry picks", "spins the facts",
                     "two pinocchios", "three pinocchios", "not quite"], KB.VerdictMixture),
}


def _fold(label: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", label.lower()).split())


def normalize_verdict(label: str | None, value: Any = None, best: Any = None, worst: Any = None) -> URIRef:
    """The shared-scale verdict of a rating: its label if kb knows it, else where its value
    lies between worst and best (top fifth true, bottom fifth false), else other."""
    if label:
        known = VERDICT_LABELS.get(_fold(label))
        if known is not None:
            return known
    try:
        v, b, w = (Decimal(str(x)) for x in (value, best, worst))
    except (InvalidOperation, TypeError, ValueError):
        return KB.VerdictOther
    if b == w:
        return KB.VerdictOther
    position = (v - w) / (b - w)
    if position >= Decimal("0.8"):
        return KB.VerdictTrue
    if position <= Decimal("0.2"):
        return KB.VerdictFalse
    return KB.VerdictMixture


# -- reading the parsed graph ---------------------------------------------------------
def _https_to_http(graph: Graph) -> Graph:
    """Publishers write both schema.org namespaces; kb's is http://schema.org/."""
    def fix(t: Node) -> Node:
        if isinstance(t, URIRef) and str(t).startswith(_SCHEMA_HTTPS):
            return URIRef(_SCHEMA + str(t)[len(_SCHEMA_HTTPS):])
        return t

    out = Graph()
    for s, p, o in graph:
        out.add((fix(s), fix(p), fix(o)))
    return out


def _one(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    values = sorted(graph.objects(node, prop), key=str)
    return values[0] if values else None


def _text(graph: Graph, node: Node | None, prop: URIRef) -> str | None:
    if node is None:
        return None
    value = _one(graph, node, prop)
    return None if value is None or isinstance(value, BNode) else str(value).strip() or None


def _number(value: Node | None) -> Literal | None:
    """``"4"`` and ``4`` alike become xsd:integer (``"4.5"`` xsd:decimal); other strings stay strings."""
    if value is None:
        return None
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return Literal(int(text), datatype=XSD.integer)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", text):
        return Literal(Decimal(text), datatype=XSD.decimal)
    return Literal(text)


def _date(value: str | None) -> Literal | None:
    if not value:
        return None
    try:
        if "T" in value:
            return Literal(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat(), datatype=XSD.dateTime)
        return Literal(dt.date.fromisoformat(value[:10]).isoformat(), datatype=XSD.date)
    except ValueError:
        raise InputError(f"{value!r} is not an ISO 8601 date") from None


def _iri(graph: Graph, node: Node | None) -> URIRef | None:
    """A node's IRI: itself, else its schema:url."""
    if isinstance(node, URIRef):
        return node
    url = None if node is None else _one(graph, node, SDO.url)
    return url if isinstance(url, URIRef) else None


def _types(graph: Graph, node: Node) -> set[str]:
    return {str(t).rsplit("/", 1)[-1] for t in graph.objects(node, RDF.type)}


class _Mapper:
    def __init__(self, source: Graph, kb: "KnowledgeBase | None") -> None:
        self.src = source
        self.kb = kb

    def agent(self, out: Graph, node: Node | None, default: str) -> URIRef | None:
        name = _text(self.src, node, SDO.name)
        if node is None or not name:
            return None
        kind = "Organization" if ({"Organization", "NewsMediaOrganization"} & _types(self.src, node)) else default
        if "Person" in _types(self.src, node):
            kind = "Person"
        agent = iris.entity_iri(kind, name, "")
        out.add((agent, RDF.type, SDO.Organization if kind == "Organization" else SDO.Person))
        out.add((agent, SDO.name, Literal(name)))
        url = _one(self.src, node, SDO.url)
        if isinstance(url, URIRef):
            out.add((agent, SDO.url, url))
        for same in self.src.objects(node, SDO.sameAs):
            if isinstance(same, URIRef):
                out.add((agent, SDO.sameAs, same))
        return agent

    def work(self, out: Graph, node: Node) -> URIRef | None:
        """An appearance: the stored article with that URL, else the web page itself (its URL as IRI).

        Only stored articles (with their text) are schema:NewsArticle in kb, so a
        page the review calls a NewsArticle is imported as a schema:Article."""
        iri = _iri(self.src, node)
        if iri is None:
            return None
        if self.kb is not None:
            rows = self.kb.select("SELECT ?doc ?url WHERE { ?doc a schema:NewsArticle ; schema:url ?url }", {"url": iri})
            if rows:
                return URIRef(rows[0]["doc"])
        kinds = sorted(_types(self.src, node) & _WORKS) or ["CreativeWork"]
        for kind in kinds:
            kind = "Article" if kind == "NewsArticle" else kind
            out.add((iri, RDF.type, URIRef(_SCHEMA + kind)))  # SDO declares only the terms kb writes itself
        headline = _text(self.src, node, SDO.headline) or _text(self.src, node, SDO.name)
        if headline and not isinstance(node, URIRef):
            out.add((iri, SDO.headline, Literal(headline)))
        return iri

    def stored_claim(self, item: Node | None, text: str | None) -> URIRef | None:
        if self.kb is None:
            return None
        if isinstance(item, URIRef) and self.kb.ask("ASK { ?c a schema:Claim }", {"c": item}):
            return item
        if text:
            rows = self.kb.select("SELECT DISTINCT ?c ?t WHERE { ?c a schema:Claim ; schema:text ?t }",
                                  {"t": Literal(text)})
            if len(rows) == 1:
                return URIRef(rows[0]["c"])
        return None

    def claim(self, out: Graph, item: Node | None, text: str | None) -> URIRef:
        existing = self.stored_claim(item, text)
        if existing is not None:
            return existing
        if not text:
            raise InputError("a ClaimReview needs claimReviewed (or an itemReviewed that names a stored claim)")
        author = self.agent(out, None if item is None else _one(self.src, item, SDO.author), "Person")
        claim = iris.mint("claim", iris.digest("claimreview", text, author or ""))
        out.add((claim, RDF.type, SDO.Claim))
        out.add((claim, SDO.text, Literal(text)))
        if author is not None:
            out.add((claim, SDO.author, author))
        if item is not None:
            published = _date(_text(self.src, item, SDO.datePublished))
            if published is not None:
                out.add((claim, SDO.datePublished, published))
            for node in sorted(self.src.objects(item, SDO.appearance), key=str):
                work = self.work(out, node)
                if work is not None:
                    out.add((claim, SDO.appearance, work))
            first = _one(self.src, item, SDO.firstAppearance)
            work = None if first is None else self.work(out, first)
            if work is not None:
                out.add((claim, SDO.firstAppearance, work))
        return claim

    def review(self, node: Node) -> tuple[URIRef, Graph]:
        out = Graph()
        url = _iri(self.src, node) if not isinstance(node, URIRef) else _one(self.src, node, SDO.url) or node
        text = _text(self.src, node, SDO.claimReviewed)
        author_node = _one(self.src, node, SDO.author)
        author_name = _text(self.src, author_node, SDO.name)
        published = _text(self.src, node, SDO.datePublished)
        key = str(url) if url is not None else iris.digest(author_name or "", text or "", published or "")
        review = iris.mint("review", iris.digest("claimreview", key))
        out.add((review, RDF.type, SDO.ClaimReview))
        if url is not None:
            out.add((review, SDO.url, URIRef(str(url))))
        if text:
            out.add((review, SDO.claimReviewed, Literal(text)))
        if published:
            out.add((review, SDO.datePublished, _date(published)))  # type: ignore[arg-type]
        author = self.agent(out, author_node, "Organization")
        if author is None:
            raise InputError(f"the ClaimReview {key} has no author with a name (the fact-checker)")
        out.add((review, SDO.author, author))
        out.add((review, SDO.itemReviewed, self.claim(out, _one(self.src, node, SDO.itemReviewed), text)))
        rating_node = _one(self.src, node, SDO.reviewRating)
        if rating_node is None:
            raise InputError(f"the ClaimReview {key} has no reviewRating")
        rating = URIRef(f"{review}-rating")
        out.add((review, SDO.reviewRating, rating))
        out.add((rating, RDF.type, SDO.Rating))
        label = _text(self.src, rating_node, SDO.alternateName)
        if label:
            out.add((rating, SDO.alternateName, Literal(label)))
        numbers = {}
        for prop in (SDO.ratingValue, SDO.bestRating, SDO.worstRating):
            value = _number(_one(self.src, rating_node, prop))
            if value is not None:
                out.add((rating, prop, value))
                numbers[prop] = value.toPython()
        verdict = normalize_verdict(label, numbers.get(SDO.ratingValue), numbers.get(SDO.bestRating),
                                    numbers.get(SDO.worstRating))
        out.add((review, KB.verdict, verdict))
        headline = _text(self.src, node, SDO.headline) or _text(self.src, node, SDO.name)
        if headline:
            out.add((review, SDO.headline, Literal(headline)))
        return review, out


def reviews_from_jsonld(data: bytes | str, *, name: str = "claimreview.jsonld",
                        kb: "KnowledgeBase | None" = None) -> list[tuple[URIRef, Graph]]:
    """Map every ClaimReview in a JSON-LD document (one review, an array, an ``@graph``
    feed, or JSON Lines: one review per line) to ``(review IRI, triples)``."""
    ds = parse_rdf(_one_document(data, name), "jsonld", name)
    source = Graph()
    for g in ds.graphs():
        source += g
    source = _https_to_http(source)
    mapper = _Mapper(source, kb)
    reviews = sorted(set(source.subjects(RDF.type, SDO.ClaimReview)), key=str)
    if not reviews:
        raise InputError(f"{name}: holds no ClaimReview")
    out = []
    for node in reviews:
        try:
            out.append(mapper.review(node))
        except InputError as err:
            raise InputError(f"{name}: {err}") from None
    return out


def _one_document(data: bytes | str, name: str) -> str:
    """JSON Lines become one JSON array; any other text is left to the JSON-LD parser."""
    text = data if isinstance(data, str) else decode_utf8(data, name)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not all(line.lstrip().startswith("{") and line.rstrip().endswith("}") for line in lines):
        return text
    try:
        return json.dumps([json.loads(line) for line in lines])
    except json.JSONDecodeError:
        return text  # one pretty-printed document after all: its parser says what is wrong


def claimreview_changes(kb: "KnowledgeBase | None", data: bytes | str, *, name: str = "claimreview.jsonld") -> list[Change]:
    """The writes that store every ClaimReview of a JSON-LD document, one named graph per review."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    meta = InputMeta(name, iris.sha256_hex(raw), "application/ld+json")
    changes = []
    for review, graph in reviews_from_jsonld(raw, name=name, kb=kb):
        key = "review-" + iris.local_path(review).rsplit("/", 1)[-1]
        claims = len(set(graph.subjects(RDF.type, SDO.Claim)))
        changes.append(Change(iris.graph_iri(key), graph, meta, claims=claims))
    return changes


def import_claimreview(kb: "KnowledgeBase", data: bytes | str, *, name: str = "claimreview.jsonld") -> IngestResult:
    """Validate and store every ClaimReview in a JSON-LD document."""
    return kb.commit(claimreview_changes(kb, data, name=name))


# -- export -------------------------------------------------------------------------------
_EXPORT = """
SELECT ?claim ?review ?url ?reviewed ?published ?verdict ?org ?orgName ?orgUrl ?rater
       ?label ?value ?best ?worst ?text ?claimDate ?claimCreated ?who ?whoName ?whoType ?whoSame ?first
WHERE {
  ?review a schema:ClaimReview ; schema:itemReviewed ?claim .
  OPTIONAL { ?review schema:url ?url }
  OPTIONAL { ?review schema:claimReviewed ?reviewed }
  OPTIONAL { ?review schema:datePublished ?published }
  OPTIONAL { ?review kb:verdict ?verdict }
  OPTIONAL { ?review schema:author ?org . ?org schema:name ?orgName . OPTIONAL { ?org schema:url ?orgUrl } }
  OPTIONAL { ?review schema:reviewRating ?rating . OPTIONAL { ?rating schema:author ?rater }
             OPTIONAL { ?rating schema:alternateName ?label } OPTIONAL { ?rating schema:ratingValue ?value }
             OPTIONAL { ?rating schema:bestRating ?best } OPTIONAL { ?rating schema:worstRating ?worst } }
  OPTIONAL { ?claim schema:text ?text }
  OPTIONAL { ?claim schema:datePublished ?claimDate }
  OPTIONAL { ?claim schema:dateCreated ?claimCreated }
  OPTIONAL { ?claim schema:author ?who . ?who schema:name ?whoName ; a ?whoType .
             FILTER (?whoType IN (schema:Person, schema:Organization))
             OPTIONAL { ?who schema:sameAs ?whoSame } }
  OPTIONAL { ?claim schema:firstAppearance ?first }
} ORDER BY ?review ?whoType ?whoSame ?label
"""
_WORK = """
SELECT ?claim ?work ?url ?type WHERE {
  ?review a schema:ClaimReview ; schema:itemReviewed ?claim .
  { ?claim schema:appearance ?work } UNION { ?claim schema:firstAppearance ?work }
  OPTIONAL { ?work schema:url ?url } OPTIONAL { ?work a ?type }
} ORDER BY ?work ?type
"""
_APPEARANCES = """
SELECT DISTINCT ?claim ?work WHERE { ?review a schema:ClaimReview ; schema:itemReviewed ?claim .
                                     ?claim schema:appearance ?work } ORDER BY ?work
"""
_SPEAKER_CLAIMS = """
SELECT DISTINCT ?claim ?speaker WHERE { ?review a schema:ClaimReview ; schema:itemReviewed ?claim .
                                        ?claim schema:author ?speaker } ORDER BY ?claim
"""


def _work_json(rows: list[dict[str, Any]], work: str) -> dict[str, Any]:
    """A CreativeWork as JSON-LD: its most specific type, and its URL (a page's IRI is its URL)."""
    mine = [r for r in rows if r["work"] == work]
    types = [str(r["type"]).rsplit("/", 1)[-1] for r in mine if r["type"] and str(r["type"]).startswith(_SCHEMA)]
    specific = [t for t in types if t != "CreativeWork"]
    url = next((r["url"] for r in mine if r["url"]), None) or work
    return {"@type": (specific or ["CreativeWork"])[0], "url": url}


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _prune(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v not in (None, [], {})}


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _review_json(rows: list[dict[str, Any]], works: list[dict[str, Any]], appearances: list[dict[str, Any]]) -> dict[str, Any]:
    """One review from its rows: the fact-checker's own rating (one without an author, or
    rated by the review's author) before an aggregator's normalized one (ClaimsKG's)."""
    r = min(rows, key=lambda row: row["rater"] not in (None, row["org"]))
    author = None
    if r["whoName"]:
        kind = "Organization" if str(r["whoType"]).endswith("Organization") else "Person"
        author = _prune({"@type": kind, "name": r["whoName"], "sameAs": r["whoSame"]})
    item = _prune({
        "@type": "Claim",
        "author": author,
        "datePublished": _json_value(r["claimDate"] or r["claimCreated"]),
        "appearance": [_work_json(works, a["work"]) for a in appearances],
        "firstAppearance": _work_json(works, r["first"]) if r["first"] else None,
    })
    rating = _prune({
        "@type": "Rating",
        "ratingValue": _json_value(r["value"]),
        "bestRating": _json_value(r["best"]),
        "worstRating": _json_value(r["worst"]),
        "alternateName": r["label"] or _verdict_name(r["verdict"]),
    })
    return _prune({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": r["url"] or r["review"],  # Google requires a url: kb's page of the review when it has none
        "claimReviewed": r["reviewed"] or r["text"],
        "datePublished": _json_value(r["published"]),
        "author": _prune({"@type": "Organization", "name": r["orgName"], "url": r["orgUrl"]}),
        "reviewRating": rating,
        "itemReviewed": item,
    })


def _export(kb: "KnowledgeBase", bindings: dict[str, Node] | None) -> list[dict[str, Any]]:
    """Every review (of the bound ``claim``, when given), in the order of their IRIs."""
    works = _group(kb.select(_WORK, bindings), "claim")
    appearances = _group(kb.select(_APPEARANCES, bindings), "claim")
    out = []
    for review, rows in sorted(_group(kb.select(_EXPORT, bindings), "review").items()):
        claim = rows[0]["claim"]
        out.append(_review_json(rows, works.get(claim, []), appearances.get(claim, [])))
    return out


def export_claimreviews(kb: "KnowledgeBase", claim: str | URIRef) -> list[dict[str, Any]]:
    """Every review of ``claim`` as ClaimReview JSON-LD with Google's required and recommended fields
    (https://developers.google.com/search/docs/appearance/structured-data/factcheck)."""
    node = URIRef(str(claim))
    if not kb.ask("ASK { ?claim a schema:Claim }", {"claim": node}):
        raise NotFoundError(f"no claim {claim} in the knowledge base")
    return _export(kb, {"claim": node})


def review_feed(kb: "KnowledgeBase", speaker: str | URIRef | None = None) -> list[dict[str, Any]]:
    """Every review in the knowledge base, or of the claims of one ``speaker`` (a person or
    organization IRI), as ClaimReview JSON-LD: what ``kb export --format claimreview`` writes."""
    if speaker is None:
        return _export(kb, None)
    node = URIRef(str(speaker))
    if not kb.ask("ASK { ?speaker a ?type . FILTER (?type IN (schema:Person, schema:Organization)) }",
                  {"speaker": node}):
        raise NotFoundError(f"no person or organization {speaker} in the knowledge base")
    out = []
    for row in kb.select(_SPEAKER_CLAIMS, {"speaker": node}):
        out += _export(kb, {"claim": URIRef(row["claim"])})
    return out


def feed_json(kb: "KnowledgeBase", speaker: str | URIRef | None = None) -> bytes:
    """:func:`review_feed` as a JSON array: ``kb export --format claimreview`` and the web feeds."""
    return (json.dumps(review_feed(kb, speaker), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _verdict_name(verdict: str | None) -> str | None:
    return None if not verdict else verdict.rsplit("Verdict", 1)[-1]


def dumps(reviews: Iterable[dict[str, Any]]) -> str:
    """ClaimReview JSON-LD as a page embeds it: one object, or a list of them."""
    items = list(reviews)
    return json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=2)
