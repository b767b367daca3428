"""The pages, through HTTP with Flask's test client: exact content, counts and rows."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
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
    # Claims per speaker: a bar chart (inline SVG), each bar linking to the speaker, longest first.
    ranked = re.findall(r'<a href="/id/person/([^"]+)">\s*<text class="label"[^>]*>([^<]+)</text>\s*'
                        r'<rect [^>]*width="([\d.]+)"[^>]*><title>[^<]+</title></rect>\s*'
                        r'<text class="count"[^>]*>(\d+)</text>', html)
    if web_store.has_seed:
        assert ranked[0] == ("esmail-qaani", "Esmail Qaani", "170.0", "11")
    assert ("elena-varga", "Elena Varga") in [(r[0], r[1]) for r in ranked]
    widths = [float(r[2]) for r in ranked]
    assert widths == sorted(widths, reverse=True)
    assert '<ol class="ranked">' not in html
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
    by_name = client.get("/claims.json?q=elena&limit=50").get_json()
    assert by_name["total"] == 4  # her four claims, found by the speaker's name
    # "Varga" is also in a headline: the fifth claim is that article's, matched by its title only.
    varga = client.get("/claims.json?q=varga&limit=50").get_json()["items"]
    assert sum("speaker" in c["matched"] for c in varga) == 4
    assert [c["matched"] for c in varga if "speaker" not in c["matched"]] == [
        {"title": "Varga defends the flood barrier budget"}]
    assert client.get("/claims.json?q=zzzunknownword").get_json()["total"] == 0
    # Prefix search on the last word, as the user types.
    assert client.get("/claims.json?q=precondit").get_json()["total"] == 1


def test_facets_have_counts_and_filter(client: Any) -> None:
    html = client.get("/claims?q=&kind=partial-quote").get_data(as_text=True)
    facet = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert "Elena Varga</a> <span class=\"count\">1</span>" in facet
    # Each active filter is a chip linking to the list without it; an IRI shows shortened.
    chips = client.get(f"/claims?kind=partial-quote&org={COUNCIL}").get_data(as_text=True)
    assert re.findall(r'<a class="chip" href="([^"]*)" title="remove this filter">([^<]*)</a>', chips) == [
        ("/claims?kind=partial-quote", f"org: {COUNCIL} ✕"),
        (f"/claims?org={COUNCIL.replace(':', '%3A').replace('/', '%2F')}", "kind: partial-quote ✕")]
    assert '<a href="/claims">clear all</a>' in chips
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
    for title in ("Speaker", "Organization", "Kind", "Outlet", "Reported via", "Review verdict", "Fact-checker", "Year"):
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
    assert web_store.has_seed, "../shared/seed is absent"
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
    assert missing.status_code == 404
    assert "nothing is stored, or was ever stored, at https://w3id.org/claimkb/id/person/nobody-at-all" in \
        missing.get_data(as_text=True)
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

    claims_mod = importlib.import_module("kb.browse.facets")
    html = client.get("/claims?q=elena").get_data(as_text=True)
    assert 'id="facet-note"' not in html
    speaker = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert "Elena Varga</a> <span class=\"count\">4</span>" in speaker
    kinds = dict(re.findall(r'kind=([a-z-]+)">[^<]+</a> <span class="count">(\d+)</span>',
                            re.search(r'data-facet="kind">(.*?)</section>', html, re.S).group(1)))
    by_kind: dict[str, int] = {}
    for c in client.get("/claims.json?q=elena&limit=50").get_json()["items"]:
        by_kind[c["kind"]] = by_kind.get(c["kind"], 0) + 1
    assert {k: int(n) for k, n in kinds.items()} == by_kind  # exact, the same as the list
    # Above the cap: counts over the newest N matches, and the page says so; the list stays exact.
    monkeypatch.setattr(claims_mod, "FACET_CAP", 3)
    html = client.get("/claims?q=elena").get_data(as_text=True)
    assert "Counts from the newest 3 of 4 matches." in text_of(html)
    speaker = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert "Elena Varga</a> <span class=\"count\">3</span>" in speaker
    newest3 = client.get("/claims.json?q=elena&limit=3").get_json()
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


def _matched(html: str) -> list[str]:
    """The "Matched in ..." line of each result, as text."""
    return [text_of(m) for m in re.findall(r'<p class="matched">(.*?)</p>', html, re.S)]


def test_search_covers_addressee_venue_intermediary_and_says_why(client: Any, web_store: Any) -> None:
    assert web_store.has_seed, "../shared/seed is missing: this test needs the seed article"
    deif = client.get("/claims.json?q=Deif&limit=50").get_json()
    assert deif["total"] == 3  # Qaani's three claims addressed to Deif (his letter)
    assert {c["speaker_name"] for c in deif["items"]} == {"Esmail Qaani"}
    assert [c["matched"] for c in deif["items"]] == [{"addressee": "Mohammed Deif"}] * 3
    tehran = client.get("/claims.json?q=Tehran&limit=50").get_json()
    assert tehran["total"] == 5 and {c["speaker_name"] for c in tehran["items"]} == {"Hossein Salami"}
    assert all(set(c["matched"]) == {"venue"} and "a rally in Tehran" in c["matched"]["venue"] for c in tehran["items"])
    post = client.get("/claims.json?q=Jerusalem Post").get_json()
    assert post["total"] == 1
    assert post["items"][0]["text"].startswith("has opened a new era in the conflict")
    assert post["items"][0]["matched"] == {"via": "The Jerusalem Post"}
    # The HTML says which field matched, with the words marked.
    html = client.get("/claims?q=Deif").get_data(as_text=True)
    assert _matched(html) == ["Matched in addressee : Mohammed Deif"] * 3
    assert 'data-field="addressee"><span class="field">addressee</span>: Mohammed <mark>Deif</mark>' in html


def test_search_covers_outlet_organization_and_title(client: Any) -> None:
    # The outlet: every claim of the Northern Daily's article, though no claim text names it.
    outlet = client.get("/claims.json?q=northern daily&limit=50").get_json()
    assert outlet["total"] == 6 and {c["outlet_name"] for c in outlet["items"]} == {"Northern Daily"}
    assert all(c["matched"] == {"outlet": "Northern Daily"} for c in outlet["items"])
    # An organization: the speaker's role's (Varga's four claims and Brandt's one).
    council = client.get("/claims.json?q=harbor city council&limit=50").get_json()
    by_org = [c for c in council["items"] if "organization" in c["matched"] or "orgs" in c["matched"]]
    assert sorted(c["speaker_name"] for c in by_org) == ["Elena Varga"] * 4 + ["Tom Brandt"]
    assert {c["matched"]["orgs"] for c in by_org} == {"Harbor City Council"}
    # The document title.
    title = client.get("/claims.json?q=barrier budget&limit=50").get_json()
    assert title["total"] >= 1
    assert all(c["doc_title"] == "Varga defends the flood barrier budget" or "text" in c["matched"]
               for c in title["items"])
    assert any(c["matched"].get("title") == "Varga defends the flood barrier budget" for c in title["items"])


def test_facet_show_more_lists_every_value_with_counts(client: Any, web_store: Any) -> None:
    speakers = 7 if web_store.has_seed else 5
    html = client.get("/claims?_facet_size=2").get_data(as_text=True)
    facet = re.search(r'data-facet="speaker">(.*?)</section>', html, re.S).group(1)
    assert facet.count("<li>") == 2
    more = re.search(r'<a class="more" href="([^"]+)">show more…</a>', facet).group(1)
    assert more == "/claims/facets/speaker"
    full = client.get(more).get_data(as_text=True)
    rows = re.findall(r'<tr><td><a href="([^"]+)">([^<]+)</a></td><td class="num">(\d+)</td></tr>', full)
    assert len(rows) == speakers
    assert ("/claims?speaker=https%3A%2F%2Fw3id.org%2Fclaimkb%2Fid%2Fperson%2Felena-varga", "Elena Varga", "4") in rows
    spoken = [c for c in client.get("/claims.json?limit=100").get_json()["items"] if c["speaker"]]
    assert sum(int(n) for _h, _l, n in rows) == len(spoken)  # every claim with a speaker, counted once
    # No "show more" when every value is shown; ?_facet_size=max shows them all on the list itself.
    assert 'class="more"' not in re.search(r'data-facet="speaker">(.*?)</section>',
                                           client.get("/claims").get_data(as_text=True), re.S).group(1)
    every = client.get("/claims?_facet_size=max").get_data(as_text=True)
    assert re.search(r'data-facet="speaker">(.*?)</section>', every, re.S).group(1).count("<li>") == speakers
    # The same under a filter, as JSON and CSV.
    data = client.get("/claims/facets/kind.json?q=varga").get_json()
    assert data["facet"] == "kind" and data["filter"] == {"q": "varga"}
    by_kind: dict[str, int] = {}
    for c in client.get("/claims.json?q=varga&limit=50").get_json()["items"]:
        by_kind[c["kind"]] = by_kind.get(c["kind"], 0) + 1
    assert {v["value"]: v["count"] for v in data["items"]} == by_kind
    rows_csv = list(csv.reader(io.StringIO(client.get("/claims/facets/kind.csv?q=varga").get_data(as_text=True))))
    assert rows_csv[0] == ["value", "label", "count"] and len(rows_csv) - 1 == len(by_kind)
    assert client.get("/claims/facets/colour").status_code == 404
    assert client.get("/claims?_facet_size=0").status_code == 400


def test_page_count_and_jump_to_a_page(client: Any, web_store: Any) -> None:
    total = total_claims(web_store)
    pages = -(-total // 4)
    first = client.get("/claims.json?limit=4").get_json()
    assert (first["page"], first["pages"]) == (1, pages)
    third = client.get("/claims.json?limit=4&page=3").get_json()
    everything = client.get(f"/claims.json?limit={total}").get_json()["items"]
    assert [c["iri"] for c in third["items"]] == [c["iri"] for c in everything[8:12]]
    assert third["page"] == 3
    # Keyset pages know their number too, and continue from a numbered page.
    after = client.get(third["next"]).get_json()
    assert after["page"] == 4 and [c["iri"] for c in after["items"]] == [c["iri"] for c in everything[12:16]]
    html = client.get("/claims?limit=4&page=3").get_data(as_text=True)
    assert f'page <span id="page-number">3</span> of <span id="page-count">{pages}</span>' in html
    assert '<strong aria-current="page">3</strong>' in html and '<a href="/claims?limit=4&amp;page=2">2</a>' in html
    assert f'<input type="number" name="page" min="1" max="{pages}" value="3"' in html
    # Past the end: the last page; not a number: one clear error.
    assert client.get("/claims.json?limit=4&page=999").get_json()["page"] == pages
    bad = client.get("/claims.json?page=two")
    assert bad.status_code == 400 and bad.get_json()["error"] == "page: 'two' is not a whole number"
    assert client.get("/claims.json?page=0").status_code == 400


def test_csv_and_json_keep_every_filter(client: Any) -> None:
    url = "q=varga&kind=partial-quote&sort=oldest"
    html = client.get(f"/claims?{url}").get_data(as_text=True)
    json_url = re.search(r'<a href="([^"]+)">JSON</a>', html).group(1).replace("&amp;", "&")
    csv_url = re.search(r'<a href="([^"]+)" download>CSV</a>', html).group(1).replace("&amp;", "&")
    assert json_url == "/claims.json?q=varga&kind=partial-quote&sort=oldest"
    assert csv_url == "/claims.csv?q=varga&kind=partial-quote&sort=oldest"
    data = client.get(json_url).get_json()
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).get_data(as_text=True))))
    assert [r["iri"] for r in rows] == [c["iri"] for c in data["items"]] and len(rows) == data["total"] == 1


REVIEWED_UNDATED = """
@prefix schema: <http://schema.org/> .
@prefix kb: <https://w3id.org/claimkb/ns#> .
<https://w3id.org/claimkb/id/claim/imported-tides> a schema:Claim ;
    schema:text "The tides have doubled since 2010." ;
    schema:keywords "flooding, Tides" .
<https://w3id.org/claimkb/id/review/tides> a schema:ClaimReview ;
    schema:itemReviewed <https://w3id.org/claimkb/id/claim/imported-tides> ;
    schema:author <https://w3id.org/claimkb/id/org/tide-check> ;
    schema:reviewRating <https://w3id.org/claimkb/id/review/tides-rating> ;
    kb:verdict kb:VerdictFalse .
<https://w3id.org/claimkb/id/review/tides-rating> a schema:Rating ; schema:alternateName "False" .
<https://w3id.org/claimkb/id/org/tide-check> a schema:Organization ; schema:name "Tide Check" .
"""


def test_fact_checker_keyword_and_no_date_facets(fresh_web: tuple[Any, Any]) -> None:
    from kb.browse import refresh_index

    app, knowledge = fresh_web
    knowledge.ingest_rdf(REVIEWED_UNDATED, "turtle", name="tides.ttl")
    refresh_index(knowledge)
    client = app.test_client()
    html = client.get("/claims").get_data(as_text=True)

    def facet(key: str) -> list[tuple[str, str, str]]:
        part = re.search(rf'data-facet="{key}">(.*?)</section>', html, re.S).group(1)
        return [(h.replace("&amp;", "&"), label, n) for h, label, n in
                re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span>', part)]

    checker = "https://w3id.org/claimkb/id/org/tide-check"
    assert facet("checker") == [
        ("/claims?checker=https%3A%2F%2Fw3id.org%2Fclaimkb%2Fid%2Forg%2Fcoastal-factcheck", "Coastal FactCheck", "1"),
        ("/claims?checker=https%3A%2F%2Fw3id.org%2Fclaimkb%2Fid%2Forg%2Ftide-check", "Tide Check", "1")]
    assert facet("keyword") == [("/claims?keyword=flooding", "flooding", "1"), ("/claims?keyword=tides", "Tides", "1")]
    assert facet("year") == [("/claims?year=2024", "2024", "11"), ("/claims?year=none", "no date", "1")]
    tides = "https://w3id.org/claimkb/id/claim/imported-tides"
    for query in (f"checker={checker}", "keyword=tides", "year=none"):
        data = client.get(f"/claims.json?{query}").get_json()
        assert [c["iri"] for c in data["items"]] == [tides], query
    assert client.get("/claims.json?year=2024&limit=50").get_json()["total"] == 11
    assert client.get("/claims.json?year=last").get_json()["error"].startswith("year: 'last' is not a year")


def test_time_axis_is_padded_around_a_single_month_and_labelled(client: Any) -> None:
    # Tom Brandt has one claim (2024-03): twelve months around it, not one bar as wide as the chart.
    html = client.get("/id/person/tom-brandt").get_data(as_text=True)
    svg = re.search(r'<svg class="chart".*?</svg>', html, re.S).group(0)
    bars = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="([\d.]+)"><title>([^<]+)</title>', svg)
    assert [t for _w, _h, t in bars] == [f"2023-{m}: 0" for m in ("10", "11", "12")] + [
        "2024-01: 0", "2024-02: 0", "2024-03: 1"] + [f"2024-{m:02d}: 0" for m in range(4, 10)]
    assert {float(w) for w, _h, _t in bars} == {48.0}  # 720 / 12 months × 0.8
    assert '<p class="axis">2023-10 to 2024-09, by month</p>' in html


def test_long_time_axes_count_by_year() -> None:
    from web.charts import month_bars

    chart = month_bars([("2001-05", 2), ("2001-09", 1), ("2019-01", 4)])
    assert [(b.label, b.count) for b in chart.bars][:2] == [("2001", 3), ("2002", 0)]
    assert len(chart.bars) == 19 and chart.axis == "2001 to 2019, by year"
    assert month_bars([("2024-01", 1), ("2024-12", 2)]).axis == "2024-01 to 2024-12, by month"


def _record(text: str, quote: str, speaker: str, date: str, roles: list[dict[str, str]] | None = None) -> dict[str, Any]:
    start = text.index(quote)
    mention = text.index(speaker)
    entity: dict[str, Any] = {"name": speaker, "type": "Person"}
    if roles:
        entity["roles"] = roles
    return {"document": {"text": text, "date": date},
            "claims": [{"kind": "direct-quote", "text": quote, "start": start, "end": start + len(quote),
                        "speaker": {"name": speaker, "start": mention, "end": mention + len(speaker)}}],
            "entities": [entity]}


def test_a_new_article_relabels_the_claims_of_older_ones(fresh_web: tuple[Any, Any]) -> None:
    """Entities are canonical across the store: what a later article says about a speaker (a better
    cased name, a new role) shows on, and searches, the claims of the earlier articles too."""
    from kb.browse import refresh_index

    app, knowledge = fresh_web
    knowledge._hooks.clear()  # the incremental sync alone (the write hook re-indexes everything)
    client = app.test_client()
    old = 'ADA PARK said: "The ferry runs at dawn."\n'
    knowledge.ingest_record(_record(old, "The ferry runs at dawn.", "ADA PARK", "2024-01-05"), name="old.json")
    refresh_index(knowledge)
    assert [c["speaker_name"] for c in client.get("/claims.json?q=dawn").get_json()["items"]] == ["ADA PARK"]
    new = 'Ada Park said: "Tickets stay cheap."\n'
    knowledge.ingest_record(_record(new, "Tickets stay cheap.", "Ada Park", "2024-02-05",
                                    [{"name": "director", "organization": "Harbor Ferries"}]), name="new.json")
    knowledge.ingest_record({"document": {"text": "Harbor Ferries runs boats.\n", "date": "2024-02-06"}, "claims": [],
                             "entities": [{"name": "Harbor Ferries", "type": "Organization"}]}, name="org.json")
    refresh_index(knowledge)
    dawn = client.get("/claims.json?q=dawn").get_json()["items"]
    assert [c["speaker_name"] for c in dawn] == ["Ada Park"]
    by_org = client.get("/claims.json?q=harbor ferries").get_json()["items"]
    assert sorted(c["text"] for c in by_org) == ["The ferry runs at dawn.", "Tickets stay cheap."]
    assert all(c["matched"] == {"orgs": "Harbor Ferries"} for c in by_org)


def test_a_write_of_many_graphs_keeps_every_graphs_browse_fingerprint(tmp_path: Path) -> None:
    """Over 200 changed graphs re-index everything: every graph's fingerprint is written again,
    not only the written graphs' (else the next process re-indexes the whole store again)."""
    import sys

    import kb
    from kb.browse import get_index
    from kb.record import parse_record

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import Corpus

    corpus = Corpus(seed=3, claims=2000)
    with kb.KnowledgeBase(tmp_path / "store") as knowledge:
        for i in range(3):
            knowledge.ingest_record(parse_record(corpus.document(i, n_claims=2)), name=f"d{i}.json")
        knowledge.ingest_records([corpus.document(i, n_claims=1) for i in range(3, 210)], batch_size=500,
                                 name="many.json")
        index = get_index(knowledge)
        with index.db() as con:
            indexed = {g for (g,) in con.execute("SELECT graph FROM graphs")}
        assert indexed == {str(g) for g in knowledge.content_graphs()} and len(indexed) == 210
        assert index.sync() is False  # nothing left to re-index
