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


def test_a_syntax_error_is_a_parse_error(kb):
    with pytest.raises(ParseError, match=r"^SPARQL syntax error: error at 1:25"):
        kb.query("SELECT * WHERE { ?s ?p }")


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


def test_kb_query_refuses_updates_in_one_line(store):
    run = kb_cli(store, "query", "CLEAR ALL")
    assert (run.code, run.err) == (
        1, "kb: error: SPARQL Update (INSERT, DELETE, LOAD, ...) is not allowed in a read-only query\n")


def test_kb_query_times_out_in_one_line(store):
    run = kb_cli(store, "query", "--timeout", "1", RUNAWAY)
    assert (run.code, run.err) == (1, "kb: error: the query ran longer than 1 s and was stopped\n")


def test_kb_stats_json(store):
    run = kb_cli(store, "stats", "--json")
    people_and_org, provenance = 7, 14
    assert json.loads(run.out) == {
        "triples": people_and_org + provenance,
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
