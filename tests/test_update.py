"""SPARQL Update through SHACL validation, atomically, on both backends."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from behaviour import *  # noqa: F401,F403
from behaviour import small_record
from kb import ParseError, ReadOnlyError, ValidationError, iris
from kb.update import plan_update

P = "PREFIX schema: <http://schema.org/> PREFIX kb: <https://w3id.org/claimkb/ns#>\n"
ROE = "<https://w3id.org/claimkb/id/person/jane-roe>"


def state(kb) -> list[str]:
    data = kb.backend.dump("nquads", kb.backend.graphs()).decode()
    return sorted(line for line in data.splitlines() if line.strip())


@pytest.fixture
def kb(make_kb):
    k = make_kb()
    k.ingest_record(small_record(), name="bridge.json")
    return k


def doc_graph(kb) -> URIRef:
    (graph,) = kb.content_graphs()  # the graphs kb keeps itself (entities, provenance) are not content
    return graph


def test_an_update_changes_one_graph_and_records_its_provenance(kb):
    g = doc_graph(kb)
    result = kb.update(
        P + f"DELETE {{ GRAPH <{g}> {{ {ROE} schema:name ?n }} }} "
        f"INSERT {{ GRAPH <{g}> {{ {ROE} schema:name \"Jane Q. Roe\" }} }} "
        f"WHERE {{ GRAPH <{g}> {{ {ROE} schema:name ?n }} }}"
    )
    assert result.graphs == {g: "replaced"}
    assert kb.select("SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }") == [{"n": "Jane Q. Roe"}]
    rows = kb.select(
        "SELECT ?g ?pg ?name ?format WHERE { GRAPH ?pg { ?g prov:wasGeneratedBy ?a . ?a prov:used ?u . "
        "?u rdfs:label ?name ; schema:encodingFormat ?format } } ORDER BY ?name",
        {"g": g, "pg": iris.PROVENANCE_GRAPH},
    )
    assert [(r["name"], r["format"]) for r in rows] == [
        ("SPARQL Update", "application/sparql-update"),
        ("bridge.json", "application/json"),
    ]


def test_a_where_over_the_default_graph_sees_the_union(kb):
    g = doc_graph(kb)
    result = kb.update(
        P + f"WITH <{g}> INSERT {{ ?p schema:alternateName \"J. Roe\" }} "
        "USING <" + str(g) + "> WHERE { ?p a schema:Person }"
    )
    assert result.graphs == {g: "replaced"}
    names = kb.select("SELECT ?a WHERE { ?p a schema:Person ; schema:alternateName ?a } ORDER BY ?a")
    assert names == [{"a": "J. Roe"}, {"a": "Roe"}]
    # No graph named: the WHERE reads kb's default graph, the union of all graphs.
    kb.update(P + f"INSERT {{ GRAPH <{g}> {{ ?p schema:alternateName \"JR\" }} }} WHERE {{ ?p a schema:Person }}")
    assert len(kb.select("SELECT ?a WHERE { ?p schema:alternateName ?a }")) == 3


def test_an_update_that_breaks_the_shapes_is_rejected_and_writes_nothing(kb):
    g = doc_graph(kb)
    before = state(kb)
    with pytest.raises(ValidationError) as caught:
        kb.update(P + f"INSERT DATA {{ GRAPH <{g}> {{ {ROE} schema:honorificPrefix 42 }} }}")
    assert any("schema:honorificPrefix" in v.line() for v in caught.value.report.violations)
    # Removing a type breaks the claims that need their author to be a Person.
    with pytest.raises(ValidationError) as caught:
        kb.update(P + f"DELETE DATA {{ GRAPH <{g}> {{ {ROE} a schema:Person }} }}")
    assert "http://schema.org/author" in {str(v.path) for v in caught.value.report.violations}
    assert state(kb) == before


def test_a_second_name_in_one_article_is_data_not_a_violation(kb):
    """A contribution may carry several names; the canonical description keeps one, the others as aliases."""
    g = doc_graph(kb)
    kb.update(P + f"INSERT DATA {{ GRAPH <{g}> {{ {ROE} schema:name \"JANE ROE\" }} }}")
    rows = kb.select("SELECT ?n ?a WHERE { ?p a schema:Person ; schema:name ?n ; schema:alternateName ?a } ORDER BY ?a")
    assert rows == [{"n": "Jane Roe", "a": "JANE ROE"}, {"n": "Jane Roe", "a": "Roe"}]


def test_refused_updates_write_nothing(kb):
    g = doc_graph(kb)
    before = state(kb)
    with pytest.raises(ReadOnlyError, match="LOAD"):
        kb.update(f"LOAD <http://127.0.0.1:1/data.ttl> INTO GRAPH <{g}>")
    with pytest.raises(ReadOnlyError, match="SERVICE"):
        kb.update(P + f"INSERT {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <http://127.0.0.1:1/> {{ ?s ?p ?o }} }}")
    with pytest.raises(ReadOnlyError, match="named graph"):
        kb.update(P + f"INSERT DATA {{ {ROE} schema:alternateName \"x\" }}")
    with pytest.raises(ReadOnlyError, match="named graph"):
        kb.update(P + "DELETE WHERE { ?p schema:alternateName ?a }")
    with pytest.raises(ReadOnlyError, match="provenance"):
        kb.update(f"DROP GRAPH <{iris.PROVENANCE_GRAPH}>")
    with pytest.raises(ParseError):
        kb.update("INSERT DATA { GRAPH <http://x> { <http://a> <http://b> } }")
    with pytest.raises(ParseError):
        kb.update("SELECT * WHERE { ?s ?p ?o }")
    assert state(kb) == before


def test_drop_graph_deletes_it_when_nothing_else_depends_on_it(kb):
    extra = URIRef("https://example.org/graph/notes")
    kb.update(P + f"INSERT DATA {{ GRAPH <{extra}> {{ <https://example.org/n1> schema:description \"a note\" }} }}")
    assert extra in kb.content_graphs()
    result = kb.update(f"DROP GRAPH <{extra}>")
    assert result.graphs == {extra: "deleted"}
    assert extra not in kb.content_graphs()
    assert kb.ask("ASK { GRAPH ?pg { ?g prov:wasInvalidatedBy ?a } }", {"g": extra, "pg": iris.PROVENANCE_GRAPH})


def test_blank_nodes_are_skolemized_and_a_no_op_writes_nothing(kb):
    g = doc_graph(kb)
    kb.update(P + f"INSERT DATA {{ GRAPH <{g}> {{ {ROE} schema:description [ schema:name \"x\" ] }} }}")
    (row,) = kb.select("SELECT ?p ?d WHERE { ?p schema:description ?d }", {"p": URIRef(ROE[1:-1])})
    assert row["d"].startswith(iris.mint("genid", ""))
    before = state(kb)
    result = kb.update(P + f"DELETE DATA {{ GRAPH <{g}> {{ {ROE} schema:description \"not there\" }} }}")
    assert result.graphs == {g: "unchanged"} and not result.changed
    assert state(kb) == before


def test_the_plan_names_target_and_read_graphs():
    plan = plan_update(
        "PREFIX s: <http://schema.org/> WITH <http://g/2> DELETE { ?a s:name ?n } "
        "INSERT { GRAPH <http://g/3> { ?a s:x 1 } } WHERE { ?a s:name ?n GRAPH <http://g/4> { ?a ?p ?o } }"
    )
    assert plan.targets == {URIRef("http://g/2"), URIRef("http://g/3")}
    assert plan.reads == {URIRef("http://g/2"), URIRef("http://g/4")}
    assert not plan.everything
    assert plan_update("CLEAR ALL").everything
    assert plan_update("INSERT { GRAPH ?g { <http://a> <http://b> 1 } } WHERE { GRAPH ?g { ?s ?p ?o } }").everything
