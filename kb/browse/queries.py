"""The SPARQL that feeds the browse index (one query per purpose, bound by graph)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Iterable, Sequence

import pyoxigraph as ox
from rdflib import URIRef

from ..iris import ENTITIES_GRAPH, KEPT_GRAPHS, PROVENANCE_GRAPH
from ..vocab import KB, SDO

__all__ = ["CLAIM_COLUMNS", "KINDS", "VERDICTS", "graph_fingerprints", "claim_rows", "claim_orgs", "claim_verdicts",
           "claim_checkers", "claim_checkers_of", "claim_keywords", "claim_search_fields", "review_graphs", "Labels",
           "display_name"]

CLAIM_COLUMNS = (
    "iri", "graph", "text", "kind", "date", "doc", "doc_title", "speaker", "speaker_name", "speaker_type",
    "outlet", "outlet_name", "via", "via_name",
)
#: kb:kind IRI → the claim-record kind name shown in the UI and used in URLs.
KINDS = {
    str(KB.DirectQuote): "direct-quote",
    str(KB.PartialQuote): "partial-quote",
    str(KB.Paraphrase): "paraphrase",
    str(KB.ReportedFact): "reported-fact",
}
VERDICTS = {
    str(KB.VerdictTrue): "true",
    str(KB.VerdictMixture): "mixture",
    str(KB.VerdictFalse): "false",
    str(KB.VerdictOther): "other",
}
_SPEAKER_TYPES = {
    str(SDO.Person): "Person",
    str(SDO.Organization): "Organization",
    str(SDO.NewsMediaOrganization): "Organization",
    str(KB.AnonymousSource): "Anonymous",
}

_FINGERPRINTS = """
SELECT ?graph ?activity ?pg WHERE { GRAPH ?pg { ?graph prov:wasGeneratedBy ?activity } }
"""

# Everything inside the claim's own graph, IRIs only: the agents' names and types are read once
# from their canonical triples (:class:`Labels`). Joining them here cost twice the time of this
# query (2k claims: 2.0 s against 0.8 s), and their roles' organizations three times more.
_CLAIMS = """
SELECT ?g ?claim ?text ?kind ?said ?doc ?docdate ?title ?speaker ?pub ?via
WHERE {
  GRAPH ?g {
    ?claim a schema:Claim ; schema:text ?text .
    OPTIONAL { ?claim kb:kind ?kind }
    OPTIONAL { ?claim schema:dateCreated ?said }
    OPTIONAL { ?claim schema:appearance ?doc .
               OPTIONAL { ?doc schema:datePublished ?docdate }
               OPTIONAL { ?doc schema:headline ?title }
               OPTIONAL { ?doc schema:publisher ?pub } }
    OPTIONAL { ?claim schema:author ?speaker }
    OPTIONAL { ?claim kb:via ?via }
  }
}
"""

_SPEAKERS = "SELECT ?g ?claim ?speaker WHERE { GRAPH ?g { ?claim a schema:Claim ; schema:author ?speaker } }"

# The canonical triples of people, organizations and places: one graph, once per entity.
# ``{entities}``: nothing (every entity), or a VALUES block of the entities asked (:meth:`Labels.prefetch`).
_ENTITY_NAMES = "SELECT ?eg ?e ?name WHERE { {entities} GRAPH ?eg { ?e schema:name ?name } }"
_ENTITY_TYPES = "SELECT ?eg ?e ?type WHERE { {entities} GRAPH ?eg { ?e a ?type } }"
_ENTITY_ORGS = "SELECT ?eg ?e ?org WHERE { {entities} GRAPH ?eg { ?e schema:memberOf ?role } ?role schema:memberOf ?org }"
# Any other node (an imported review's author kept in its own graph): looked up one by one.
_NODE = "SELECT ?e ?name ?type WHERE { ?e schema:name ?name . OPTIONAL { ?e a ?type } }"

# What the search covers beyond the claim row: the addressee, the venue and its place.
_SEARCH_FIELDS = """
SELECT ?g ?claim ?x ?event ?venue WHERE {
  GRAPH ?g {
    ?claim a schema:Claim .
    { ?claim schema:recipient ?x }
    UNION { ?claim schema:recordedAt ?event . OPTIONAL { ?event schema:name ?venue } OPTIONAL { ?event schema:location ?x } }
  }
}
"""

_KEYWORDS = """
SELECT ?g ?claim ?keywords WHERE { GRAPH ?g { ?claim a schema:Claim ; schema:keywords ?keywords } }
"""

# Reviews may live in any graph (a fact-check uploaded after the article): read across the store.
# ``{claims}``: nothing (every review), or a VALUES block of the claims asked (see :func:`_of_claims`).
_CHECKERS = """
SELECT ?claim ?checker ?name WHERE {
  {claims}
  ?review a schema:ClaimReview ; schema:itemReviewed ?claim ; schema:author ?checker .
  OPTIONAL { ?checker schema:name ?name }
}
"""

_REVIEW_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?review a schema:ClaimReview } }"
_HAS_REVIEW = "ASK { GRAPH ?g { ?review a schema:ClaimReview } }"

_VERDICTS = """
SELECT ?claim ?verdict ?date WHERE {
  {claims}
  ?review a schema:ClaimReview ; schema:itemReviewed ?claim ; kb:verdict ?verdict .
  OPTIONAL { ?review schema:datePublished ?date }
}
"""


#: IRIs per VALUES block (:func:`values`): claims whose reviews are read, entities whose labels are.
_IRIS_PER_QUERY = 500


def values(var: str, iris: Iterable[str]) -> str:
    """A ``VALUES ?var { <iri> … }`` block. The IRIs are serialized by pyoxigraph, which refuses
    anything but an IRI, never pasted from text (as kb.writing builds its VALUES blocks): bindings
    carry one value per variable, and a write re-indexes many claims and entities at once."""
    return f"VALUES ?{var} {{ {' '.join(str(ox.NamedNode(i)) for i in iris)} }}"


def display_name(names: Iterable[str]) -> str:
    """The one name shown for a node stored with several (an agent named differently by two
    inputs): the greatest, so that every page that names it (claims list facets, the reviews
    page) picks the same one, and SQL ``MAX()`` over the index's name columns agrees."""
    return max(names, default="")


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)[:10]


def graph_fingerprints(kb: Any, graphs: Iterable[str] | None = None) -> dict[str, str]:
    """Each content graph (of ``graphs`` only, if given; those no longer stored are left out)
    → a digest of the ingest activities that wrote it."""
    acts: dict[str, list[str]] = {}
    if graphs is None:
        stored = [str(g) for g in kb.content_graphs()]
        rows = kb.select(_FINGERPRINTS, {"pg": PROVENANCE_GRAPH})
    else:
        kept = {str(g) for g in KEPT_GRAPHS}
        stored = [g for g in graphs if g not in kept and kb.backend.has_graph(URIRef(g))]
        rows = [r for g in stored for r in kb.select(_FINGERPRINTS, {"pg": PROVENANCE_GRAPH, "graph": URIRef(g)})]
    for row in rows:
        acts.setdefault(row["graph"], []).append(row["activity"])
    out = {}
    for g in stored:
        key = "\n".join(sorted(acts.get(str(g), [])))
        out[str(g)] = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] if key else "-"
    return out


def _per_graph(kb: Any, query: str, graphs: Sequence[str] | None) -> list[dict[str, Any]]:
    if graphs is None:
        return kb.select(query)
    rows: list[dict[str, Any]] = []
    for g in graphs:
        rows += kb.select(query, {"g": URIRef(g)})
    return rows


class Labels:
    """Names, types and organizations of the agents claims link to, from the canonical entity
    triples; a node outside them is looked up on its own (and remembered).

    ``everything``: read all entities at once (a full re-index, where most are needed). Otherwise
    each entity is read when first asked for, so re-indexing one article costs the few entities it
    names, not every entity of the store (0.12 s per write at 10k claims, growing with the store)."""

    def __init__(self, kb: Any, *, everything: bool = True) -> None:
        self.kb = kb
        self.names: dict[str, str] = {}
        self.types: dict[str, set[str]] = {}
        self.roles: dict[str, set[str]] = {}
        self.everything = everything
        #: Entities read already (found in the entities graph or not): never asked for twice.
        self._asked: set[str] = set()
        if everything:
            self._read("")

    def _read(self, entities: str) -> None:
        bound = {"eg": ENTITIES_GRAPH}
        for r in self.kb.select(_ENTITY_NAMES.replace("{entities}", entities), bound):
            self.names[r["e"]] = display_name((r["name"], self.names.get(r["e"], "")))
        for r in self.kb.select(_ENTITY_TYPES.replace("{entities}", entities), bound):
            self.types.setdefault(r["e"], set()).add(r["type"])
        for r in self.kb.select(_ENTITY_ORGS.replace("{entities}", entities), bound):
            self.roles.setdefault(r["e"], set()).add(r["org"])

    def prefetch(self, iris: Iterable[str | None]) -> None:
        """Read the entities ``iris`` not read yet, a few hundred per query: re-indexing an article
        asks for its speakers, outlets and organizations together, not one query each."""
        if self.everything:
            return
        wanted = sorted({i for i in iris if i} - self._asked)
        self._asked.update(wanted)
        for start in range(0, len(wanted), _IRIS_PER_QUERY):
            self._read(values("e", wanted[start:start + _IRIS_PER_QUERY]))

    def name(self, iri: str | None) -> str:
        if not iri:
            return ""
        if iri not in self.names:
            self.prefetch([iri])
        if iri not in self.names:
            rows = self.kb.select(_NODE, {"e": URIRef(iri)})
            self.names[iri] = display_name(r["name"] for r in rows)
            self.types.setdefault(iri, set()).update(r["type"] for r in rows if r.get("type"))
        return self.names[iri]

    def speaker_type(self, iri: str | None) -> str:
        """Person, Anonymous or Organization (a news outlet is an organization)."""
        if not iri:
            return ""
        self.name(iri)
        found = {_SPEAKER_TYPES.get(t, "") for t in self.types.get(iri, ())}
        return next((t for t in ("Person", "Anonymous", "Organization") if t in found), "")

    def organizations(self, speaker: str) -> dict[str, str]:
        """The speaker itself if an organization, else the organizations of its roles: {IRI: name}."""
        if self.speaker_type(speaker) == "Organization":
            return {speaker: self.name(speaker)}
        orgs = sorted(self.roles.get(speaker, ()))
        self.prefetch(orgs)
        return {org: self.name(org) for org in orgs}


def claim_rows(kb: Any, graphs: Sequence[str] | None, labels: "Labels | None" = None) -> list[dict[str, str]]:
    """One row per claim (first value wins where the store holds several). ``labels``: the
    entities read already for these graphs, shared by every reader of one re-index."""
    labels = labels or Labels(kb, everything=graphs is None)
    out: dict[str, dict[str, str]] = {}
    rows = _per_graph(kb, _CLAIMS, graphs)
    labels.prefetch(r.get(key) for r in rows for key in ("speaker", "pub", "via"))
    for r in rows:
        if r["claim"] in out:
            continue
        said = _iso(r.get("said"))
        out[r["claim"]] = {
            "iri": r["claim"],
            "graph": r["g"],
            "text": r["text"] or "",
            "kind": KINDS.get(r.get("kind") or "", ""),
            "date": said or _iso(r.get("docdate")),
            "doc": r.get("doc") or "",
            "doc_title": r.get("title") or "",
            "speaker": r.get("speaker") or "",
            "speaker_name": labels.name(r.get("speaker")),
            "speaker_type": labels.speaker_type(r.get("speaker")),
            "outlet": r.get("pub") or "",
            "outlet_name": labels.name(r.get("pub")),
            "via": r.get("via") or "",
            "via_name": labels.name(r.get("via")),
        }
    return list(out.values())


def claim_orgs(kb: Any, graphs: Sequence[str] | None, labels: "Labels | None" = None) -> dict[str, dict[str, str]]:
    """claim → {organization IRI: name}: the speaker itself if an organization, else its roles' organizations."""
    labels = labels or Labels(kb, everything=graphs is None)
    out: dict[str, dict[str, str]] = {}
    rows = _per_graph(kb, _SPEAKERS, graphs)
    labels.prefetch(r["speaker"] for r in rows)
    labels.prefetch(org for r in rows for org in labels.roles.get(r["speaker"], ()))
    for r in rows:
        orgs = {org: name for org, name in labels.organizations(r["speaker"]).items() if name}
        if orgs:
            out.setdefault(r["claim"], {}).update(orgs)
    return out


def _of_claims(kb: Any, query: str, claims: Iterable[str] | None) -> list[dict[str, Any]]:
    """``query``'s rows over the whole store, or for ``claims`` only: one query per
    :data:`_IRIS_PER_QUERY` claims, their IRIs in a ``VALUES ?claim`` block at ``{claims}``.

    Why a VALUES block and not a binding per claim: a write of one article re-indexes its few
    claims, but a re-index of many graphs would send one query per claim. The IRIs are
    serialized by pyoxigraph (which rejects anything but an IRI), never pasted from text, as
    kb.writing does for its VALUES blocks."""
    if claims is None:
        return kb.select(query.replace("{claims}", ""))
    wanted = sorted(set(claims))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(wanted), _IRIS_PER_QUERY):
        rows += kb.select(query.replace("{claims}", values("claim", wanted[start:start + _IRIS_PER_QUERY])))
    return rows


def review_graphs(kb: Any, graphs: Sequence[str] | None = None) -> set[str]:
    """The graphs (of ``graphs``, or of the store) that hold a review: a write that touches none
    leaves every claim's verdict and fact-checkers as they were."""
    if graphs is None:
        return {str(r["g"]) for r in kb.select(_REVIEW_GRAPHS)}
    return {g for g in graphs if kb.ask(_HAS_REVIEW, {"g": URIRef(g)})}


def claim_verdicts(kb: Any, claims: Iterable[str] | None = None) -> dict[str, str]:
    """claim → the normalized verdict of its latest review (of ``claims`` only, if given); of
    reviews of the same date, the greatest verdict, so that the answer does not hang on the
    order the store returns rows in (which differs between the whole store and a batch)."""
    best: dict[str, tuple[str, str]] = {}
    for r in _of_claims(kb, _VERDICTS, claims):
        found = (_iso(r.get("date")), VERDICTS.get(r["verdict"], "other"))
        if r["claim"] not in best or found > best[r["claim"]]:
            best[r["claim"]] = found
    return {c: v for c, (_d, v) in best.items()}


def claim_checkers(kb: Any, graphs: Sequence[str] | None = None, labels: "Labels | None" = None
                   ) -> dict[str, dict[str, str]]:
    """claim → {fact-checker (review author) IRI: name}, over every review in the store."""
    return claim_checkers_of(kb, None)


def claim_checkers_of(kb: Any, claims: Iterable[str] | None) -> dict[str, dict[str, str]]:
    """claim → {fact-checker IRI: name}, for ``claims`` (None: every reviewed claim)."""
    names: dict[str, dict[str, list[str]]] = {}
    for r in _of_claims(kb, _CHECKERS, claims):
        names.setdefault(r["claim"], {}).setdefault(r["checker"], []).append(r.get("name") or "")
    return {claim: {checker: display_name(found) for checker, found in checkers.items()}
            for claim, checkers in names.items()}


def claim_keywords(kb: Any, graphs: Sequence[str] | None, labels: "Labels | None" = None
                   ) -> dict[str, dict[str, str]]:
    """claim → {keyword: keyword}; ClaimReview and ClaimsKG often pack several, comma-separated, in one string."""
    out: dict[str, dict[str, str]] = {}
    for r in _per_graph(kb, _KEYWORDS, graphs):
        for word in str(r["keywords"]).split(","):
            word = " ".join(word.split())
            if word:
                out.setdefault(r["claim"], {}).setdefault(word.lower(), word)
    return out


def claim_search_fields(kb: Any, graphs: Sequence[str] | None, labels: "Labels | None" = None
                        ) -> dict[str, dict[str, list[str]]]:
    """claim → {"addressee": [names], "venue": [venue and place names]}: searched, not shown as columns."""
    labels = labels or Labels(kb, everything=graphs is None)
    out: dict[str, dict[str, list[str]]] = {}
    hits = _per_graph(kb, _SEARCH_FIELDS, graphs)
    labels.prefetch(r.get("x") for r in hits)
    for r in hits:
        fields = out.setdefault(r["claim"], {})
        if r.get("event"):  # the venue: its own name, then its place's
            field, found = "venue", [r.get("venue") or "", labels.name(r.get("x"))]
        else:
            field, found = "addressee", [labels.name(r.get("x"))]
        names = fields.setdefault(field, [])
        names += [n for n in found if n and n not in names]
    return out
