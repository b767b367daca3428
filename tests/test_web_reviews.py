"""The web side of issue 13's first hour: ClaimReview feeds and upload, JSON errors from the Graph
Store, the favicon, the footer's endpoint link, and the workbench's local IRIs (Flask test client)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from rdflib import Literal

from conftest import WRITE_TOKEN

DEMO_REVIEW = "https://example.org/coastal-factcheck/flood-barrier-homes"
FACTCHECK = (Path(__file__).parent / "data" / "claimreview" / "factcheck.jsonld").read_bytes()
AUTH = {"Authorization": f"Bearer {WRITE_TOKEN}"}


def test_the_whole_feed_and_one_speakers_feed(client: Any) -> None:
    whole = client.get("/reviews/feed.jsonld")
    assert (whole.status_code, whole.mimetype) == (200, "application/ld+json")
    feed = json.loads(whole.data)
    (demo,) = [r for r in feed if r["url"] == DEMO_REVIEW]
    assert demo["@type"] == "ClaimReview" and demo["@context"] == "https://schema.org"
    assert demo["claimReviewed"] == "The flood barrier will protect twelve thousand homes."
    assert demo["reviewRating"] == {"@type": "Rating", "ratingValue": 3, "bestRating": 5, "worstRating": 1,
                                    "alternateName": "Half true"}
    assert demo["author"] == {"@type": "Organization", "name": "Coastal FactCheck"}
    assert demo["datePublished"] == "2024-03-20" and demo["itemReviewed"]["@type"] == "Claim"
    speaker = demo["itemReviewed"]["author"]["name"]
    slug = re.sub(r"[^a-z]+", "-", speaker.lower())
    mine = client.get(f"/id/person/{slug}/claimreview.jsonld")
    assert (mine.status_code, [r["url"] for r in json.loads(mine.data)]) == (200, [DEMO_REVIEW])


def test_an_unknown_speakers_feed_is_a_json_404(client: Any) -> None:
    response = client.get("/id/person/nobody-at-all/claimreview.jsonld")
    assert (response.status_code, response.mimetype) == (404, "application/json")
    assert response.get_json()["error"].startswith("no person or organization")


def test_a_claimreview_upload_is_recognized_by_its_content(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    client = app.test_client()
    before = knowledge.stats()["reviews"]
    response = client.post("/ingest/upload", headers=AUTH, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(FACTCHECK), "review.json")})
    assert response.status_code == 200, response.data[:500]
    assert knowledge.stats()["reviews"] == before + 1
    urls = [r["url"] for r in json.loads(client.get("/reviews/feed.jsonld").data)]
    assert "https://factcheck.example.org/2024/03/bridge-reopen-may" in urls


def test_graph_store_errors_are_json(client: Any) -> None:
    bad = client.get("/rdf-graphs/service")
    assert (bad.status_code, bad.mimetype) == (400, "application/json")
    assert bad.get_json() == {"error": "name exactly one graph: ?graph=IRI, or ?default for the default graph",
                              "status": 400}
    missing = client.head("/rdf-graphs/service?graph=https://w3id.org/claimkb/id/graph/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/json"
    unauthorized = client.put("/rdf-graphs/service?graph=x", data=b"", content_type="text/turtle")
    assert unauthorized.status_code == 401 and unauthorized.get_json()["status"] == 401


def test_every_page_links_a_favicon_that_is_served(client: Any) -> None:
    for path in ("/", "/claims", "/workbench", "/export"):
        page = client.get(path).data.decode()
        (icon,) = re.findall(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
        served = client.get(icon)
        assert (served.status_code, served.mimetype) == (200, "image/svg+xml")
        assert served.data.startswith(b"<svg")


def test_the_footer_links_the_endpoint_itself(client: Any) -> None:
    page = client.get("/").data.decode()
    (footer,) = re.findall(r"<footer>(.*?)</footer>", page, re.S)
    assert 'SPARQL endpoint: <a href="/sparql">/sparql</a>' in footer
    assert '<a href="/workbench">workbench</a>' in footer


def test_the_workbench_maps_kb_iris_to_local_pages(client: Any) -> None:
    page = client.get("/workbench").data.decode()
    assert 'data-id-base="https://w3id.org/claimkb/id/"' in page and 'data-id-local="/id/"' in page
    assert "owl: skos: dcterms:" in page  # the predeclared prefixes, as the page says


def test_the_sparql_endpoint_needs_no_prefix_lines_and_says_where_a_query_is_wrong(client: Any) -> None:
    from urllib.parse import quote

    ok = client.get("/sparql?query=" + quote('ASK { ?p a schema:Person ; schema:name "Elena Varga" }'),
                    headers={"Accept": "application/sparql-results+json"})
    assert (ok.status_code, ok.get_json()) == (200, {"head": {}, "boolean": True})
    bad = client.get("/sparql?query=" + quote("SELECT ?n WHERE { ?p foaf:name ?n }"))
    assert (bad.status_code, bad.get_json()["error"]) == (400, "SPARQL syntax error at line 1, column 31: unknown prefix "
                                                          "'foaf:' (declare it with PREFIX foaf: <...>), near '?n WHERE { ?p foaf:name ?n }'")


def test_a_claimskg_claim_page_shows_the_fact_checkers_label(fresh_web: Any) -> None:
    from kb.browse.detail import reviews_of
    from kb.importing.claimskg import import_claimskg

    _app, knowledge = fresh_web
    import_claimskg(knowledge, (Path(__file__).parent / "data" / "claimskg" / "sample.ttl").read_bytes(), "turtle",
                    name="sample.ttl")
    (claim,) = knowledge.select("SELECT ?c ?t WHERE { ?c schema:text ?t }",
                                {"t": Literal("The noise from wind turbines causes cancer.")})
    (review,) = reviews_of(knowledge, claim["c"])
    assert (review.label, review.author_name) == ("Pants on Fire!", "politifact")  # not ClaimsKG's "FALSE"
