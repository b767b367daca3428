"""The SPARQL 1.1 Graph Store HTTP Protocol: kb.graphstore on both backends, and /rdf-graphs/service."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from behaviour import *  # noqa: F401,F403
from behaviour import small_record
from kb import NotFoundError, ReadOnlyError, ValidationError, graphstore, iris

G = URIRef("https://example.org/graph/people")
PEOPLE = b"""@prefix schema: <http://schema.org/> .
<https://example.org/p/ada> a schema:Person ; schema:name "Ada Lovelace" ; schema:alternateName "Ada" .
"""
MORE = b"""@prefix schema: <http://schema.org/> .
<https://example.org/p/ada> schema:alternateName "Countess of Lovelace" .
<https://example.org/p/ada> schema:description [ schema:name "a note" ] .
"""
BAD = b"""@prefix schema: <http://schema.org/> .
<https://example.org/p/bob> a schema:Person .
"""


def triples(data: bytes, fmt: str = "turtle") -> set:
    g = Graph()
    g.parse(data=data, format=fmt)
    return set(g)


def test_put_get_post_delete(make_kb):
    kb = make_kb()
    assert graphstore.put(kb, G, PEOPLE, "text/turtle").graphs == {G: "added"}
    assert triples(graphstore.get(kb, G, "text/turtle")) == triples(PEOPLE)
    assert graphstore.put(kb, G, PEOPLE, "text/turtle").graphs == {G: "unchanged"}
    info = graphstore.head(kb, G)
    assert (info.exists, info.triples, info.media_type) == (True, 3, "text/turtle")
    assert graphstore.post(kb, G, MORE, "text/turtle").graphs == {G: "replaced"}
    assert len(triples(graphstore.get(kb, G, "application/n-triples"), "nt")) == 6
    assert graphstore.post(kb, G, MORE, "text/turtle").graphs == {G: "unchanged"}  # same body, same skolem IRIs
    assert graphstore.delete(kb, G).graphs == {G: "deleted"}
    assert not graphstore.head(kb, G).exists
    with pytest.raises(NotFoundError):
        graphstore.get(kb, G)
    with pytest.raises(NotFoundError):
        graphstore.delete(kb, G)


def test_the_default_graph_is_the_union_and_post_to_it_ingests(make_kb):
    kb = make_kb()
    kb.ingest_record(small_record(), name="bridge.json")
    graphstore.put(kb, G, PEOPLE, "text/turtle")
    union = triples(graphstore.get(kb, None, "text/turtle"))
    # The stored layout: the two graphs, contributions included, and the entities graph.
    assert len(union) == 96
    bob = BAD.replace(b"a schema:Person .", b'a schema:Person ; schema:name "Bob" .')
    result = graphstore.post(kb, None, bob, "text/turtle")
    assert list(result.graphs.values()) == ["added"]
    assert len(triples(graphstore.get(kb, None))) == 96 + 4 + 2  # Bob's contribution and his description
    with pytest.raises(ReadOnlyError):
        graphstore.put(kb, None, PEOPLE, "text/turtle")
    with pytest.raises(ReadOnlyError):
        graphstore.delete(kb, None)


def test_invalid_or_forbidden_writes_change_nothing(make_kb):
    kb = make_kb()
    graphstore.put(kb, G, PEOPLE, "text/turtle")
    before = kb.backend.dump("nquads", kb.backend.graphs())
    with pytest.raises(ValidationError):
        graphstore.put(kb, G, BAD, "text/turtle")
    with pytest.raises(ValidationError):
        graphstore.post(kb, G, PEOPLE.replace(b'"Ada"', b'"Ada" ; schema:honorificPrefix 42'), "text/turtle")
    with pytest.raises(ReadOnlyError):
        graphstore.put(kb, iris.PROVENANCE_GRAPH, PEOPLE, "text/turtle")
    with pytest.raises(ValidationError):
        # deleting the graph that types the author of stored claims
        kb.ingest_record(small_record(), name="bridge.json")
        person = URIRef("https://w3id.org/claimkb/id/person/jane-roe")
        graphstore.put(kb, G, PEOPLE + f"<{person}> a <http://schema.org/Person> ; <http://schema.org/name> \"Jane Roe\" .".encode(), "text/turtle")
        doc = [g for g in kb.content_graphs() if g != G][0]
        kb.update(f"DELETE DATA {{ GRAPH <{doc}> {{ <{person}> a <http://schema.org/Person> }} }}")
        graphstore.delete(kb, G)
    assert graphstore.head(kb, G).exists


# -- the Flask blueprint -----------------------------------------------------------------
@pytest.fixture
def gsp_client(tmp_path):
    import flask

    from web.app import build_app
    from web.graph_store import bp
    from kb import KnowledgeBase

    knowledge = KnowledgeBase(tmp_path / "store")
    app = build_app({"KB": knowledge, "KB_WRITE_TOKEN": "s3cret", "TESTING": True, "SECRET_KEY": "t"})
    if "graph_store" not in app.blueprints:
        app.register_blueprint(bp)
    assert isinstance(app, flask.Flask)
    yield app.test_client()
    knowledge.close()


AUTH = {"Authorization": "Bearer s3cret"}
URL = f"/rdf-graphs/service?graph={G}"


def test_http_writes_without_any_credentials_are_401(gsp_client):
    for send in (gsp_client.put, gsp_client.post, gsp_client.delete):
        response = send(URL, data=PEOPLE, content_type="text/turtle")
        assert response.status_code == 401
        assert b"Authorization: Bearer" in response.data


def test_http_reads_are_open_and_writes_need_the_token(gsp_client):
    assert gsp_client.get(URL).status_code == 404
    r = gsp_client.put(URL, data=PEOPLE, content_type="text/turtle", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    r = gsp_client.put(URL, data=PEOPLE, content_type="text/turtle", headers=AUTH)
    assert r.status_code == 201
    r = gsp_client.put(URL, data=PEOPLE, content_type="text/turtle", headers=AUTH)
    assert r.status_code == 204
    r = gsp_client.get(URL, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.mimetype == "application/n-triples"
    assert triples(r.data, "nt") == triples(PEOPLE)
    r = gsp_client.head(URL)
    assert r.status_code == 200 and r.headers["X-KB-Triples"] == "3" and r.data == b""
    assert gsp_client.get("/rdf-graphs/service?default").status_code == 200
    assert gsp_client.post(URL, data=MORE, content_type="text/turtle", headers=AUTH).status_code == 204
    assert gsp_client.delete(URL, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert gsp_client.delete(URL, headers=AUTH).status_code == 204
    assert gsp_client.head(URL).status_code == 404


def test_http_bad_requests(gsp_client):
    assert gsp_client.get("/rdf-graphs/service").status_code == 400
    assert gsp_client.get(f"/rdf-graphs/service?default&graph={G}").status_code == 400
    assert gsp_client.get("/rdf-graphs/service?graph=relative/iri").status_code == 400
    assert gsp_client.get(URL, headers={"Accept": "image/png"}).status_code == 406
    assert gsp_client.put(URL, data=PEOPLE, content_type="image/png", headers=AUTH).status_code == 415
    assert gsp_client.put(URL, data=PEOPLE, headers={**AUTH, "Content-Type": "text/turtle/x"}).status_code == 415
    assert gsp_client.put(URL, data=BAD, content_type="text/turtle", headers=AUTH).status_code == 422
    assert gsp_client.put(URL, data=b"<a> <b>", content_type="text/turtle", headers=AUTH).status_code == 400
    assert gsp_client.put("/rdf-graphs/service?default", data=PEOPLE, content_type="text/turtle",
                      headers=AUTH).status_code == 405
    assert gsp_client.get(URL).status_code == 404  # nothing was written
