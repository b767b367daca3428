"""Real SPARQL clients against a running `kb serve`: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import pytest

from behaviour import small_record
from kbtest import served

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

PEOPLE = "PREFIX schema: <http://schema.org/>\nSELECT ?name WHERE { ?p a schema:Person ; schema:name ?name }"
ROE = "https://w3id.org/claimkb/id/person/jane-roe"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from kb import KnowledgeBase

    store = tmp_path_factory.mktemp("served")
    with KnowledgeBase(store) as kb:
        kb.ingest_record(small_record(), name="bridge.json")
    with served(store) as base:
        yield base + "/sparql"


def wrapper(url: str, query: str, fmt: str, method: str = "GET"):
    from SPARQLWrapper import SPARQLWrapper as Client

    client = Client(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_json_xml_and_csv(endpoint, method):
    from SPARQLWrapper import CSV, JSON, XML

    doc = wrapper(endpoint, PEOPLE, JSON, method)
    assert doc["head"]["vars"] == ["name"]
    assert doc["results"]["bindings"] == [{"name": {"type": "literal", "value": "Jane Roe"}}]
    xml = wrapper(endpoint, PEOPLE, XML, method)
    literals = [n.firstChild.data for n in xml.getElementsByTagName("literal")]
    assert literals == ["Jane Roe"]
    table = list(csv.reader(io.StringIO(wrapper(endpoint, PEOPLE, CSV, method).decode())))
    assert table == [["name"], ["Jane Roe"]]


def test_sparqlwrapper_ask_and_construct(endpoint):
    from SPARQLWrapper import JSON, TURTLE

    assert wrapper(endpoint, f"ASK {{ <{ROE}> a <http://schema.org/Person> }}", JSON)["boolean"] is True
    assert wrapper(endpoint, "ASK { <http://example.org/none> ?p ?o }", JSON)["boolean"] is False
    graph = wrapper(
        endpoint,
        "PREFIX schema: <http://schema.org/> CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }",
        TURTLE,
    )
    from rdflib import Graph, Literal, URIRef

    g = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format="turtle")
    assert set(g) == {(URIRef(ROE), URIRef("http://schema.org/name"), Literal("Jane Roe"))}


def test_rdflib_sparqlstore(endpoint):
    from rdflib import Graph, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(endpoint, returnFormat="json")
    graph = Graph(store=store)
    rows = [tuple(r) for r in graph.query(PEOPLE)]
    assert rows == [(Literal("Jane Roe"),)]
    assert (URIRef(ROE), URIRef("http://schema.org/name"), Literal("Jane Roe")) in graph
    names = sorted(str(o) for o in graph.objects(URIRef(ROE), URIRef("http://schema.org/alternateName")))
    assert names == ["Roe"]
    store.close()


def test_a_malformed_query_is_a_400(endpoint):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT ?x WHERE { ?x ", "json")
