"""User queries: read-only, time-limited, capped, in every result format — through the
API and through ``kb query``."""

from __future__ import annotations

import json
import time

import pytest

from kb import KnowledgeBase, ParseError, QueryTimeoutError, ReadOnlyError, UnknownFormatError
from kbtest import kb_cli

PEOPLE = """
@prefix schema: <http://schema.org/> .
<https://w3id.org/claimkb/id/person/ana-ruiz> a schema:Person ; schema:name "Ana Ruiz" ; schema:alternateName "Ruiz" .
<https://w3id.org/claimkb/id/person/bo-li> a schema:Person ; schema:name "Bo Li" .
<https://w3id.org/claimkb/id/org/city-council> a schema:Organization ; schema:name "City Council, \\"North\\"" .
"""
NAMES = "SELECT ?name WHERE { ?x <http://schema.org/name> ?name } ORDER BY ?name"
# A twelve-way cross product of every triple: far longer than any time limit here.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("query-store")
    with KnowledgeBase(path) as kb:
        kb.ingest_rdf(PEOPLE, "turtle", name="people.ttl")
    return path


@pytest.fixture()
def kb(store):
    with KnowledgeBase(store, query_timeout=5) as k:
        yield k


def test_select_results_in_every_format(kb):
    assert kb.query(NAMES, result_format="csv").body == b'name\r\nAna Ruiz\r\nBo Li\r\n"City Council, ""North"""\r\n'
    assert kb.query(NAMES, result_format="tsv").body == b'?name\n"Ana Ruiz"\n"Bo Li"\n"City Council, \\"North\\""\n'
    doc = json.loads(kb.query(NAMES).body)
    assert doc["head"] == {"vars": ["name"]}
    assert [b["name"] for b in doc["results"]["bindings"]] == [
        {"type": "literal", "value": "Ana Ruiz"},
        {"type": "literal", "value": "Bo Li"},
        {"type": "literal", "value": 'City Council, "North"'},
    ]
    xml = kb.query(NAMES, result_format="xml").body.decode()
    assert '<variable name="name"/>' in xml and "<literal>City Council, &quot;North&quot;</literal>" not in xml
    assert '<binding name="name"><literal>City Council, "North"</literal></binding>' in xml


def test_ask_construct_and_describe(kb):
    assert json.loads(kb.query("ASK { ?x <http://schema.org/name> \"Bo Li\" }").body) == {"head": {}, "boolean": True}
    ttl = kb.query(
        "CONSTRUCT { ?p <http://schema.org/name> ?n } WHERE { ?p a <http://schema.org/Person> ; <http://schema.org/name> ?n }",
        result_format="nt",
    ).body.decode()
    assert sorted(ttl.splitlines()) == [
        '<https://w3id.org/claimkb/id/person/ana-ruiz> <http://schema.org/name> "Ana Ruiz" .',
        '<https://w3id.org/claimkb/id/person/bo-li> <http://schema.org/name> "Bo Li" .',
    ]
    described = kb.query("DESCRIBE <https://w3id.org/claimkb/id/person/ana-ruiz>", result_format="nt")
    assert described.form == "DESCRIBE" and described.rows == 3


def test_rows_are_capped_and_the_cut_is_flagged(kb):
    outcome = kb.query(NAMES, result_format="json", max_rows=2)
    assert (outcome.rows, outcome.truncated) == (2, True)
    assert json.loads(outcome.body)["truncated"] is True
    assert kb.query(NAMES, max_rows=3).truncated is False


@pytest.mark.parametrize(
    "query, message",
    [
        ("INSERT DATA { <a> <b> <c> }", "SPARQL Update (INSERT, DELETE, LOAD, ...) is not allowed in a read-only query"),
        ("LOAD <http://127.0.0.1:9/x.ttl>", "SPARQL Update (INSERT, DELETE, LOAD, ...) is not allowed in a read-only query"),
        ("PREFIX s: <http://schema.org/> DELETE WHERE { ?s ?p ?o }",
         "SPARQL Update (INSERT, DELETE, LOAD, ...) is not allowed in a read-only query"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
         "SERVICE is refused: queries here never reach other servers"),
    ],
)
def test_writes_and_service_are_refused(kb, query, message):
    with pytest.raises(ReadOnlyError) as err:
        kb.query(query)
    assert str(err.value) == message


def test_keywords_inside_strings_are_not_syntax(kb):
    body = kb.query('SELECT ?x WHERE { BIND("SERVICE and INSERT" AS ?x) }', result_format="csv").body
    assert body == b"x\r\nSERVICE and INSERT\r\n"


def test_kbs_usual_prefixes_need_no_prefix_lines(kb):
    from kb.vocab import PREFIXES

    assert {"schema", "kb", "prov", "oa", "rdf", "rdfs", "xsd", "owl", "skos", "dcterms"} <= set(PREFIXES)
    binds = " ".join(f"BIND({p}:x AS ?{p})" for p in PREFIXES)
    (row,) = json.loads(kb.query(f"SELECT * WHERE {{ {binds} }}").body)["results"]["bindings"]
    assert {p: v["value"] for p, v in row.items()} == {p: ns + "x" for p, ns in PREFIXES.items()}
    names = kb.query("SELECT ?name WHERE { ?x a schema:Person ; schema:name ?name } ORDER BY ?name",
                     result_format="csv").body
    assert names == b"name\r\nAna Ruiz\r\nBo Li\r\n"
    # A query's own declaration wins: here schema: is https://schema.org/, where nothing is stored.
    own = kb.query("PREFIX schema: <https://schema.org/> SELECT ?n WHERE { ?x schema:name ?n }", result_format="csv")
    assert own.body == b"n\r\n"


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { ?s ?p }",
     "SPARQL syntax error at line 1, column 25: expected LATERAL or SERVICE, near 'SELECT * WHERE { ?s ?p }'"),
    ("SELECT ?name WHERE { ?c foaf:name ?name }",
     "SPARQL syntax error at line 1, column 34: unknown prefix 'foaf:' (declare it with PREFIX foaf: <...>), "
     "near 'WHERE { ?c foaf:name ?name }'"),
    ("SELECT *\nWHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }",  # the line is the query's own, not the engine's
     "SPARQL syntax error at line 4, column 18: expected one of ABS, AVG, DAY, IRI, MAX, MIN, ..., near 'FILTER(?o = ) }'"),
])
def test_a_syntax_error_is_one_readable_line(kb, query, message):
    with pytest.raises(ParseError) as err:
        kb.query(query)
    assert str(err.value) == message and len(message) <= 200


def test_a_syntax_error_never_exceeds_200_characters(kb):
    with pytest.raises(ParseError) as err:
        kb.query("SELECT * WHERE { ?s ?p ?o } LIMIT " + "x" * 500)
    text = str(err.value)
    assert text.startswith("SPARQL syntax error at line 1, column 35: ") and len(text) == 200 and "\n" not in text
    assert "\\u{" not in text and "..=" not in text  # never the engine's Unicode ranges


def test_a_wrong_result_format_is_refused(kb):
    with pytest.raises(UnknownFormatError, match="unknown result format 'turtle' for SELECT"):
        kb.query(NAMES, result_format="turtle")


def test_a_runaway_query_is_stopped_and_the_next_one_answers(kb):
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"^the query ran longer than 1 s and was stopped$"):
        kb.query(RUNAWAY, timeout=1)
    assert time.monotonic() - started < 4
    assert kb.query(NAMES, result_format="csv").body.startswith(b"name\r\nAna Ruiz")


def test_trusted_selects_take_bindings_not_pasted_strings(kb):
    from rdflib import Literal

    rows = kb.select("SELECT ?p ?n WHERE { ?p schema:name ?n }", {"n": Literal('City Council, "North"')})
    assert rows == [{"p": "https://w3id.org/claimkb/id/org/city-council", "n": 'City Council, "North"'}]


# -- the command line ---------------------------------------------------------
def test_kb_query_prints_a_table(store):
    run = kb_cli(store, "query", NAMES)
    assert run.code == 0
    assert run.out == (
        "name\n"
        "---------------------\n"
        "Ana Ruiz\n"
        "Bo Li\n"
        'City Council, "North"\n'
        "(3 rows)\n"
    )


def test_kb_query_reads_a_file_and_prints_json(store, tmp_path):
    (tmp_path / "q.rq").write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    run = kb_cli(store, "query", "-f", str(tmp_path / "q.rq"), "--format", "json")
    assert (run.code, json.loads(run.out)) == (0, {"head": {}, "boolean": True})


def test_the_readme_query_runs_without_prefix_lines(store):
    run = kb_cli(store, "query", "SELECT ?name WHERE { ?x a schema:Person ; schema:name ?name } ORDER BY ?name")
    assert (run.code, run.out) == (0, "name\n--------\nAna Ruiz\nBo Li\n(2 rows)\n")


@pytest.mark.parametrize("fmt, query, expected", [
    ("xml", "SELECT ?name WHERE { ?x schema:name \"Bo Li\" ; schema:name ?name }",
     '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>\n<variable name="name"/>\n'
     '</head>\n<results>\n<result>\n<binding name="name"><literal>Bo Li</literal></binding>\n</result>\n</results>\n'
     "</sparql>\n"),
    ("xml", "ASK { ?x schema:name \"Bo Li\" }",
     '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>true</boolean></sparql>\n'),
    ("json", "SELECT ?name WHERE { ?x schema:name \"Bo Li\" ; schema:name ?name }",
     '{"head": {"vars": ["name"]}, "results": {"bindings": [{"name": {"type": "literal", "value": "Bo Li"}}]}}'),
    ("json", "ASK { ?x schema:name \"Nobody\" }", '{"head": {}, "boolean": false}'),
    ("nt", "CONSTRUCT WHERE { <https://w3id.org/claimkb/id/person/bo-li> schema:name ?n }",
     '<https://w3id.org/claimkb/id/person/bo-li> <http://schema.org/name> "Bo Li" .\n'),
])
def test_kb_query_formats_for_select_ask_and_construct(store, fmt, query, expected):
    run = kb_cli(store, "query", "--format", fmt, query)
    assert (run.code, run.err, run.out) == (0, "", expected)


@pytest.mark.parametrize("fmt, query, message", [
    ("turtle", "SELECT * WHERE { ?s ?p ?o }", "--format turtle does not fit a SELECT query: SELECT gives table, json, xml, csv, tsv"),
    ("nt", "ASK { ?s ?p ?o }", "--format nt does not fit a ASK query: ASK gives table, json, xml, csv, tsv"),
    ("csv", "CONSTRUCT WHERE { ?s ?p ?o }",
     "--format csv does not fit a CONSTRUCT query: CONSTRUCT gives table, json, turtle, trig, nt, nquads, jsonld, xml"),
])
def test_kb_query_refuses_a_format_that_does_not_fit_in_one_consistent_line(store, fmt, query, message):
    run = kb_cli(store, "query", "--format", fmt, query)
    assert (run.code, run.out, run.err) == (1, "", f"kb: error: {message}\n")


def test_kb_query_refuses_updates_in_one_line(store):
    run = kb_cli(store, "query", "CLEAR ALL")
    assert (run.code, run.err) == (
        1, "kb: error: SPARQL Update (INSERT, DELETE, LOAD, ...) is not allowed in a read-only query\n")


def test_kb_query_times_out_in_one_line(store):
    run = kb_cli(store, "query", "--timeout", "1", RUNAWAY)
    assert (run.code, run.err) == (1, "kb: error: the query ran longer than 1 s and was stopped\n")


def test_kb_stats_json(store):
    run = kb_cli(store, "stats", "--json")
    # Every stored quad: the input's 7 triples about two people and an organization kept as their
    # contributions (plus 2 of bookkeeping each), the 7 of their canonical descriptions, 14 of
    # provenance and the store's layout marker.
    contributions, canonical, provenance, layout = 7 + 3 * 2, 7, 14, 1
    assert json.loads(run.out) == {
        "triples": contributions + canonical + provenance + layout,
        "claims": 0, "people": 2, "organizations": 1, "documents": 0, "reviews": 0, "graphs": 1,
    }


def test_reading_commands_work_while_another_process_holds_the_store(store):
    with KnowledgeBase(store):  # as `kb serve` does: the read-write lock is taken
        run = kb_cli(store, "query", "--format", "csv", NAMES)
        assert (run.code, run.out.splitlines()[:2]) == (0, ["name", "Ana Ruiz"])
        stats = kb_cli(store, "stats", "--json")
        assert json.loads(stats.out)["people"] == 2
        ingest = kb_cli(store, "ingest", str(store / "nothing.ttl"))
        assert ingest.code == 1 and "in use by another process" in ingest.err


def test_reading_a_missing_store_is_one_clear_line(tmp_path):
    run = kb_cli(tmp_path / "nowhere", "stats")
    assert (run.code, run.err) == (
        1, f"kb: error: no knowledge base at {tmp_path / 'nowhere'} (create one with `kb init` or `kb ingest`)\n")
