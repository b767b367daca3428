"""The reviews page (/reviews, .json, .csv) with its facets, and a person's roles over time
(the timeline on the entity page, and the entity's .json), through HTTP on real stores."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from rdflib import URIRef

from conftest import _app

# Four fact-checks by two fact-checkers: two false (one "Pants on Fire"), one true, one undated mixture.
REVIEWS = [
    {"@type": "ClaimReview", "url": "https://checks.example.org/bridge-toll",
     "claimReviewed": "The city will charge a toll on the harbor bridge from next year.",
     "name": "No toll on the harbor bridge", "datePublished": "2024-03-01",
     "author": {"@type": "Organization", "name": "Harbor Checks"},
     "reviewRating": {"@type": "Rating", "alternateName": "False"}},
    {"@type": "ClaimReview", "url": "https://checks.example.org/microchips",
     "claimReviewed": "Vaccines contain microchips that track people.",
     "datePublished": "2023-02-10", "author": {"@type": "Organization", "name": "Harbor Checks"},
     "reviewRating": {"@type": "Rating", "alternateName": "Pants on Fire"}},
    {"@type": "ClaimReview", "url": "https://labor.example.org/unemployment",
     "claimReviewed": "Unemployment in the state fell to 3 percent last year.",
     "datePublished": "2024-01-15", "author": {"@type": "Organization", "name": "Labor Facts"},
     "reviewRating": {"@type": "Rating", "alternateName": "True"}},
    {"@type": "ClaimReview", "url": "https://labor.example.org/wages",
     "claimReviewed": "Wages doubled in a decade.",
     "author": {"@type": "Organization", "name": "Labor Facts"},
     "reviewRating": {"@type": "Rating", "alternateName": "Half true"}},
]
HARBOR = "https://w3id.org/claimkb/id/org/harbor-checks"
LABOR = "https://w3id.org/claimkb/id/org/labor-facts"
ITEM_KEYS = {"iri", "url", "claim_reviewed", "headline", "date", "checker", "checker_name", "verdict", "rating",
             "claim", "claim_stored", "claim_text"}


@pytest.fixture(scope="module")
def reviews_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import kb

    folder = tmp_path_factory.mktemp("reviews-page")
    feed = folder / "reviews.jsonld"
    feed.write_text(json.dumps({"@context": "https://schema.org", "@graph": REVIEWS}), encoding="utf-8")
    knowledge = kb.KnowledgeBase(folder / "store", query_timeout=5.0)
    knowledge.ingest_files([str(feed)])
    yield _app(knowledge).test_client()
    knowledge.close()


def facet_links(html: str, key: str) -> list[tuple[str, str, str]]:
    section = re.search(rf'<section class="facet" data-facet="{key}">(.*?)</section>', html, re.S)
    assert section, key
    return [(href.replace("&amp;", "&"), label, count) for href, label, count in re.findall(
        r'<a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span>', section.group(1))]


def test_facets_count_every_review_and_link_to_their_filter(reviews_client: Any) -> None:
    html = reviews_client.get("/reviews").get_data(as_text=True)
    assert '<a href="/reviews">Fact-checks</a>' in html  # in the nav
    assert '<strong id="total">4</strong> reviews' in html
    assert facet_links(html, "checker") == [
        ("/reviews?checker=https%3A%2F%2Fw3id.org%2Fclaimkb%2Fid%2Forg%2Fharbor-checks", "Harbor Checks", "2"),
        ("/reviews?checker=https%3A%2F%2Fw3id.org%2Fclaimkb%2Fid%2Forg%2Flabor-facts", "Labor Facts", "2")]
    assert facet_links(html, "verdict") == [("/reviews?verdict=false", "false", "2"),
                                            ("/reviews?verdict=mixture", "mixture", "1"),
                                            ("/reviews?verdict=true", "true", "1")]
    assert facet_links(html, "rating") == [("/reviews?rating=False", "False", "1"),
                                           ("/reviews?rating=Half+true", "Half true", "1"),
                                           ("/reviews?rating=Pants+on+Fire", "Pants on Fire", "1"),
                                           ("/reviews?rating=True", "True", "1")]
    assert facet_links(html, "year") == [("/reviews?year=2024", "2024", "2"), ("/reviews?year=2023", "2023", "1"),
                                         ("/reviews?year=none", "no date", "1")]
    # Each row: the claim (linked to its stored page), verdict and rating, fact-checker, date, the review's URL.
    rows = re.findall(r'<tr class="review".*?</tr>', html, re.S)
    assert len(rows) == 4
    first = rows[0]
    assert re.search(r'<a href="/id/claim/[0-9a-f]+">The city will charge a toll on the harbor bridge from next year.</a>',
                     first)
    assert '<span class="verdict verdict-false">false</span> <span class="rating">“False”</span>' in first
    assert '<a href="/id/org/harbor-checks">Harbor Checks</a>' in first
    assert '<time datetime="2024-03-01">2024-03-01</time>' in first
    assert '<a class="review-url" href="https://checks.example.org/bridge-toll"' in first
    assert '<span class="none">no date</span>' in rows[3] and "Wages doubled in a decade." in rows[3]


def test_filter_by_verdict_gives_exactly_its_rows_and_narrows_the_facets(reviews_client: Any) -> None:
    data = reviews_client.get("/reviews.json?verdict=false").get_json()
    assert [(r["url"], r["date"], r["rating"], r["checker"]) for r in data["items"]] == [
        ("https://checks.example.org/bridge-toll", "2024-03-01", "False", HARBOR),
        ("https://checks.example.org/microchips", "2023-02-10", "Pants on Fire", HARBOR)]
    assert data["total"] == 2 and data["filter"] == {"verdict": "false"}
    assert data["facets"]["checker"]["values"] == [{"value": HARBOR, "label": "Harbor Checks", "count": 2}]
    assert data["facets"]["year"]["values"] == [{"value": "2024", "label": "2024", "count": 1},
                                                {"value": "2023", "label": "2023", "count": 1}]
    both = reviews_client.get(f"/reviews.json?checker={LABOR}&year=none").get_json()
    assert [r["claim_reviewed"] for r in both["items"]] == ["Wages doubled in a decade."]
    assert both["items"][0]["verdict"] == "mixture" and both["items"][0]["rating"] == "Half true"
    html = reviews_client.get("/reviews?verdict=false").get_data(as_text=True)
    assert '<strong id="total">2</strong> reviews' in html
    assert '<a class="chip" href="/reviews" title="remove this filter">verdict: false ✕</a>' in html
    # Searching the words of the reviewed claims, case-insensitively.
    assert [r["url"] for r in reviews_client.get("/reviews.json?q=MICROCHIPS").get_json()["items"]] == [
        "https://checks.example.org/microchips"]


def test_json_keys_and_pages(reviews_client: Any) -> None:
    data = reviews_client.get("/reviews.json?limit=3").get_json()
    assert list(data) == ["total", "page", "pages", "filter", "facets", "count", "next", "items"]
    assert (data["total"], data["page"], data["pages"], data["count"]) == (4, 1, 2, 3)
    assert data["next"] == "/reviews.json?limit=3&page=2"
    assert list(data["facets"]) == ["checker", "verdict", "rating", "year"]
    assert data["facets"]["verdict"] == {"title": "Verdict", "more": False, "values": [
        {"value": "false", "label": "false", "count": 2}, {"value": "mixture", "label": "mixture", "count": 1},
        {"value": "true", "label": "true", "count": 1}]}
    item = data["items"][0]
    assert set(item) == ITEM_KEYS
    assert item["iri"].startswith("https://w3id.org/claimkb/id/review/") and item["claim_stored"] is True
    assert item["claim"].startswith("https://w3id.org/claimkb/id/claim/")
    assert item["checker_name"] == "Harbor Checks" and item["headline"] == "No toll on the harbor bridge"
    last = reviews_client.get(data["next"]).get_json()
    assert (last["page"], last["count"], last["next"]) == (2, 1, None)
    assert last["items"][0]["url"] == "https://labor.example.org/wages"  # undated: last
    small = reviews_client.get("/reviews.json?_facet_size=1").get_json()["facets"]["year"]
    assert small == {"title": "Year", "more": True, "values": [{"value": "2024", "label": "2024", "count": 2}]}


def test_csv_header_and_rows(reviews_client: Any) -> None:
    r = reviews_client.get("/reviews.csv?checker=" + HARBOR)
    assert r.mimetype == "text/csv" and 'filename="reviews.csv"' in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == ["iri", "date", "checker_name", "checker", "verdict", "rating", "claim_reviewed", "headline",
                       "url", "claim"]
    assert [row[1:8] for row in rows[1:]] == [
        ["2024-03-01", "Harbor Checks", HARBOR, "false", "False",
         "The city will charge a toll on the harbor bridge from next year.", "No toll on the harbor bridge"],
        ["2023-02-10", "Harbor Checks", HARBOR, "false", "Pants on Fire",
         "Vaccines contain microchips that track people.", ""]]
    assert [row[8] for row in rows[1:]] == ["https://checks.example.org/bridge-toll",
                                            "https://checks.example.org/microchips"]


def test_bad_filters_are_one_line_errors(reviews_client: Any) -> None:
    for url, error in [
        ("/reviews.json?verdict=maybe", "verdict: 'maybe' is not a verdict (use true, mixture, false, other)"),
        ("/reviews.json?year=24", "year: '24' is not a year (use YYYY, or none for undated reviews)"),
        ("/reviews.json?page=3", "page: there is only 1 page"),
        ("/reviews.json?limit=many", "limit: 'many' is not a whole number"),
    ]:
        r = reviews_client.get(url)
        assert (r.status_code, r.get_json()["error"]) == (400, error), url
    assert reviews_client.get("/reviews?year=24").status_code == 400


def test_a_new_review_shows_at_once(fresh_web: tuple[Any, Any], tmp_path: Path) -> None:
    """The list is read once per store version: a write makes the next page read it again."""
    app, knowledge = fresh_web
    client = app.test_client()
    assert [r["checker_name"] for r in client.get("/reviews.json").get_json()["items"]] == ["Coastal FactCheck"]
    feed = tmp_path / "one.jsonld"
    feed.write_text(json.dumps({"@context": "https://schema.org", **REVIEWS[0]}), encoding="utf-8")
    knowledge.ingest_files([str(feed)])
    data = client.get("/reviews.json").get_json()
    assert [(r["checker_name"], r["date"]) for r in data["items"]] == [("Coastal FactCheck", "2024-03-20"),
                                                                       ("Harbor Checks", "2024-03-01")]


def test_after_a_write_the_reviews_are_read_again_off_the_request_path(fresh_web: tuple[Any, Any], tmp_path: Path) -> None:
    """Once this process has listed reviews, a write reads them again in the background, so the
    first /reviews after it does not pay ~1 s at 10k reviews."""
    import threading

    from kb.browse import store

    app, knowledge = fresh_web
    client = app.test_client()
    index = store.get_index(knowledge)
    feed = tmp_path / "one.jsonld"
    feed.write_text(json.dumps({"@context": "https://schema.org", **REVIEWS[1]}), encoding="utf-8")
    knowledge.ingest_files([str(feed)])
    assert (index.path, index.version, "reviews", ()) not in store._cache  # never listed: nothing warmed
    assert len(client.get("/reviews.json").get_json()["items"]) == 2
    feed.write_text(json.dumps({"@context": "https://schema.org", **REVIEWS[2]}), encoding="utf-8")
    knowledge.ingest_files([str(feed)])  # the write itself brings the browse index in step
    for thread in [t for t in threading.enumerate() if t.name == "kb-browse-warm"]:
        thread.join(30)
    assert (index.path, index.version, "reviews", ()) in store._cache
    assert len(client.get("/reviews.json").get_json()["items"]) == 3


# -- roles over time --------------------------------------------------------------------------
ROLES_TEXT = 'Port chief Ines Moreau said: "The new quay opens in spring."\n'


def _roles_record() -> dict[str, Any]:
    quote, name = "The new quay opens in spring.", "Ines Moreau"
    start, mention = ROLES_TEXT.index(quote), ROLES_TEXT.index(name)
    return {"document": {"text": ROLES_TEXT, "date": "2024-02-05"},
            "claims": [{"kind": "direct-quote", "text": quote, "start": start, "end": start + len(quote),
                        "speaker": {"name": name, "start": mention, "end": mention + len(name)}}],
            "entities": [{"name": name, "type": "Person", "roles": [
                {"name": "harbor pilot", "organization": "Port Authority", "start": "2015-03-01", "end": "2019-12-31"},
                {"name": "port chief", "organization": "Port Authority", "start": "2020-01-01"},
                {"name": "board member", "organization": "Ferry Board"}]},
                {"name": "Port Authority", "type": "Organization"}, {"name": "Ferry Board", "type": "Organization"}]}


def test_roles_timeline_beside_the_claims_chart(fresh_web: tuple[Any, Any]) -> None:
    app, knowledge = fresh_web
    knowledge.ingest_record(_roles_record(), name="roles.json")
    client = app.test_client()
    html = client.get("/id/person/ines-moreau").get_data(as_text=True)
    charts = re.search(r'<div class="columns entity-charts".*?</div>', html, re.S)
    assert charts, "the timeline and the claims chart side by side"
    svg = re.search(r'<svg class="chart role-timeline".*?</svg>', charts.group(0), re.S).group(0)
    labels = re.findall(r'<text class="label"[^>]*>([^<]+)</text>', svg)
    assert labels == ["harbor pilot, Port Authority", "port chief, Port Authority"]
    titles = re.findall(r"<rect [^>]*><title>([^<]+)</title>", svg)
    assert titles == ["harbor pilot, Port Authority: 2015-03-01 to 2019-12-31",
                      "port chief, Port Authority: 2020-01-01 to now (no end date known)"]
    assert '<g class="role open">' in svg and svg.count('<g class="role">') == 1
    assert "Claims over time" in charts.group(0) and '<svg class="chart" ' in charts.group(0)
    undated = re.search(r'<p class="undated-roles">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", undated) == "Without dates: board member, Ferry Board"
    # The page's JSON: the roles with their dates, as the timeline draws them.
    data = client.get("/id/person/ines-moreau.json").get_json()
    assert [(r["name"], r["org_name"], r["start"], r["end"]) for r in data["roles"]] == [
        ("harbor pilot", "Port Authority", "2015-03-01", "2019-12-31"),
        ("port chief", "Port Authority", "2020-01-01", ""), ("board member", "Ferry Board", "", "")]
    assert data["claims_per_month"] == [["2024-02", 1]] and data["claim_count"] == 1
    assert [c["text"] for c in data["claims"]] == ["The new quay opens in spring."]
    missing = client.get("/id/person/nobody-at-all.json")
    assert missing.status_code == 404 and missing.get_json()["error"].startswith("no person or organization")


def test_role_timeline_geometry() -> None:
    from kb.browse.entities import Role
    from web.charts import role_timeline

    roles = [Role("pilot", "", "", "2015-03-01", "2019-12-31"), Role("chief", "o", "Port", "2020-01-01", ""),
             Role("member", "", "", "", ""), Role("adviser", "", "", "", "2018-01-01")]
    t = role_timeline(roles, dt.date(2024, 12, 31))
    # 2015-01-01 to 2025-01-01 (3653 days) over 640 - 240 - 16 = 384 px, from x = 248; an open role runs to today.
    x = lambda day: round(248 + 384 * (day - dt.date(2015, 1, 1)).days / 3653, 2)  # noqa: E731
    pilot = (dt.date(2015, 3, 1), dt.date(2019, 12, 31))
    chief = (dt.date(2020, 1, 1), dt.date(2024, 12, 31))
    assert [(b.label, b.org_name, b.x, b.width, b.open) for b in t.bars] == [
        ("pilot", "", x(pilot[0]), round(x(pilot[1]) - x(pilot[0]), 2), False),
        ("chief", "Port", x(chief[0]), round(x(chief[1]) - x(chief[0]), 2), True)]
    assert [b.y for b in t.bars] == [0, 26]
    assert [r.name for r in t.undated] == ["member", "adviser"]
    assert [label for _x, label in t.ticks] == ["2015", "2017", "2019", "2021", "2023"]
    assert t.axis == "2015 to 2024, open roles to 2024-12-31" and t.height == 2 * 26 + 22
    assert role_timeline([roles[2]], dt.date(2024, 1, 1)).bars == []


# -- a fact-checker stored with two names --------------------------------------------------------
TIDES = """
@prefix schema: <http://schema.org/> .
@prefix kb: <https://w3id.org/claimkb/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/claimkb/id/claim/tides-{n}> a schema:Claim ; schema:text "The tides rose {n} metres." .
<https://w3id.org/claimkb/id/review/tides-{n}> a schema:ClaimReview ;
    schema:itemReviewed <https://w3id.org/claimkb/id/claim/tides-{n}> ;
    schema:author <https://checks.example.org/tide> ; schema:datePublished "2024-0{n}-01"^^xsd:date ;
    schema:reviewRating <https://w3id.org/claimkb/id/review/tides-{n}-rating> ; kb:verdict kb:VerdictFalse .
<https://w3id.org/claimkb/id/review/tides-{n}-rating> a schema:Rating ; schema:alternateName "False" .
<https://checks.example.org/tide> a schema:Organization ; schema:name "Tide Check" .
"""
TIDE = "https://checks.example.org/tide"


def test_a_checker_with_two_names_has_the_same_name_on_the_reviews_and_claims_pages(
        fresh_web: tuple[Any, Any]) -> None:
    """A fact-checker with two schema:name values (kb's own writes keep one canonical name, but a
    store loaded by other means may hold two): the reviews page and the claims list's fact-checker
    facet show the same one, the greatest ("TideCheck.org" > "Tide Check")."""
    from rdflib import Literal

    from kb.browse import refresh_index
    from kb.vocab import SDO

    app, knowledge = fresh_web
    written = [knowledge.ingest_rdf(TIDES.replace("{n}", str(n)), "turtle", name=f"tides-{n}.ttl") for n in (1, 2)]
    graph = next(iter(written[1].graphs))
    knowledge.backend.write(add=[(URIRef(TIDE), SDO.name, Literal("TideCheck.org"), graph)])
    refresh_index(knowledge, force=True)
    names = knowledge.select("SELECT DISTINCT ?o ?n WHERE { ?o schema:name ?n }", {"o": URIRef(TIDE)})
    assert sorted(r["n"] for r in names) == ["Tide Check", "TideCheck.org"]  # the store does hold both
    client = app.test_client()
    reviews = client.get("/reviews.json").get_json()
    assert [(r["checker_name"], r["date"]) for r in reviews["items"] if r["checker"] == TIDE] == [
        ("TideCheck.org", "2024-02-01"), ("TideCheck.org", "2024-01-01")]
    assert {v["value"]: v["label"] for v in reviews["facets"]["checker"]["values"]}[TIDE] == "TideCheck.org"
    claims = client.get("/claims.json", query_string={"checker": TIDE}).get_json()
    assert sorted(c["iri"] for c in claims["items"]) == [
        "https://w3id.org/claimkb/id/claim/tides-1", "https://w3id.org/claimkb/id/claim/tides-2"]
    html = client.get("/claims").get_data(as_text=True)
    part = re.search(r'data-facet="checker">(.*?)</section>', html, re.S).group(1)
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span>', part) == [
        ("/claims?checker=https%3A%2F%2Fchecks.example.org%2Ftide", "TideCheck.org", "2"),
        ("/claims?checker=https%3A%2F%2Fw3id.org%2Fclaimkb%2Fid%2Forg%2Fcoastal-factcheck", "Coastal FactCheck", "1")]


def test_the_reviews_of_given_claims_are_read_in_batches_with_the_same_answer(
        fresh_web: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental re-index reads the verdicts and fact-checkers of its new claims a batch of
    claims per query (a VALUES block), not a query per claim, and gets what the whole store says."""
    from kb.browse import queries as Q

    _app_, knowledge = fresh_web
    for n in (1, 2):
        knowledge.ingest_rdf(TIDES.replace("{n}", str(n)), "turtle", name=f"tides-{n}.ttl")
    every = {str(r["claim"]) for r in knowledge.select("SELECT DISTINCT ?claim WHERE { ?r schema:itemReviewed ?claim }")}
    claims = sorted(every) + ["https://w3id.org/claimkb/id/claim/not-reviewed"]
    assert len(every) == 3
    asked: list[str] = []
    select = knowledge.select
    monkeypatch.setattr(knowledge, "select", lambda q, b=None: asked.append(q) or select(q, b))
    monkeypatch.setattr(Q, "_IRIS_PER_QUERY", 2)
    verdicts, checkers = Q.claim_verdicts(knowledge, claims), Q.claim_checkers_of(knowledge, claims + claims[:1])
    assert len(asked) == 4 and all("VALUES ?claim" in q for q in asked)  # 4 claims, 2 a query, twice
    monkeypatch.undo()
    assert verdicts == Q.claim_verdicts(knowledge) and len(verdicts) == 3
    assert checkers == Q.claim_checkers_of(knowledge, None)
    assert checkers["https://w3id.org/claimkb/id/claim/tides-2"] == {TIDE: "Tide Check"}
    assert Q.claim_verdicts(knowledge, []) == {} and Q.claim_checkers_of(knowledge, []) == {}
