"""A growing corpus: entities described once, no article refused for what another says,
history instead of deletion, and stores of the old layout upgraded (issue 8)."""

from __future__ import annotations

import copy
import json

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from behaviour import OTHER_RECORD, small_record
from kb import KnowledgeBase, ValidationError, iris
from kb.writing.mapping import record_to_graph
from kb.record import parse_record
from kb.store.convert import to_ox
from kbtest import kb_cli

ROE = "https://w3id.org/claimkb/id/person/jane-roe"
PEOPLE = "SELECT ?p ?name WHERE { ?p a schema:Person ; schema:name ?name } ORDER BY ?name"


def _with_title(record: dict, title: str, name: str = "Jane Roe") -> dict:
    out = copy.deepcopy(record)
    for e in out["entities"]:
        if e["name"] == "Jane Roe":
            e["honorific"] = title
            e["aliases"] = [name] if name != "Jane Roe" else e.get("aliases", [])
    return out


def test_articles_that_differ_about_a_person_are_both_stored_and_described_once(tmp_path):
    """"Mr." in one article, "Dr." in another: data, never a violation; one canonical description."""
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(_with_title(small_record(), "Mr."), name="a.json")
        kb.ingest_record(_with_title(OTHER_RECORD, "Dr.", name="JANE ROE"), name="b.json")
        kb.ingest_record(_with_title(small_record(TEXT_3, "July"), "Dr."), name="c.json")
        assert kb.select(PEOPLE) == [{"p": ROE, "name": "Jane Roe"}]
        # The most used title wins in the canonical view; every article keeps its own wording.
        assert kb.select("SELECT ?t WHERE { ?p a schema:Person ; schema:honorificPrefix ?t }") == [{"t": "Dr."}]
        titles = kb.select(
            "SELECT ?p ?t (COUNT(*) AS ?n) WHERE { ?c prov:specializationOf ?p ; kb:titleAsWritten ?t } GROUP BY ?p ?t ORDER BY ?t",
            {"p": URIRef(ROE)},
        )
        assert titles == [{"p": ROE, "t": "Dr.", "n": 2}, {"p": ROE, "t": "Mr.", "n": 1}]
        aliases = kb.select("SELECT ?a WHERE { ?p a schema:Person ; schema:alternateName ?a } ORDER BY ?a")
        assert aliases == [{"a": "JANE ROE"}, {"a": "Roe"}]
        # A join of claims and people repeats no row, without DISTINCT.
        rows = kb.select("SELECT ?c ?n WHERE { ?c a schema:Claim ; schema:author ?p . ?p schema:name ?n }")
        assert len(rows) == 3 and len({(r["c"], r["n"]) for r in rows}) == 3
        assert kb.validate().conforms


TEXT_3 = small_record()["document"]["text"].replace("May", "July")


def test_removing_an_article_removes_only_what_it_alone_said(tmp_path):
    with KnowledgeBase(tmp_path / "s") as kb:
        a = kb.ingest_record(_with_title(small_record(), "Mr."), name="a.json")
        kb.ingest_record(_with_title(OTHER_RECORD, "Dr."), name="b.json")
        kb.remove(str(a.documents[0]), reason="a duplicate")
        assert kb.select("SELECT ?t WHERE { ?p a schema:Person ; schema:honorificPrefix ?t }") == [{"t": "Dr."}]
        b = kb.graph_of(str(kb.select("SELECT ?d WHERE { ?d a schema:NewsArticle }")[0]["d"]))
        kb.remove(str(b))
        assert kb.select(PEOPLE) == []  # no article says anything about her any more
        assert kb.stats()["claims"] == 0


def test_remove_history_and_restore_through_the_cli(tmp_path):
    store = tmp_path / "s"
    record = tmp_path / "bridge.json"
    record.write_text(json.dumps(small_record()), encoding="utf-8")
    assert kb_cli(store, "ingest", str(record)).code == 0
    doc, graph = record_to_graph(parse_record(small_record()))
    claims = kb_cli(store, "query", "--format", "csv", "SELECT ?c WHERE { ?c a schema:Claim } ORDER BY ?c").out.split()[1:]
    assert len(claims) == 2

    removed = kb_cli(store, "remove", str(doc), "--reason", "retracted by the outlet")
    assert removed.code == 0, removed.err
    assert removed.out.startswith("1 graph deleted; 0 triples, 0 claims written; previous version kept as ")
    version = removed.out.rsplit(" ", 1)[1].strip()
    assert kb_cli(store, "query", "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { ?c a schema:Claim }").out == "n\n0\n"

    for iri in (str(doc), claims[0]):
        listed = json.loads(kb_cli(store, "history", iri, "--format", "json").out)
        assert [(v["version"], v["action"], v["reason"], v["document"]) for v in listed] == [
            (version, "removed", "retracted by the outlet", str(doc))
        ]
        assert listed[0]["agent"].startswith("kb ") and " remove " in listed[0]["agent"]
    # The documented convention: the history is a store of its own, and kb's reading commands query it.
    archive = kb_cli(store / "history", "query", "--format", "csv",
                     "SELECT ?v ?action WHERE { ?v a kb:Version ; kb:action ?action }")
    assert archive.out.split() == ["v,action", f"{version},removed"]
    table = kb_cli(store, "history", str(doc)).out.splitlines()
    assert table[0].split() == ["archived", "action", "by", "reason", "triples", "version"]

    restored = kb_cli(store, "restore", version)
    assert (restored.code, restored.out.split(";")[0]) == (0, "1 graph added")
    after = kb_cli(store, "query", "--format", "csv", "SELECT ?c WHERE { ?c a schema:Claim } ORDER BY ?c").out.split()[1:]
    assert after == claims
    assert kb_cli(store, "validate").code == 0


def test_a_replaced_record_is_archived_and_one_claim_can_be_removed(tmp_path):
    with KnowledgeBase(tmp_path / "s") as kb:
        first = kb.ingest_record(small_record(), name="bridge.json")
        doc = first.documents[0]
        fixed = small_record()
        fixed["claims"][0]["cue"] = None
        result = kb.ingest_record(fixed, name="bridge-fixed.json")
        assert set(result.graphs.values()) == {"replaced"} and len(result.versions) == 1
        (old,) = kb.versions(str(doc))
        assert (old.action, old.version if hasattr(old, "version") else old.iri) == ("replaced", str(result.versions[0]))
        assert ox.Literal("said") in {t[2] for t in kb.history.content(old.iri)}
        quote = kb.select("SELECT ?c WHERE { ?c kb:kind kb:DirectQuote }")[0]["c"]
        gone = kb.remove(quote, reason="misattributed")
        assert set(gone.graphs.values()) == {"replaced"}
        assert kb.select("SELECT ?c WHERE { ?c a schema:Claim }") != [] and kb.ask("ASK { ?c kb:kind kb:ReportedFact }")
        assert not kb.ask("ASK { ?c kb:kind kb:DirectQuote }")
        assert [v.action for v in kb.versions(quote)] == ["replaced", "removed"]


def test_a_removal_that_would_leave_a_review_dangling_is_refused(tmp_path):
    review = """
    @prefix schema: <http://schema.org/> . @prefix kb: <https://w3id.org/claimkb/ns#> .
    <https://example.org/r1> a schema:ClaimReview ; schema:itemReviewed <CLAIM> ;
        schema:author <https://example.org/checker> ; kb:verdict kb:VerdictFalse ;
        schema:reviewRating <https://example.org/r1#rating> .
    <https://example.org/r1#rating> a schema:Rating ; schema:alternateName "False" .
    <https://example.org/checker> a schema:Organization ; schema:name "Checker" .
    """
    with KnowledgeBase(tmp_path / "s") as kb:
        result = kb.ingest_record(small_record(), name="bridge.json")
        claim = kb.select("SELECT ?c WHERE { ?c kb:kind kb:DirectQuote }")[0]["c"]
        kb.ingest_rdf(review.replace("CLAIM", claim), "turtle", name="review.ttl")
        with pytest.raises(ValidationError):
            kb.remove(str(result.documents[0]))
        assert kb.stats()["claims"] == 2 and kb.versions(str(result.documents[0])) == []


def _write_old_layout(path, records) -> None:
    """A store as kb 0.1 wrote it: every article's graph describes the people it names."""
    store = ox.Store(str(path))
    for rec in records:
        doc, graph = record_to_graph(parse_record(rec))
        g = ox.NamedNode(str(iris.graph_iri(iris.local_path(doc).split("/", 1)[1])))
        store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in graph)
    store.flush()
    del store


def test_a_store_of_the_old_layout_is_upgraded_when_opened(tmp_path):
    path = tmp_path / "old"
    _write_old_layout(path, [_with_title(small_record(), "Mr."), _with_title(OTHER_RECORD, "Dr.")])
    old = ox.Store.read_only(str(path))
    copies = list(old.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{ROE}> a ?t }} }}"))
    assert len(copies) == 2  # one description per article: what the upgrade removes
    del old
    with KnowledgeBase(path) as kb:  # opened for writing: upgraded
        assert kb.select(PEOPLE) == [{"p": ROE, "name": "Jane Roe"}]
        assert len(kb.select("SELECT ?p ?g WHERE { GRAPH ?g { ?p a schema:Person } }", {"p": URIRef(ROE)})) == 1
        assert kb.validate().conforms
        assert kb.upgrade() == 0
    assert kb_cli(path, "upgrade").out == "store layout is current (0 graphs upgraded)\n"


@pytest.fixture
def web(tmp_path):
    from web.app import build_app

    knowledge = KnowledgeBase(tmp_path / "store")
    app = build_app({"KB": knowledge, "KB_WRITE_TOKEN": "s3cret", "TESTING": True, "SECRET_KEY": "t"})
    yield app.test_client(), knowledge
    knowledge.close()


def test_a_graph_store_delete_leaves_a_410_page_and_the_lists_drop_the_claim_at_once(web):
    client, knowledge = web
    result = knowledge.ingest_record(small_record(), name="bridge.json")
    (graph,) = result.graphs
    claims = [r["c"] for r in knowledge.select("SELECT ?c WHERE { ?c a schema:Claim } ORDER BY ?c")]
    listed = client.get("/claims.json").get_json()
    assert sorted(c["iri"] for c in listed["items"]) == claims
    path = "/" + claims[0].split("/claimkb/", 1)[1]
    assert client.get(path).status_code == 200

    response = client.delete(f"/rdf-graphs/service?graph={graph}&reason=wrong+article",
                             headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 204
    assert client.get("/claims.json").get_json()["items"] == []
    page = client.get(path)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "removed" in text and "wrong article" in text
    (version,) = knowledge.versions(claims[0])
    assert version.action == "removed" and version.reason == "wrong article" and version.agent == "web"
    assert version.iri.split("/claimkb/", 1)[1] in text
    gone = client.get(path + ".json")
    assert gone.status_code == 410
    assert gone.get_json()["removal"]["version"] == version.iri
    archived = client.get("/" + version.iri.split("/claimkb/", 1)[1])
    assert archived.status_code == 200 and "the bridge will reopen in May" in archived.get_data(as_text=True)
    assert client.get("/id/claim/never-was").status_code == 404


def test_a_graph_store_write_does_not_depend_on_unrelated_graphs(tmp_path):
    """The same two graphs, PUT in either order, are both accepted, with the same content."""
    from kb import graphstore

    bodies = {}
    for name, rec in (("a", small_record()), ("b", OTHER_RECORD)):
        _doc, g = record_to_graph(parse_record(rec))
        bodies[URIRef(f"https://example.org/graph/{name}")] = g.serialize(format="turtle").encode()
    outcomes = []
    for order in (["a", "b"], ["b", "a"]):
        with KnowledgeBase(tmp_path / "-".join(order)) as kb:
            for name in order:
                graph = URIRef(f"https://example.org/graph/{name}")
                assert graphstore.put(kb, graph, bodies[graph], "text/turtle").graphs == {graph: "added"}
            outcomes.append(sorted(kb.export("nquads").decode().splitlines()))
            assert kb.validate().conforms
    assert outcomes[0] == outcomes[1]


def test_the_same_bytes_under_two_names_and_two_spellings_of_an_agent_stay_valid(tmp_path):
    """Each input and each agent has one label: the same bytes ingested as two files, and
    "Jane Roe" / "jane roe" as curators, are four nodes, and the store still validates."""
    import json as _json

    from kb import KnowledgeBase

    from pathlib import Path

    record = _json.loads((Path(__file__).resolve().parents[1] / "web" / "demo" / "01_flood_barrier.json").read_text())
    data = _json.dumps(record).encode()
    with KnowledgeBase(tmp_path / "store") as knowledge:
        knowledge.ingest_bytes(data, "a.json", agent="Jane Roe")
        knowledge.ingest_bytes(data.replace(b"flood", b"Flood"), "b.json", agent="jane roe")
        first = knowledge.ingest_bytes(data, "c.json")
        assert first.graphs and set(first.graphs.values()) == {"unchanged"}  # the same bytes again: a no-op
        graph = next(g for g in knowledge.ingest_bytes(data, "a.json").graphs)
        knowledge.remove(str(graph), agent="Jane Roe", reason="test")
        assert set(knowledge.ingest_bytes(data, "c.json").graphs.values()) == {"added"}  # back, under another name
        labels = knowledge.select(
            "SELECT ?n ?label WHERE { ?n rdfs:label ?label . FILTER(CONTAINS(STR(?n), '/input/') || CONTAINS(STR(?n), '/agent/')) }")
        assert sorted(r["label"] for r in labels) == [
            "Jane Roe", "a.json", "b.json", "c.json", "jane roe", f"remove {graph}"]
        assert knowledge.validate().conforms
