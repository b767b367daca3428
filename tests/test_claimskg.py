"""ClaimsKG: the RDF and CSV samples import and validate, a dump is recognized by its content, both
ratings and the author typing survive, and ClaimsKG's own queries (docs/claimskg.md) answer on kb
exactly what they answer on ClaimsKG's own store."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from behaviour import *  # noqa: F401,F403
from behaviour import limitation
from kb import InputError, ParseError
from kb.importing.claimskg import import_claimskg
from kbtest import kb_cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "claimskg"
RDF = (DATA / "sample.ttl").read_bytes()
CSV = (DATA / "sample.csv").read_bytes()
BLOCKS = re.findall(r"```sparql\n(.*?)```", (ROOT / "docs" / "claimskg.md").read_text(encoding="utf-8"), re.S)
#: ClaimsKG's own queries (observatory and explorer), by the name on their first line.
CLAIMSKG_QUERIES = {q.split("\n", 1)[0].removeprefix("# ClaimsKG ").strip(): q for q in BLOCKS if q.startswith("# ClaimsKG ")}
KB_QUERIES = [q for q in BLOCKS if not q.startswith("# ClaimsKG ")]
KBNS = "https://w3id.org/claimkb/ns#"
CKG = "http://data.gesis.org/claimskg/"
#: The sample's 4 reviews, and what they share: 4 fact-checkers (ClaimsKG among them),
#: 8 ratings (4 original, 4 normalized), 2 authors and 1 language, each in a graph of its own.
GRAPHS = 4 + 4 + 8 + 2 + 1


def rows(kb, query: str) -> list[dict[str, str]]:
    doc = json.loads(kb.query(query).body)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def claimskg_store() -> ox.Store:
    """The sample as ClaimsKG's own endpoint holds it: loaded as it is, nothing mapped."""
    store = ox.Store()
    store.load(RDF, format=ox.RdfFormat.TURTLE)
    return store


def claimskg_rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows as values, with each keyword node replaced by its name: kb stores keywords as
    literals (its shapes), ClaimsKG as nodes that have the name."""
    names = {str(s[0].value): s[1].value for s in store.query(
        "SELECT ?k ?n WHERE { ?c <http://schema.org/keywords> ?k . ?k <http://schema.org/name> ?n }")}
    result = store.query(query)
    out = []
    for solution in result:
        row = {}
        for var in result.variables:
            term = solution[var]
            if term is not None:
                row[var.value] = names.get(term.value, term.value)
        out.append(row)
    return out


def as_multiset(table: list[dict[str, str]]) -> Counter[str]:
    return Counter(json.dumps(r, sort_keys=True) for r in table)


@pytest.fixture
def kb(make_kb):
    k = make_kb()
    result = import_claimskg(k, RDF, "turtle", name="sample.ttl")
    assert list(result.graphs.values()) == ["added"] * GRAPHS and result.claims == 4
    return k


def test_the_rdf_sample_imports_validates_and_reimports_as_a_no_op(kb):
    assert kb.validate().conforms
    stats = kb.stats()
    assert (stats["claims"], stats["reviews"], stats["people"], stats["organizations"]) == (4, 4, 2, 4)
    again = import_claimskg(kb, RDF, "turtle", name="sample.ttl")
    assert set(again.graphs.values()) == {"unchanged"}


def test_both_ratings_and_the_author_typing_are_kept_beside_the_verdict(kb):
    (row,) = rows(kb, """
        SELECT ?verdict ?text ?who ?same ?kw WHERE {
          ?r schema:url <https://www.politifact.com/factchecks/2019/apr/03/wind-turbines-cancer/> ;
             kb:verdict ?verdict ; schema:itemReviewed ?c ; schema:claimReviewed ?text .
          ?c a schema:Claim , schema:CreativeWork ; schema:author ?a ; schema:keywords ?kw .
          ?a a schema:Person , schema:Thing ; schema:name ?who ; schema:sameAs ?same . FILTER (?kw = "energy") }""")
    assert row == {"verdict": KBNS + "VerdictFalse", "text": "The noise from wind turbines causes cancer.",
                   "who": "Donald Trump", "same": "http://dbpedia.org/resource/Donald_Trump", "kw": "energy"}
    ratings = rows(kb, """
        SELECT ?label ?value ?rater WHERE {
          ?r schema:url <https://www.politifact.com/factchecks/2019/apr/03/wind-turbines-cancer/> ;
             schema:reviewRating ?rating .
          ?rating schema:alternateName ?label ; schema:author/schema:name ?rater .
          OPTIONAL { ?rating schema:ratingValue ?value } } ORDER BY ?label""")
    assert ratings == [{"label": "FALSE", "value": "1", "rater": "ClaimsKG"},
                       {"label": "Pants on Fire!", "rater": "politifact"}]
    # Every triple once in the union of the graphs: shared nodes are not repeated per review.
    (dup,) = rows(kb, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    (distinct,) = rows(kb, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert dup == distinct


def test_claimskg_queries_answer_as_on_claimskgs_own_store(kb, request):
    # The reference store here is Oxigraph. Virtuoso (ClaimsKG's production engine) reads some of
    # these queries its own way on any data: GROUP_CONCAT of IRIs (citations) is a string there and
    # an error here, a COUNT over an OPTIONAL that matched nothing is 0 there and unbound here.
    limitation(request, "virtuoso", "ClaimsKG's queries are compared with an Oxigraph reference store")
    assert sorted(CLAIMSKG_QUERIES) == sorted([
        "observatory: the claim metadata", "explorer: countAllRequest", "explorer: sourcesRequest",
        "explorer: languagesRequest", 'explorer: filterEntities("wind")', 'explorer: filterAuthors("o")',
        "explorer: previewRequest", "explorer: statisticRequest", "explorer: selectRequest"])
    own = claimskg_store()
    for name, query in CLAIMSKG_QUERIES.items():
        expected = claimskg_rows(own, query)
        assert expected, name  # each query finds something in the sample
        assert as_multiset(rows(kb, query)) == as_multiset(expected), name


def test_the_observatory_query_fills_its_label_and_author_columns(kb):
    table = rows(kb, CLAIMSKG_QUERIES["observatory: the claim metadata"])
    by_review = {(r["id1"].rsplit("/", 1)[-1][-2:], r.get("author"), r["label"], r["source"]) for r in table}
    assert by_review == {
        ("01", "Donald Trump", "FALSE", "politifact"),
        ("02", "Barack Obama", "MIXTURE", "politifact"),
        ("03", None, "TRUE", "snopes"),  # this claim has no author in the sample
        ("04", "Barack Obama", "OTHER", "africacheck"),
    }
    stats = rows(kb, CLAIMSKG_QUERIES["explorer: statisticRequest"])
    assert [(r["source"], r["total"], r.get("false", "0"), r.get("true", "0"), r.get("mixture", "0"), r.get("other", "0"))
            for r in stats if r["total"] != "0"][:1] == [("politifact", "2", "1", "0", "1", "0")]


def test_kbs_own_queries_answer_exactly(kb):
    labels, mentions, claims = (rows(kb, q) for q in KB_QUERIES)
    assert [(r["source"], r["label"], r["verdict"].rsplit("#", 1)[1]) for r in labels] == [
        ("africacheck", "Unproven", "VerdictOther"),
        ("politifact", "Half-True", "VerdictMixture"),
        ("politifact", "Pants on Fire!", "VerdictFalse"),
        ("snopes", "True", "VerdictTrue"),
    ]
    assert mentions == [{"text": "The noise from wind turbines causes cancer.", "verdict": KBNS + "VerdictFalse"}]
    assert [r["who"] for r in claims] == ["Barack Obama", "Barack Obama", "Donald Trump"]


def test_a_claimskg_dump_is_recognized_by_its_content(tmp_path):
    dump = tmp_path / "claimskg-2024.ttl"
    shutil.copy(DATA / "sample.ttl", dump)
    run = kb_cli(tmp_path / "store", "ingest", str(dump))
    assert (run.code, run.err) == (0, "")
    # (the triple count is the write pipeline's business: provenance and entity layout add their own)
    assert re.search(rf"\b{GRAPHS} graphs added; \d+ triples, 4 claims written\n", run.out), run.out
    query = kb_cli(tmp_path / "store", "query", "--format", "csv",
                   "SELECT (COUNT(*) AS ?n) WHERE { ?r a schema:ClaimReview ; kb:verdict ?v }")
    assert query.out == "n\n4\n"


def test_the_csv_export_imports_with_the_same_model(make_kb):
    kb = make_kb()
    result = import_claimskg(kb, CSV, "csv", name="sample.csv")
    assert result.claims == 3 and set(result.graphs.values()) == {"added"}
    assert kb.validate().conforms
    claim_list = rows(kb, CLAIMSKG_QUERIES["explorer: previewRequest"])
    assert [(r["claimDate"], r["text"], r["truthRating"], r["claimAuthor"]) for r in claim_list] == [
        ("2020-03-18", "Drinking hot water kills the coronavirus.", "1", "Facebook posts"),
        ("2019-02-11", "The minimum wage has not kept up with inflation since 1968.", "3", "Bernie Sanders"),
        ("2017-08-28", "A photo shows a shark swimming on a flooded highway.", "2", "Unknown"),
    ]
    assert rows(kb, CLAIMSKG_QUERIES["explorer: countAllRequest"]) == [{"count": "3"}]
    (entity,) = rows(kb, CLAIMSKG_QUERIES['explorer: filterEntities("wind")'].replace('"wind"', '"hot"'))
    assert entity == {"entity": "hot water"}


def test_bad_claimskg_input_is_refused(make_kb):
    kb = make_kb()
    with pytest.raises(InputError, match="not a ClaimsKG CSV export"):
        import_claimskg(kb, b"a,b\n1,2\n", "csv", name="x.csv")
    with pytest.raises(InputError, match="holds no schema:ClaimReview"):
        import_claimskg(kb, b"<http://a> <http://b> <http://c> .", "nt", name="x.nt")
    with pytest.raises(ParseError):
        import_claimskg(kb, b"this is not turtle", "turtle", name="x.ttl")
    assert kb.stats()["graphs"] == 0
