"""ClaimReview JSON-LD: import as fact-checkers publish it, export as Google reads it, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from behaviour import *  # noqa: F401,F403
from behaviour import small_record
from kb import KB, InputError, KnowledgeBase, NotFoundError, ParseError, iris
from kb.claimreview import export_claimreviews, import_claimreview, normalize_verdict

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
    assert kb.backend.count() == 0
