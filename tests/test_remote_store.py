"""The behaviour suite on the embedded store, a real `oxigraph serve` and a real
Virtuoso, plus what only the SPARQL-server backend does (bindings, dataset
parameters, Virtuoso's dialect)."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Literal, URIRef

from behaviour import *  # noqa: F401,F403  (fixtures: kb_location, make_kb, oxigraph_server)
from behaviour import OTHER_RECORD, limitation, small_record, start_oxigraph
from kb import KnowledgeBase, ParseError, QueryTimeoutError, ReadOnlyError, ValidationError
from kb.store.remote import RemoteBackend, inject_values

BAD_CLAIM = """
@prefix schema: <http://schema.org/> . @prefix kb: <https://w3id.org/claimkb/ns#> .
<https://example.org/c1> a schema:Claim ; schema:text "x" ; kb:kind kb:NoSuchKind .
"""


def state(kb: KnowledgeBase) -> list[str]:
    """Every stored quad as a sorted list of N-Quads lines."""
    data = kb.backend.dump("nquads", kb.backend.graphs()).decode()
    return sorted(line for line in data.splitlines() if line.strip())


# -- the behaviour suite ------------------------------------------------------------
def test_ingest_stores_the_record_and_its_provenance(make_kb):
    kb = make_kb()
    result = kb.ingest_record(small_record(), name="bridge.json")
    assert list(result.graphs.values()) == ["added"]
    # The record's 76 triples, with what it says about Jane Roe and the Gazette kept as their
    # contributions (2 triples of bookkeeping each, and the article they come from, each).
    assert (result.triples, result.claims) == (76 + 2 * 3, 2)
    # Every quad: the article's graph, 6 of the entities' canonical descriptions, 15 of provenance
    # and the store's layout marker.
    assert kb.stats() == {"triples": 82 + 6 + 15 + 1, "claims": 2, "people": 1, "organizations": 1, "documents": 1,
                          "reviews": 0, "graphs": 1}
    assert len(kb.backend.graphs()) == 3  # the document graph, the entities graph and the provenance graph


def test_reingest_is_a_no_op(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    before = state(kb)
    again = kb.ingest_record(small_record(), name="bridge.json")
    assert list(again.graphs.values()) == ["unchanged"] and not again.changed
    assert state(kb) == before


def test_a_rejected_write_leaves_the_store_unchanged(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    before = state(kb)
    with pytest.raises(ValidationError) as caught:
        kb.ingest_rdf(BAD_CLAIM, "turtle", name="bad.ttl")
    assert not caught.value.report.conforms
    assert any(v.path == URIRef("https://w3id.org/claimkb/ns#kind") for v in caught.value.report.violations)
    assert state(kb) == before


def test_a_second_document_adds_a_graph_and_replacing_one_keeps_the_other(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="a.json")
    kb.ingest_record(OTHER_RECORD, name="b.json")
    assert kb.stats()["documents"] == 2 and kb.stats()["claims"] == 4
    rows = kb.select("SELECT ?t WHERE { ?c a schema:Claim ; kb:kind kb:DirectQuote ; schema:text ?t }")
    # Sorted here: how servers order long literals is test_order_by_sorts_long_literals_by_code_point.
    assert sorted(row["t"] for row in rows) == ["the bridge will reopen in June", "the bridge will reopen in May"]


def test_order_by_sorts_long_literals_by_code_point(make_kb, request):
    limitation(request, "virtuoso", "ORDER BY compares long literals (over 20 characters) by a stored prefix, "
               "then by the order they were stored, not by code point")
    kb = make_kb()
    kb.ingest_record(small_record(), name="a.json")
    kb.ingest_record(OTHER_RECORD, name="b.json")
    rows = kb.select("SELECT ?t WHERE { ?c a schema:Claim ; kb:kind kb:DirectQuote ; schema:text ?t } ORDER BY ?t")
    assert rows == [{"t": "the bridge will reopen in June"}, {"t": "the bridge will reopen in May"}]
    by_str = kb.select("SELECT ?t WHERE { ?c kb:kind kb:DirectQuote ; schema:text ?t } ORDER BY STR(?t)")
    assert by_str == rows


def test_trusted_queries_take_bindings(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    rows = kb.select(
        "SELECT ?name ?c WHERE { ?c schema:author ?p . ?p schema:name ?name }",
        {"name": Literal("Jane Roe")},
    )
    assert len(rows) == 1 and rows[0]["name"] == "Jane Roe"
    assert kb.select("SELECT ?name WHERE { ?p schema:name ?name }", {"name": Literal('no "such" name')}) == []
    assert kb.ask("ASK { ?p schema:name ?name }", {"name": Literal("Jane Roe")}) is True


S = "PREFIX schema: <http://schema.org/> "


def test_user_queries_in_every_result_form(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    out = kb.query(S + "SELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }")
    assert json.loads(out.body)["results"]["bindings"] == [{"name": {"type": "literal", "value": "Jane Roe"}}]
    assert kb.query(S + "SELECT ?name WHERE { ?p schema:name ?name } ORDER BY ?name", result_format="csv").body == (
        b"name\r\nExample Gazette\r\nJane Roe\r\n"
    )
    assert json.loads(kb.query(S + "ASK { ?p schema:name \"Jane Roe\" }").body)["boolean"] is True
    graph = kb.query(S + "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }",
                     result_format="nt")
    assert graph.body == b'<https://w3id.org/claimkb/id/person/jane-roe> <http://schema.org/name> "Jane Roe" .\n'
    capped = kb.query("SELECT ?s WHERE { ?s ?p ?o }", max_rows=3)
    assert capped.rows == 3 and capped.truncated


def test_user_queries_honour_the_dataset_parameters(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    from kb import iris

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    pg = str(iris.PROVENANCE_GRAPH)
    only_prov = json.loads(kb.query(count, default_graphs=[pg]).body)
    assert only_prov["results"]["bindings"][0]["n"]["value"] == "16"  # 15 of the ingest, the layout marker
    named = json.loads(kb.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[pg]).body)
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [pg]


def test_refused_and_malformed_user_queries(make_kb):
    kb = make_kb()
    with pytest.raises(ReadOnlyError):
        kb.query("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    with pytest.raises(ReadOnlyError):
        kb.query("INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(ParseError):
        kb.query("SELECT ?s WHERE { ?s ?p }")


def test_export_round_trips_into_a_new_store(make_kb, tmp_path):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    data = kb.export("trig")
    with KnowledgeBase(tmp_path / "copy") as copy:
        copy.ingest_rdf(data, "trig", name="export.trig")
        again = copy.export("trig")
    a, b = Dataset(), Dataset()
    a.parse(data=data, format="trig")
    b.parse(data=again, format="trig")
    quads_a, quads_b = set(a.quads()), set(b.quads())  # no blank nodes: kb skolemizes them
    # 82 in the article's graph, 6 in the entities graph (kb derives it again on ingest)
    assert quads_a == quads_b and len(quads_a) == 82 + 6


def test_full_validation_passes(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    report = kb.validate()
    assert report.conforms, report.text()


# -- only the SPARQL-server backend --------------------------------------------------
def test_values_are_injected_as_data_never_as_syntax():
    q = 'PREFIX x: <http://x/> SELECT ?a WHERE { # { in a comment\n ?a ?b "{" }'
    out = inject_values(q, {"a": URIRef("http://e/1"), "b": Literal('"} } DROP ALL ; {')})
    assert out == (
        'PREFIX x: <http://x/> SELECT ?a WHERE { VALUES (?a ?b) { (<http://e/1> "\\"} } DROP ALL ; {") }  '
        '# { in a comment\n ?a ?b "{" }'
    )
    assert inject_values(q, None) == q
    with pytest.raises(ValueError):
        inject_values(q, {"a": URIRef("http://e/> } DROP ALL")})


def test_every_union_mode_that_oxigraph_understands_gives_the_same_answers(oxigraph_server, monkeypatch):
    oxigraph_server.update("DROP ALL")
    with KnowledgeBase(oxigraph_server.url) as kb:
        kb.ingest_record(small_record(), name="bridge.json")
        expected = kb.stats()
    for mode in ("oxigraph", "graphs"):
        monkeypatch.setenv("KB_STORE_UNION", mode)
        with KnowledgeBase(oxigraph_server.url) as kb:
            assert kb.backend.union == mode
            assert kb.stats() == expected
    # Without a union, Oxigraph's default graph is its real (empty) default graph.
    monkeypatch.setenv("KB_STORE_UNION", "native")
    with KnowledgeBase(oxigraph_server.url) as kb:
        assert kb.stats()["claims"] == 0


def test_explicit_endpoints_and_no_rdflib_default_graph_trap(oxigraph_server, monkeypatch):
    oxigraph_server.update("DROP ALL")
    monkeypatch.setenv("KB_STORE_QUERY", oxigraph_server.url + "/query")
    monkeypatch.setenv("KB_STORE_UPDATE", oxigraph_server.url + "/update")
    sent: list[bytes] = []
    original = RemoteBackend._post

    def spy(self, url, body, *args, **kwargs):
        sent.append(body)
        return original(self, url, body, *args, **kwargs)

    monkeypatch.setattr(RemoteBackend, "_post", spy)
    with KnowledgeBase("https://unused.invalid/ignored") as kb:
        assert kb.backend.query_endpoint == oxigraph_server.url + "/query"
        kb.ingest_record(small_record(), name="bridge.json")
        kb.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert sent and not any(b"x-rdflib" in body for body in sent)


def test_an_unreachable_server_is_a_store_error(monkeypatch):
    from behaviour import free_port
    from kb import StoreError

    # Opening checks the store's layout (kb.writing.upgrade), so the error may come at open.
    with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
        with KnowledgeBase(f"http://127.0.0.1:{free_port()}") as kb:
            kb.stats()


def test_a_slow_query_times_out_and_the_server_keeps_answering(tmp_path):
    server = start_oxigraph(tmp_path / "slow", "--timeout-s", "3")
    try:
        with KnowledgeBase(server.url) as kb:
            kb.ingest_record(small_record(), name="bridge.json")
            slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
            with pytest.raises(QueryTimeoutError):
                kb.query(slow, timeout=0.5)
            assert kb.stats()["claims"] == 2
    finally:
        server.stop()


# -- only Virtuoso -------------------------------------------------------------------
def _many_quads(graph: str, n: int) -> list:
    g = URIRef(graph)
    return [(URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/p"), Literal(f"value {i} é \"q\""), g)
            for i in range(n)]


def test_virtuoso_takes_a_write_larger_than_its_insert_data_limit_in_one_piece(virtuoso_server, monkeypatch):
    virtuoso_server.clear()
    for name, value in virtuoso_server.environment().items():
        monkeypatch.setenv(name, value)
    backend = RemoteBackend(virtuoso_server.url)
    assert backend.graph_store_endpoint == virtuoso_server.url + "/sparql-graph-crud"
    backend.write(add=_many_quads("https://example.org/g/old", 3))
    backend.write(drop=[URIRef("https://example.org/g/old")], add=_many_quads("https://example.org/g/big", 6000))
    assert backend.graphs() == [URIRef("https://example.org/g/big")]  # no staging graph is left
    assert backend.count() == 6000
    rows = list(backend.triples(URIRef("https://example.org/s5999")))
    assert [(str(o), str(g)) for _s, _p, o, g in rows] == [('value 5999 é "q"', "https://example.org/g/big")]


def test_virtuoso_large_write_that_fails_leaves_nothing(virtuoso_server, monkeypatch):
    from kb import StoreError

    virtuoso_server.clear()
    for name, value in virtuoso_server.environment().items():
        monkeypatch.setenv(name, value)
    backend = RemoteBackend(virtuoso_server.url)
    backend.write(add=_many_quads("https://example.org/g/old", 3))
    before = backend.dump("nquads", backend.graphs())
    # The uploads succeed; the final request (drop the old graph, move the new one in)
    # is made unreadable on its way, so Virtuoso refuses it.
    original = RemoteBackend.run_update

    def garble(self, update):
        return original(self, update.replace("ADD SILENT", "ADD SILENTLY"))

    monkeypatch.setattr(RemoteBackend, "run_update", garble)
    with pytest.raises(StoreError, match="the write failed and nothing was stored"):
        backend.write(drop=[URIRef("https://example.org/g/old")], add=_many_quads("https://example.org/g/new", 600))
    assert backend.dump("nquads", backend.graphs()) == before
    unfiltered = backend.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)[1]
    assert not [r for r in unfiltered if r["g"].value.startswith("urn:kb:staging:")]


def test_virtuoso_ask_is_a_boolean_in_user_queries_too(virtuoso_server, monkeypatch):
    virtuoso_server.clear()
    for name, value in virtuoso_server.environment().items():
        monkeypatch.setenv(name, value)
    with KnowledgeBase(virtuoso_server.url) as kb:
        kb.ingest_record(small_record(), name="bridge.json")
        assert kb.ask("ASK { ?p schema:name ?name }", {"name": Literal("Jane Roe")}) is True
        assert kb.ask("ASK { ?p schema:name ?name }", {"name": Literal("Nobody")}) is False
        assert json.loads(kb.query(S + 'ASK { ?p schema:name "Nobody" }').body) == {"head": {}, "boolean": False}
        assert kb.query(S + 'ASK { ?p schema:name "Jane Roe" }', result_format="csv").body.split() == [
            b"_askResult", b"true"]


# -- where kb keeps a server store's own files ----------------------------------------------
def test_a_server_stores_history_is_user_data_and_its_indexes_are_cache(tmp_path, monkeypatch):
    import hashlib
    import tempfile

    from kb.browse.index import index_path
    from kb.store.beside import beside
    from kb.writing.history import history_location

    url = "http://127.0.0.1:7878/query"
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KB_HISTORY", raising=False)
    monkeypatch.delenv("KB_BROWSE_INDEX", raising=False)
    # An older kb kept the history in the temporary folder: it is moved over, once.
    legacy = tmp_path / "tmp" / f"kb-history-{key}"
    legacy.mkdir(parents=True)
    (legacy / "CURRENT").write_text("x", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))

    assert history_location(url) == str(tmp_path / "data" / "claimkb" / key / "history")
    assert (tmp_path / "data" / "claimkb" / key / "history" / "CURRENT").read_text(encoding="utf-8") == "x"
    assert not legacy.exists()
    assert (tmp_path / "data" / "claimkb" / key / "server.txt").read_text(encoding="utf-8") == url + "\n"
    assert index_path(url) == str(tmp_path / "cache" / "claimkb" / key / "browse-index.sqlite3")
    # An embedded store keeps everything in its own folder.
    assert beside(str(tmp_path / "store"), "write.lock") == str(tmp_path / "store" / "write.lock")
    assert history_location(str(tmp_path / "store")) == str(tmp_path / "store" / "history")


def test_an_unwritable_user_folder_is_a_store_error(tmp_path, monkeypatch):
    from kb import StoreError
    from kb.store.beside import beside

    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where a folder must go
    with pytest.raises(StoreError, match=r"cannot keep kb's files for http://h/sparql in .*; set XDG_DATA_HOME and XDG_CACHE_HOME to writable folders$"):
        beside("http://h/sparql", "browse-index.sqlite3")
