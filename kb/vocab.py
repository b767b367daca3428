"""Every vocabulary term kb writes or reads, declared once.

The classes below are rdflib ``DefinedNamespace``\\ s with ``_fail = True``: a
typo such as ``SDO.auther`` raises at import time instead of silently minting a
new IRI.  The model these terms build is documented in ``docs/model.md``.

- ``SDO``  -- schema.org, in its ``http://schema.org/`` form (the form of the
  schema.org JSON-LD context, ClaimReview markup and ClaimsKG).
- ``PROV`` -- W3C PROV-O (re-exported from rdflib).
- ``OA``   -- W3C Web Annotation vocabulary.
- ``KB``   -- the small project vocabulary, only for what none of the above has.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace, Namespace

__all__ = ["SDO", "PROV", "OA", "KB", "RDF", "RDFS", "SH", "SKOS", "XSD", "PREFIXES", "SPARQL_PREFIXES", "ID_BASE", "SD", "FORMATS"]

#: Every IRI kb mints starts with this. The web app resolves ``/id/...`` to it.
ID_BASE = "https://w3id.org/claimkb/id/"


class SDO(DefinedNamespace):
    """schema.org terms used by kb (https://schema.org/docs/developers.html)."""

    _NS = Namespace("http://schema.org/")
    _fail = True

    # classes
    Claim: URIRef
    ClaimReview: URIRef
    CreativeWork: URIRef
    Event: URIRef
    NewsArticle: URIRef
    NewsMediaOrganization: URIRef
    Organization: URIRef
    OrganizationRole: URIRef
    Person: URIRef
    Place: URIRef
    Rating: URIRef
    SoftwareApplication: URIRef
    # properties
    agent: URIRef
    alternateName: URIRef
    appearance: URIRef
    author: URIRef
    bestRating: URIRef
    claimReviewed: URIRef
    dateCreated: URIRef
    datePublished: URIRef
    description: URIRef
    endDate: URIRef
    firstAppearance: URIRef
    genre: URIRef
    headline: URIRef
    honorificPrefix: URIRef
    identifier: URIRef
    itemReviewed: URIRef
    keywords: URIRef
    location: URIRef
    memberOf: URIRef
    mentions: URIRef
    name: URIRef
    parentOrganization: URIRef
    publisher: URIRef
    ratingValue: URIRef
    recipient: URIRef
    recordedAt: URIRef
    reviewRating: URIRef
    roleName: URIRef
    sameAs: URIRef
    softwareVersion: URIRef
    startDate: URIRef
    text: URIRef
    url: URIRef
    worstRating: URIRef
    encodingFormat: URIRef


class OA(DefinedNamespace):
    """W3C Web Annotation vocabulary (https://www.w3.org/TR/annotation-vocab/)."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    hasBody: URIRef
    hasTarget: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    motivatedBy: URIRef
    identifying: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    start: URIRef
    end: URIRef


class KB(DefinedNamespace):
    """The project vocabulary: only what schema.org, PROV-O and Web Annotation lack.

    Its definitions (labels, comments, sub-property links) are in
    ``kb/data/vocab.ttl``.
    """

    _NS = Namespace("https://w3id.org/claimkb/ns#")
    _fail = True

    # classes
    ClaimKind: URIRef
    Verdict: URIRef
    DatePrecision: URIRef
    AnonymousSource: URIRef
    Contribution: URIRef
    Version: URIRef
    # claim kinds (instances of ClaimKind)
    DirectQuote: URIRef
    PartialQuote: URIRef
    Paraphrase: URIRef
    ReportedFact: URIRef
    # normalized verdicts (instances of Verdict)
    VerdictTrue: URIRef
    VerdictMixture: URIRef
    VerdictFalse: URIRef
    VerdictOther: URIRef
    # date precisions (instances of DatePrecision)
    Day: URIRef
    Week: URIRef
    Month: URIRef
    Year: URIRef
    # properties
    kind: URIRef
    cue: URIRef
    cueMention: URIRef
    speakerMention: URIRef
    via: URIRef
    datePrecision: URIRef
    confidence: URIRef
    verdict: URIRef
    sha256: URIRef
    relation: URIRef
    document: URIRef
    entityType: URIRef
    ambiguousWith: URIRef
    nameAsWritten: URIRef
    aliasAsWritten: URIRef
    titleAsWritten: URIRef
    roleAsWritten: URIRef
    parentAsWritten: URIRef
    relationAsWritten: URIRef
    sameAsWritten: URIRef
    action: URIRef
    reason: URIRef
    layoutVersion: URIRef
    # claim relations (kb.tracking; docs/model.md "Relations between claims"). Each relation
    # type is also the property of its direct triple (<c1> kb:sameQuoteAs <c2>).
    ClaimRelation: URIRef
    RelationStatus: URIRef
    Proposed: URIRef
    Asserted: URIRef
    Confirmed: URIRef
    Rejected: URIRef
    repeats: URIRef
    sameQuoteAs: URIRef
    paraphraseOf: URIRef
    contradicts: URIRef
    supports: URIRef
    translationOf: URIRef
    fromClaim: URIRef
    toClaim: URIRef
    relationType: URIRef
    score: URIRef
    status: URIRef
    earliestAppearance: URIRef
    # entity curations (kb.tracking.entity_curations; docs/model.md "Curating people and
    # organizations"): merge, unmerge, split, link and unlink, each a record with who, when, why.
    EntityCuration: URIRef
    EntityAction: URIRef
    Merge: URIRef
    Unmerge: URIRef
    Split: URIRef
    Link: URIRef
    Unlink: URIRef
    entityAction: URIRef
    fromEntity: URIRef
    toEntity: URIRef
    newName: URIRef



class SD(DefinedNamespace):
    """SPARQL 1.1 Service Description (what ``GET /sparql`` answers without a query)."""

    _NS = Namespace("http://www.w3.org/ns/sparql-service-description#")
    _fail = True

    Service: URIRef
    Dataset: URIRef
    Graph: URIRef
    endpoint: URIRef
    supportedLanguage: URIRef
    SPARQL11Query: URIRef
    SPARQL11Update: URIRef
    resultFormat: URIRef
    feature: URIRef
    UnionDefaultGraph: URIRef
    defaultDataset: URIRef
    defaultGraph: URIRef


#: W3C's IRIs for media formats (http://www.w3.org/ns/formats/), named as in sd:resultFormat.
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: kb's prefix table, the one place it is declared: Turtle output binds it, and users'
#: queries (``kb query``, ``/sparql``, the workbench) may use these prefixes without
#: PREFIX lines (see kb.querying.syntax.with_prefixes).
PREFIXES: dict[str, str] = {
    "schema": str(SDO._NS),
    "prov": str(PROV._NS),
    "oa": str(OA._NS),
    "kb": str(KB._NS),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "xsd": str(XSD._NS),
    "skos": str(SKOS._NS),
    "sh": str(SH._NS),
    "owl": str(OWL._NS),
    "dcterms": str(DCTERMS._NS),
}

#: The PREFIX lines every kb query starts with.
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
