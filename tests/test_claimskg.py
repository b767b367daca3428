"""ClaimsKG: the RDF and CSV samples import and validate, and every query in docs/claimskg.md
answers exactly what it should."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from behaviour import *  # noqa: F401,F403
from kb import InputError, ParseError
from kb.claimskg import import_claimskg

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "claimskg"
RDF = (DATA / "sample.ttl").read_bytes()
CSV = (DATA / "sample.csv").read_bytes()
DOC_QUERIES = re.findall(r"```sparql\n(.*?)```", (ROOT / "docs" / "claimskg.md").read_text(encoding="utf-8"), re.S)
KBNS = "https://w3id.org/claimkb/ns#"


def rows(kb, query: str) -> list[dict[str, str]]:
    doc = json.loads(kb.query(query).body)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


@pytest.fixture
def kb(make_kb):
    k = make_kb()
    result = import_claimskg(k, RDF, "turtle", name="sample.ttl")
    assert list(result.graphs.values()) == ["added"] * 4 and result.claims == 4
    return k


def test_the_rdf_sample_imports_validates_and_reimports_as_a_no_op(kb):
    assert kb.validate().conforms
    stats = kb.stats()
    assert (stats["claims"], stats["reviews"], stats["people"], stats["organizations"]) == (4, 4, 2, 3)
    again = import_claimskg(kb, RDF, "turtle", name="sample.ttl")
    assert set(again.graphs.values()) == {"unchanged"}


def test_the_model_mapping(kb):
    (row,) = rows(kb, """
        PREFIX schema: <http://schema.org/> PREFIX kb: <https://w3id.org/claimkb/ns#>
        SELECT ?label ?verdict ?text ?who ?same ?kw WHERE {
          ?r schema:url <https://www.politifact.com/factchecks/2019/apr/03/wind-turbines-cancer/> ;
             schema:reviewRating/schema:alternateName ?label ; kb:verdict ?verdict ; schema:itemReviewed ?c ;
             schema:claimReviewed ?text .
          ?c a schema:Claim , schema:CreativeWork ; schema:author ?a ; schema:keywords ?kw .
          ?a a schema:Person ; schema:name ?who ; schema:sameAs ?same . FILTER (?kw = "energy") }""")
    assert row == {"label": "Pants on Fire!", "verdict": KBNS + "VerdictFalse",
                   "text": "The noise from wind turbines causes cancer.", "who": "Donald Trump",
                   "same": "http://dbpedia.org/resource/Donald_Trump", "kw": "energy"}
    ratings = rows(kb, "PREFIX schema: <http://schema.org/> SELECT ?r WHERE { ?x schema:reviewRating ?r }")
    assert len(ratings) == 4  # one per review: the original


def test_the_documented_queries_answer_exactly(kb):
    assert len(DOC_QUERIES) == 8
    count, sources, languages, entities, claim_list, labels, mentions, claims = (rows(kb, q) for q in DOC_QUERIES)
    assert count == [{"count": "4"}]
    assert [r["source"] for r in sources] == ["africacheck", "politifact", "snopes"]
    assert languages == [{"inLanguage": "http://data.gesis.org/claimskg/language/English", "language": "English"}]
    assert entities == [{"entity": "wind turbines"}]
    assert [(r["date"], r["truthRating"], r["ratingName"], r.get("author")) for r in claim_list] == [
        ("2014-01-08", "2", "MIXTURE", "Barack Obama"),
        ("2017-09-01", "-1", "OTHER", "Barack Obama"),
        ("2018-06-15", "3", "TRUE", None),
        ("2019-04-02", "1", "FALSE", "Donald Trump"),
    ]
    assert claim_list[3]["link"] == "https://www.politifact.com/factchecks/2019/apr/03/wind-turbines-cancer/"
    assert [(r["source"], r["label"], r["verdict"].rsplit("#", 1)[1]) for r in labels] == [
        ("africacheck", "Unproven", "VerdictOther"),
        ("politifact", "Half-True", "VerdictMixture"),
        ("politifact", "Pants on Fire!", "VerdictFalse"),
        ("snopes", "True", "VerdictTrue"),
    ]
    assert mentions == [{"text": "The noise from wind turbines causes cancer.", "verdict": KBNS + "VerdictFalse"}]
    assert [r["who"] for r in claims] == ["Barack Obama", "Barack Obama", "Donald Trump"]


def test_the_csv_export_imports_with_the_same_model(make_kb):
    kb = make_kb()
    result = import_claimskg(kb, CSV, "csv", name="sample.csv")
    assert list(result.graphs.values()) == ["added"] * 3
    assert kb.validate().conforms
    claim_list = rows(kb, DOC_QUERIES[4])
    # The explorer's query takes the text together with the author: a claim without an author has neither.
    assert [(r.get("text"), r["truthRating"], r.get("author")) for r in claim_list] == [
        (None, "2", None),
        ("The minimum wage has not kept up with inflation since 1968.", "3", "Bernie Sanders"),
        ("Drinking hot water kills the coronavirus.", "1", "Facebook posts"),
    ]
    assert rows(kb, DOC_QUERIES[0]) == [{"count": "3"}]
    (entity,) = rows(kb, DOC_QUERIES[3].replace('"wind"', '"hot"'))
    assert entity == {"entity": "hot water"}


def test_bad_claimskg_input_is_refused(make_kb):
    kb = make_kb()
    with pytest.raises(InputError, match="not a ClaimsKG CSV export"):
        import_claimskg(kb, b"a,b\n1,2\n", "csv", name="x.csv")
    with pytest.raises(InputError, match="holds no schema:ClaimReview"):
        import_claimskg(kb, b"<http://a> <http://b> <http://c> .", "nt", name="x.nt")
    with pytest.raises(ParseError):
        import_claimskg(kb, b"this is not turtle", "turtle", name="x.ttl")
    assert kb.backend.count() == 0
