"""The SPARQL that feeds the browse index (one query per purpose, bound by graph)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Sequence

from rdflib import URIRef

from ..iris import PROVENANCE_GRAPH
from ..vocab import KB

__all__ = ["CLAIM_COLUMNS", "KINDS", "VERDICTS", "graph_fingerprints", "claim_rows", "claim_orgs", "claim_verdicts"]

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
    "http://schema.org/Person": "Person",
    "http://schema.org/Organization": "Organization",
    "http://schema.org/NewsMediaOrganization": "Organization",
    str(KB.AnonymousSource): "Anonymous",
}

_FINGERPRINTS = """
SELECT ?graph ?activity ?pg WHERE { GRAPH ?pg { ?graph prov:wasGeneratedBy ?activity } }
"""

# Everything inside the claim's own graph: kb writes each document's entities into its
# graph, and the union default graph repeats a node's triples once per graph that
# holds them, so joins across it multiply rows by the number of documents a speaker is in.
_CLAIMS = """
SELECT ?g ?claim ?text ?kind ?said ?doc ?docdate ?title ?speaker ?stype ?sname ?pub ?pubname ?via ?vianame
WHERE {
  GRAPH ?g {
    ?claim a schema:Claim ; schema:text ?text .
    OPTIONAL { ?claim kb:kind ?kind }
    OPTIONAL { ?claim schema:dateCreated ?said }
    OPTIONAL { ?claim schema:appearance ?doc .
               OPTIONAL { ?doc schema:datePublished ?docdate }
               OPTIONAL { ?doc schema:headline ?title }
               OPTIONAL { ?doc schema:publisher ?pub . OPTIONAL { ?pub schema:name ?pubname } } }
    OPTIONAL { ?claim schema:author ?speaker .
               OPTIONAL { ?speaker schema:name ?sname }
               OPTIONAL { ?speaker a ?stype } }
    OPTIONAL { ?claim kb:via ?via . OPTIONAL { ?via schema:name ?vianame } }
  }
}
"""

_ORGS = """
SELECT ?g ?claim ?org ?name WHERE {
  GRAPH ?g {
    ?claim a schema:Claim ; schema:author ?speaker .
    { ?speaker schema:memberOf ?role . ?role schema:memberOf ?org . }
    UNION { ?speaker a schema:Organization . BIND(?speaker AS ?org) }
    ?org schema:name ?name .
  }
}
"""

_VERDICTS = """
SELECT ?claim ?verdict ?date WHERE {
  ?review a schema:ClaimReview ; schema:itemReviewed ?claim ; kb:verdict ?verdict .
  OPTIONAL { ?review schema:datePublished ?date }
}
"""


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)[:10]


def graph_fingerprints(kb: Any) -> dict[str, str]:
    """Each content graph → a digest of the ingest activities that wrote it."""
    acts: dict[str, list[str]] = {}
    for row in kb.select(_FINGERPRINTS, {"pg": PROVENANCE_GRAPH}):
        acts.setdefault(row["graph"], []).append(row["activity"])
    out = {}
    for g in kb.content_graphs():
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


def claim_rows(kb: Any, graphs: Sequence[str] | None) -> list[dict[str, str]]:
    """One row per claim (first value wins where the store holds several)."""
    out: dict[str, dict[str, str]] = {}
    for r in _per_graph(kb, _CLAIMS, graphs):
        row = out.get(r["claim"])
        stype = _SPEAKER_TYPES.get(r.get("stype") or "", "")
        if row is None:
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
                "speaker_name": r.get("sname") or "",
                "speaker_type": stype,
                "outlet": r.get("pub") or "",
                "outlet_name": r.get("pubname") or "",
                "via": r.get("via") or "",
                "via_name": r.get("vianame") or "",
            }
        elif stype and (not row["speaker_type"] or row["speaker_type"] == "Organization" and stype != "Organization"):
            row["speaker_type"] = stype
    return list(out.values())


def claim_orgs(kb: Any, graphs: Sequence[str] | None) -> dict[str, dict[str, str]]:
    """claim → {organization IRI: name}: the speaker itself if an organization, else its roles' organizations."""
    out: dict[str, dict[str, str]] = {}
    for r in _per_graph(kb, _ORGS, graphs):
        out.setdefault(r["claim"], {}).setdefault(r["org"], r["name"])
    return out


def claim_verdicts(kb: Any) -> dict[str, str]:
    """claim → the normalized verdict of its latest review."""
    best: dict[str, tuple[str, str]] = {}
    for r in kb.select(_VERDICTS):
        date = _iso(r.get("date"))
        verdict = VERDICTS.get(r["verdict"], "other")
        if r["claim"] not in best or date >= best[r["claim"]][0]:
            best[r["claim"]] = (date, verdict)
    return {c: v for c, (_d, v) in best.items()}
