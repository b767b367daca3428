"""ClaimReview JSON-LD: import as fact-checkers publish it, export as Google reads it, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from behaviour import *  # noqa: F401,F403
from behaviour import small_record
from kb import KB, InputError, KnowledgeBase, NotFoundError, ParseError, iris
from kb.importing.claimreview import export_claimreviews, import_claimreview, normalize_verdict
from kbtest import kb_cli

DATA = Path(__file__).parent / "data" / "claimreview"
FACTCHECK = (DATA / "factcheck.jsonld").read_text(encoding="utf-8")
REVIEW_URL = "https://factcheck.example.org/2024/03/bridge-reopen-may"


def test_verdicts_are_normalized_from_the_label_then_the_numbers():
    assert normalize_verdict("Pants on Fire!") == KB.VerdictFalse
    assert normalize_verdict("Mostly False", 2, 5, 1) == KB.VerdictFalse  # the label wins
    assert normalize_verdict("half-true") == KB.VerdictMixture
    assert normalize_verdict("Correct") == KB.VerdictTrue
    assert normalize_verdict("Zombie claim", 5, 5, 1) == KB.VerdictTrue
    assert normalize_verdict("Zombie claim", 1, 5, 1) == KB.VerdictFalse
    assert normalize_verdict(None, 3, 5, 1) == KB.VerdictMixture
    assert normalize_verdict("Satire") == KB.VerdictOther
    assert normalize_verdict("Satire", "n/a", 5, 1) == KB.VerdictOther


def test_import_maps_the_review_onto_the_model(make_kb):
    kb = make_kb()
    result = import_claimreview(kb, FACTCHECK, name="factcheck.jsonld")
    assert list(result.graphs.values()) == ["added"] and result.claims == 1
    rows = kb.select(
        """SELECT ?verdict ?label ?value ?best ?worst ?org ?text ?who ?date WHERE {
             ?r a schema:ClaimReview ; kb:verdict ?verdict ; schema:reviewRating ?rating ;
                schema:author/schema:name ?org ; schema:itemReviewed ?c .
             ?rating schema:alternateName ?label ; schema:ratingValue ?value ;
                     schema:bestRating ?best ; schema:worstRating ?worst .
             ?c a schema:Claim ; schema:text ?text ; schema:author/schema:name ?who ; schema:datePublished ?date }"""
    )
    assert rows == [{
        "verdict": str(KB.VerdictFalse), "label": "Mostly False", "value": 2, "best": 5, "worst": 1,
        "org": "Example Fact Check", "text": "The bridge will reopen in May.", "who": "Jane Roe",
        "date": __import__("datetime").date(2024, 3, 4),
    }]
    assert kb.stats()["reviews"] == 1
    again = import_claimreview(kb, FACTCHECK, name="factcheck.jsonld")
    assert list(again.graphs.values()) == ["unchanged"]


def test_a_review_links_to_the_stored_claim_with_its_exact_text(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    (stored,) = kb.select("SELECT ?c WHERE { ?c kb:kind kb:DirectQuote }")
    doc = json.loads(FACTCHECK)
    doc["claimReviewed"] = "the bridge will reopen in May"
    result = import_claimreview(kb, json.dumps(doc), name="by-text.jsonld")
    assert result.claims == 0  # no new claim: the stored one is reviewed
    rows = kb.select("SELECT ?c WHERE { ?r a schema:ClaimReview ; schema:itemReviewed ?c }")
    assert rows == [{"c": stored["c"]}]
    # By IRI: itemReviewed names the stored claim.
    doc["url"] = REVIEW_URL + "-2"
    doc["claimReviewed"] = "Roe says the bridge reopens in May"
    doc["itemReviewed"] = {"@id": stored["c"], "@type": "Claim"}
    import_claimreview(kb, json.dumps(doc), name="by-iri.jsonld")
    rows = kb.select("SELECT DISTINCT ?c WHERE { ?r a schema:ClaimReview ; schema:itemReviewed ?c }")
    assert rows == [{"c": stored["c"]}]
    assert kb.stats()["claims"] == 2


def test_export_has_googles_fields_and_round_trips(make_kb, tmp_path):
    kb = make_kb()
    import_claimreview(kb, FACTCHECK, name="factcheck.jsonld")
    (claim,) = kb.select("SELECT ?c WHERE { ?c a schema:Claim }")
    (exported,) = export_claimreviews(kb, claim["c"])
    assert exported == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": REVIEW_URL,
        "claimReviewed": "The bridge will reopen in May.",
        "datePublished": "2024-03-12",
        "author": {"@type": "Organization", "name": "Example Fact Check", "url": "https://factcheck.example.org"},
        "reviewRating": {"@type": "Rating", "ratingValue": 2, "bestRating": 5, "worstRating": 1,
                         "alternateName": "Mostly False"},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Jane Roe", "sameAs": "https://www.wikidata.org/wiki/Q4115189"},
            "datePublished": "2024-03-04",
            "appearance": [
                {"@type": "Article", "url": "https://example.org/news/bridge"},
                {"@type": "SocialMediaPosting", "url": "https://social.example.org/@janeroe/112233"},
            ],
            "firstAppearance": {"@type": "CreativeWork", "url": "https://example.org/council/minutes-2024-03-04"},
        },
    }
    # Import the export into a new store: the same triples.
    with KnowledgeBase(tmp_path / "copy") as copy:
        import_claimreview(copy, json.dumps(exported), name="exported.jsonld")
        assert sorted(copy.export("nquads").splitlines()) == sorted(kb.export("nquads").splitlines())


def test_export_of_an_article_claim_names_the_article(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    doc = json.loads(FACTCHECK)
    doc["claimReviewed"] = "the bridge will reopen in May"
    import_claimreview(kb, json.dumps(doc), name="by-text.jsonld")
    (stored,) = kb.select("SELECT ?c WHERE { ?c kb:kind kb:DirectQuote }")
    (exported,) = export_claimreviews(kb, stored["c"])
    assert exported["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Jane Roe"},
        "appearance": [{"@type": "NewsArticle", "url": "https://example.org/news/bridge"}],
    }
    assert exported["claimReviewed"] == "the bridge will reopen in May"


def test_bad_claimreviews_are_refused_and_write_nothing(make_kb):
    kb = make_kb()
    with pytest.raises(ParseError, match="remote @context"):
        import_claimreview(kb, json.dumps({**json.loads(FACTCHECK), "@context": "https://example.org/ctx"}))
    no_rating = json.loads(FACTCHECK)
    del no_rating["reviewRating"]
    with pytest.raises(InputError, match="no reviewRating"):
        import_claimreview(kb, json.dumps(no_rating))
    with pytest.raises(InputError, match="holds no ClaimReview"):
        import_claimreview(kb, json.dumps({"@context": "https://schema.org", "@type": "Person", "name": "x"}))
    with pytest.raises(NotFoundError):
        export_claimreviews(kb, iris.mint("claim", "nope"))
    assert kb.stats()["graphs"] == 0


# -- in by content, out as a feed --------------------------------------------------------------
def _review(n: int, verdict: str = "False") -> dict:
    """The sample review, made the n-th of a feed (its own URL and claim text)."""
    doc = json.loads(FACTCHECK)
    doc["url"] = f"{REVIEW_URL}-{n}"
    doc["claimReviewed"] = f"The bridge will reopen in May, part {n}."
    doc["reviewRating"] = {"@type": "Rating", "alternateName": verdict}
    return doc


@pytest.mark.parametrize("name, body", [
    ("one.json", json.dumps(_review(1))),
    ("array.json", json.dumps([_review(1), _review(2)])),
    ("feed.jsonld", json.dumps({"@context": "https://schema.org",
                                "@graph": [{k: v for k, v in _review(n).items() if k != "@context"} for n in (1, 2, 3)]})),
    ("lines.jsonl", "\n".join(json.dumps(_review(n)) for n in (1, 2)) + "\n"),
])
def test_kb_ingest_recognizes_claimreview_by_its_content(tmp_path, name, body):
    (tmp_path / name).write_text(body, encoding="utf-8")
    run = kb_cli(tmp_path / "store", "ingest", str(tmp_path / name))
    assert (run.code, run.err) == (0, "")
    count = body.count('"ClaimReview"')
    stats = json.loads(kb_cli(tmp_path / "store", "stats", "--json").out)
    assert (stats["reviews"], stats["claims"]) == (count, count)


def test_a_claim_record_is_still_a_claim_record(tmp_path):
    (tmp_path / "bridge.json").write_text(json.dumps(small_record()), encoding="utf-8")
    run = kb_cli(tmp_path / "store", "ingest", str(tmp_path / "bridge.json"))
    assert run.code == 0, run.err
    stats = json.loads(kb_cli(tmp_path / "store", "stats", "--json").out)
    assert (stats["documents"], stats["reviews"]) == (1, 0)


def test_kb_export_claimreview_meets_googles_requirements_and_round_trips(tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps([json.loads(FACTCHECK), _review(2, "Pants on Fire")]), encoding="utf-8")
    assert kb_cli(tmp_path / "a", "ingest", str(source)).code == 0
    run = kb_cli(tmp_path / "a", "export", "--format", "claimreview", "-o", str(tmp_path / "reviews.json"))
    assert (run.code, run.err) == (0, "")
    feed = json.loads((tmp_path / "reviews.json").read_text(encoding="utf-8"))
    review_iri = lambda url: str(iris.mint("review", iris.digest("claimreview", url)))  # noqa: E731
    assert [r["url"] for r in feed] == sorted([REVIEW_URL, f"{REVIEW_URL}-2"], key=review_iri)  # kb's IRI order
    for review in feed:  # Google's required properties, and the rating's label
        assert {"@context", "@type", "url", "claimReviewed", "author", "datePublished", "reviewRating",
                "itemReviewed"} <= set(review)
        assert review["reviewRating"]["alternateName"] and review["author"]["name"] == "Example Fact Check"
        assert review["itemReviewed"]["author"]["name"] == "Jane Roe"
    by_url = {r["url"]: r for r in feed}
    assert by_url[f"{REVIEW_URL}-2"]["reviewRating"] == {"@type": "Rating", "alternateName": "Pants on Fire"}
    # In again, without --format, into a new store: the same reviews come out.
    assert kb_cli(tmp_path / "b", "ingest", str(tmp_path / "reviews.json")).code == 0
    again = kb_cli(tmp_path / "b", "export", "--format", "claimreview")
    assert json.loads(again.out) == feed


def test_kb_export_claimreview_refuses_a_document(tmp_path):
    (tmp_path / "one.json").write_text(FACTCHECK, encoding="utf-8")
    kb_cli(tmp_path / "store", "ingest", str(tmp_path / "one.json"))
    run = kb_cli(tmp_path / "store", "export", "--format", "claimreview", "--document", "x")
    assert (run.code, run.err) == (
        1, "kb: error: --format claimreview exports every review; --document and provenance need an RDF format\n")
    unknown = kb_cli(tmp_path / "store", "export", "--format", "google")
    assert (unknown.code, unknown.err) == (
        1, "kb: error: unknown export format 'google' (use one of: turtle, trig, nt, nquads, jsonld, xml, claimreview)\n")


def test_the_feed_of_one_speaker(make_kb):
    from kb.importing.claimreview import review_feed

    kb = make_kb()
    doc = _review(2)
    doc["itemReviewed"] = {"@type": "Claim", "author": {"@type": "Person", "name": "John Doe"}}
    import_claimreview(kb, json.dumps([json.loads(FACTCHECK), doc]), name="two.json")
    jane = iris.entity_iri("Person", "Jane Roe", "")
    assert [r["url"] for r in review_feed(kb, speaker=jane)] == [REVIEW_URL]
    assert len(review_feed(kb)) == 2
    with pytest.raises(NotFoundError, match="no person or organization"):
        review_feed(kb, speaker=iris.entity_iri("Person", "Nobody Here", ""))
