"""The pages, through HTTP with Flask's test client: exact content, counts and rows."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

VARGA = "https://w3id.org/claimkb/id/person/elena-varga"
COUNCIL = "https://w3id.org/claimkb/id/org/harbor-city-council"
HOMES_CLAIM = "https://w3id.org/claimkb/id/claim/a130b28856380422"
QAANI = "https://w3id.org/claimkb/id/person/esmail-qaani"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def total_claims(store: Any) -> int:
    return 11 + (17 if store.has_seed else 0)


def test_home_counts_latest_speakers_and_chart(client: Any, web_store: Any) -> None:
    html = client.get("/").get_data(as_text=True)
    page = text_of(html)
    assert f"{total_claims(web_store)} claims" in page
    assert "3 documents" in page or "4 documents" in page
    assert "1 reviews" in page
    # The latest claim is the demo's newest (2024-05-21 article, reported fact).
    latest = re.findall(r'class="claim-text" href="([^"]+)">([^<]+)<', html)
    assert latest[0][1] == "Rail Workers Union members joined the meeting to ask about the strike&#39;s effect on city buses."
    ranked = re.findall(r'<li><a href="/id/person/([^"]+)">([^<]+)</a> <span class="count">(\d+)</span>', html)
    if web_store.has_seed:
        assert ranked[0] == ("esmail-qaani", "Esmail Qaani", "11")
    assert ("elena-varga", "Elena Varga", "4") in ranked
    # The chart is inline SVG, one bar per month, with the month's count in its tooltip.
    assert "<title>2024-03: 5</title>" in html and "<title>2024-05: 3</title>" in html


def test_claims_list_json_and_csv_agree(client: Any, web_store: Any) -> None:
    data = client.get("/claims.json?limit=100").get_json()
    assert data["total"] == total_claims(web_store) and data["count"] == total_claims(web_store)
    assert data["next"] is None
    dates = [c["date"] for c in data["items"]]
    assert dates == sorted(dates, reverse=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/claims.csv?limit=100").get_data(as_text=True))))
    assert [r["iri"] for r in rows] == [c["iri"] for c in data["items"]]
    assert rows[0]["text"] == data["items"][0]["text"]


def test_search_finds_words_and_speaker_names(client: Any) -> None:
    data = client.get("/claims.json?q=storm surge").get_json()
    assert [c["text"] for c in data["items"]] == ["will protect twelve thousand homes from the next storm surge."]
    assert data["items"][0]["speaker_name"] == "Elena Varga"
    assert data["items"][0]["verdict"] == "mixture"
    by_name = client.get("/claims.json?q=varga&limit=50").get_json()
    assert by_name["total"] == 4  # her four claims, found by the speaker's name
    assert client.get("/claims.json?q=zzzunknownword").get_json()["total"] == 0
    # Prefix search on the last word, as the user types.
    assert client.get("/claims.json?q=precondit").get_json()["total"] == 1


def test_facets_have_counts_and_filter(client: Any) -> None:
    html = client.get("/claims?q=&kind=partial-quote").get_data(as_text=True)
    facet = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert "Elena Varga</a> <span class=\"count\">1</span>" in facet
    verdict = client.get("/claims.json?verdict=mixture").get_json()
    assert [c["iri"] for c in verdict["items"]] == [HOMES_CLAIM]
    org = client.get(f"/claims.json?org={COUNCIL}&limit=50").get_json()
    assert org["total"] == 5  # Varga's four claims and Brandt's one (their roles' organization)
    via = client.get("/claims.json?via=https://w3id.org/claimkb/id/org/radio-meridian").get_json()
    assert [c["text"] for c in via["items"]] == ["can resume on Monday without preconditions,"]
    outlet = client.get("/claims.json?outlet=https://w3id.org/claimkb/id/org/northern-daily&limit=50").get_json()
    assert outlet["total"] == 6
    dated = client.get("/claims.json?date_from=2024-04&date_to=2024-04&limit=50").get_json()
    assert sorted(c["date"] for c in dated["items"]) == ["2024-04-01", "2024-04-03", "2024-04-03"]
    html = client.get("/claims").get_data(as_text=True)
    for title in ("Speaker", "Organization", "Kind", "Outlet", "Reported via", "Review verdict", "Year"):
        assert f"<h2>{title}</h2>" in html


def test_keyset_pages_cover_every_claim_once(client: Any, web_store: Any) -> None:
    for sort in ("newest", "oldest", "speaker"):
        seen: list[str] = []
        url = f"/claims.json?limit=4&sort={sort}"
        while url:
            data = client.get(url).get_json()
            seen += [c["iri"] for c in data["items"]]
            url = data["next"]
        assert len(seen) == len(set(seen)) == total_claims(web_store), sort
    assert client.get("/claims.json?after=not-a-cursor").status_code == 400
    assert client.get("/claims.json?sort=sideways").get_json()["error"].startswith("unknown sort")


def test_claim_page_shows_context_chain_review_and_rdf(client: Any) -> None:
    html = client.get("/id/claim/a130b28856380422").get_data(as_text=True)
    assert '<mark class="hl quote">will protect twelve thousand homes from the next storm surge.</mark>' in html
    assert '<mark class="hl speaker">Mayor Elena Varga</mark>' in html
    assert '<a id="speaker-link" href="/id/person/elena-varga">Elena Varga</a>' in html
    assert "a press conference at City Hall, <a href=\"/id/place/harbor-city\">Harbor City</a>" in html
    assert "Elena Varga → a press conference at City Hall → The Coastal Ledger →" in text_of(html)
    assert '<span class="verdict verdict-mixture">mixture</span>' in html and "“Half true”" in html
    assert 'href="/id/claim/a130b28856380422.ttl"' in html
    others = re.search(r"Other claims by Elena Varga</h2>(.*?)</ul>", html, re.S).group(1)
    assert others.count('class="claim"') == 3


def test_seed_claim_attribution_chain(client: Any, web_store: Any) -> None:
    if not web_store.has_seed:
        pytest.skip("../shared/seed is absent")
    data = client.get("/claims.json?q=opened new era").get_json()
    assert data["total"] == 1
    path = data["items"][0]["iri"].split("/id/", 1)[1]
    page = text_of(client.get(f"/id/{path}").get_data(as_text=True))
    assert "Esmail Qaani → letter to Mohammed Deif → The Jerusalem Post → this article" in page
    assert "Addressee Mohammed Deif" in page and "Cue “saying”" in page


def test_person_page_roles_aliases_timeline(client: Any) -> None:
    html = client.get("/id/person/elena-varga").get_data(as_text=True)
    page = text_of(html)
    assert "Mayor Elena Varga" in page and "Also called: Varga" in page
    assert "Mayor of Harbor City Harbor City Council 2021-06-01 now" in page
    assert "4 claims by Elena Varga" in page
    assert html.count('class="claim"') == 4


def test_organization_page_lists_members(client: Any) -> None:
    page = text_of(client.get("/id/org/harbor-city-council").get_data(as_text=True))
    assert "Elena Varga , Mayor of Harbor City (from 2021-06-01)" in page
    assert "Tom Brandt , Councillor (from 2019-06-01)" in page
    assert "5 claims by or about its people" in page


def test_document_page_highlights_every_claim(client: Any) -> None:
    data = client.get("/documents.json").get_json()
    doc = next(d for d in data["items"] if d["title"] == "Minister says rail strike talks will resume")
    html = client.get(doc["iri"].replace("https://w3id.org/claimkb", "")).get_data(as_text=True)
    assert html.count('class="hl claim"') == 3
    assert '>can resume on Monday without preconditions,</a>' in html
    assert "Northern Daily" in html


def test_speakers_list_and_formats(client: Any, web_store: Any) -> None:
    data = client.get("/speakers.json?q=varga").get_json()
    assert data["items"] == [{"iri": VARGA, "name": "Elena Varga", "type": "Person", "claims": 4,
                              "first": "2024-03-12", "last": "2024-05-20"}]
    rows = list(csv.reader(io.StringIO(client.get("/speakers.csv").get_data(as_text=True))))
    assert rows[0] == ["iri", "name", "type", "claims", "first", "last"]
    assert len(rows) - 1 == (7 if web_store.has_seed else 5)


def test_linked_data_negotiation(client: Any) -> None:
    ttl = client.get("/id/person/elena-varga", headers={"Accept": "text/turtle"})
    assert ttl.mimetype == "text/turtle"
    assert '<https://w3id.org/claimkb/id/person/elena-varga> schema:name "Elena Varga"' in ttl.get_data(as_text=True) \
        or 'schema:name "Elena Varga"' in ttl.get_data(as_text=True)
    nt = client.get("/id/claim/a130b28856380422.nt").get_data(as_text=True)
    assert f"<{HOMES_CLAIM}> <http://schema.org/author> <{VARGA}> ." in nt
    assert f"<{HOMES_CLAIM}#anchor> <http://www.w3.org/ns/oa#hasBody> <{HOMES_CLAIM}> ." in nt
    assert f"<{HOMES_CLAIM}#span-1-pos> <http://www.w3.org/ns/oa#start>" in nt
    jsonld = client.get("/id/claim/a130b28856380422", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and HOMES_CLAIM in jsonld.get_data(as_text=True)
    html = client.get("/id/claim/a130b28856380422", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.mimetype == "text/html" and "Accept" in html.headers["Vary"]
    missing = client.get("/id/person/nobody-at-all")
    assert missing.status_code == 404 and "nothing is known about" in missing.get_data(as_text=True)
    review = text_of(client.get("/id/review/demo-flood-barrier-homes").get_data(as_text=True))
    assert "schema:claimReviewed The flood barrier will protect twelve thousand homes." in review


def test_export_whole_and_one_document(client: Any) -> None:
    whole = client.get("/export/download?format=nquads")
    assert whole.mimetype == "application/n-quads"
    assert whole.headers["Content-Disposition"] == 'attachment; filename="claimkb.nq"'
    assert f"<{HOMES_CLAIM}> <http://schema.org/author> <{VARGA}>" in whole.get_data(as_text=True)
    doc = client.get("/documents.json").get_json()["items"][0]["iri"]
    one = client.get(f"/export/download?format=turtle&document={doc}").get_data(as_text=True)
    assert doc in one and "Esmail Qaani" not in one
    assert client.get("/export/download?format=docx").status_code == 400


def test_validation_page(client: Any) -> None:
    page = text_of(client.get("/validation").get_data(as_text=True))
    assert "The knowledge base conforms to its SHACL shapes" in page
    assert client.get("/validation.json").get_json()["conforms"] is True


def test_workbench_page_uses_only_local_assets(client: Any) -> None:
    html = client.get("/workbench").get_data(as_text=True)
    assert '<script src="/static/vendor/yasgui.min.js"></script>' in html
    assert re.findall(r'(?:src|href)="(https?:[^"]+)"', html) == []
    examples = client.get("/api/sparql/examples").get_json()
    assert [e["id"] for e in examples] == ["claims-by-speaker", "claims-via-intermediary", "speakers-ranked",
                                          "claims-mentioning-organization"]
    classes = client.get("/api/sparql/complete?type=class&q=claim").get_json()
    assert classes[:2] == ["http://schema.org/Claim", "http://schema.org/ClaimReview"]
    props = client.get("/api/sparql/complete?type=property&q=schema:te").get_json()
    assert props == ["http://schema.org/text"]
    assert client.get("/api/sparql/prefixes").get_json()["kb"] == "https://w3id.org/claimkb/ns#"


def test_search_facets_exact_below_the_cap_and_labelled_above(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    claims_mod = importlib.import_module("kb.browse.claims")
    html = client.get("/claims?q=varga").get_data(as_text=True)
    assert 'id="facet-note"' not in html
    speaker = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert "Elena Varga</a> <span class=\"count\">4</span>" in speaker
    kinds = dict(re.findall(r'kind=([a-z-]+)">[^<]+</a> <span class="count">(\d+)</span>',
                            re.search(r'data-facet="kind">(.*?)</section>', html, re.S).group(1)))
    by_kind: dict[str, int] = {}
    for c in client.get("/claims.json?q=varga&limit=50").get_json()["items"]:
        by_kind[c["kind"]] = by_kind.get(c["kind"], 0) + 1
    assert {k: int(n) for k, n in kinds.items()} == by_kind  # exact, the same as the list
    # Above the cap: counts over the newest N matches, and the page says so; the list stays exact.
    monkeypatch.setattr(claims_mod, "FACET_CAP", 3)
    html = client.get("/claims?q=varga").get_data(as_text=True)
    assert "Counts from the newest 3 of 4 matches." in text_of(html)
    speaker = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert "Elena Varga</a> <span class=\"count\">3</span>" in speaker
    newest3 = client.get("/claims.json?q=varga&limit=3").get_json()
    assert newest3["total"] == 4
    years = re.findall(r'<span class="count">(\d+)</span>', re.search(r'data-facet="year">(.*?)</section>', html, re.S).group(1))
    assert sum(map(int, years)) == 3 == len(newest3["items"])


def test_home_counts_match_kb_stats(client: Any, web_store: Any) -> None:
    from kb.browse import counts

    got = counts(client.application.extensions["kb"])
    expected = client.application.extensions["kb"].stats()
    assert got == expected


def test_home_speakers_are_the_unfiltered_speaker_facet(client: Any) -> None:
    from kb.browse import ClaimFilter, facets, home

    knowledge = client.application.extensions["kb"]
    speaker = next(x for x in facets(knowledge, ClaimFilter(), size=10) if x.key == "speaker")
    assert home(knowledge).speakers == speaker.values
    assert not facets(knowledge, ClaimFilter()).capped  # everything is counted exactly, at any size
