"""/sparql: the SPARQL 1.1 Protocol rules, through HTTP."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from conftest import WRITE_TOKEN

SPEAKERS = """PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?name ?c WHERE { ?c a schema:Claim ; schema:author/schema:name ?name . FILTER(?name = "Elena Varga") }
ORDER BY ?c"""
CONSTRUCT = """PREFIX schema: <http://schema.org/>
CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n . FILTER(?n = "Maria Chen") }"""
FORM = "application/x-www-form-urlencoded"


def names(response: Any) -> list[str]:
    return [b["name"]["value"] for b in response.get_json()["results"]["bindings"]]


def test_get_form_post_and_direct_post_agree(client: Any) -> None:
    get = client.get("/sparql?query=" + quote(SPEAKERS))
    form = client.post("/sparql", data="query=" + quote(SPEAKERS), content_type=FORM)
    direct = client.post("/sparql", data=SPEAKERS, content_type="application/sparql-query")
    for r in (get, form, direct):
        assert r.status_code == 200
        assert r.mimetype == "application/sparql-results+json"
        assert names(r) == ["Elena Varga"] * 4
        assert r.headers["X-KB-Truncated"] == "false" and r.headers["X-KB-Rows"] == "4"


@pytest.mark.parametrize("accept,media,first_line", [
    ("text/csv", "text/csv", "name"),
    ("text/tab-separated-values", "text/tab-separated-values", "?name"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml"),
])
def test_select_formats_by_accept(client: Any, accept: str, media: str, first_line: str) -> None:
    r = client.get("/sparql?query=" + quote(SPEAKERS), headers={"Accept": accept})
    assert r.mimetype == media
    body = r.get_data(as_text=True)
    assert body.splitlines()[0].startswith(first_line)
    assert body.count("Elena Varga") == 4


def test_format_parameter_and_construct(client: Any) -> None:
    csv = client.get("/sparql?format=csv&query=" + quote(SPEAKERS)).get_data(as_text=True)
    lines = csv.replace("\r\n", "\n").splitlines()
    assert lines[0] == "name,c" and len(lines) == 5
    assert all(line.startswith("Elena Varga,https://w3id.org/claimkb/id/claim/") for line in lines[1:])
    ttl = client.get("/sparql?query=" + quote(CONSTRUCT), headers={"Accept": "text/turtle"})
    assert ttl.mimetype == "text/turtle"
    assert '<https://w3id.org/claimkb/id/person/maria-chen> schema:name "Maria Chen"' in ttl.get_data(as_text=True)
    nt = client.get("/sparql?query=" + quote(CONSTRUCT), headers={"Accept": "application/n-triples"})
    assert nt.get_data(as_text=True).strip() == \
        '<https://w3id.org/claimkb/id/person/maria-chen> <http://schema.org/name> "Maria Chen" .'
    ask = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert ask.get_json()["boolean"] is True


def test_graph_parameters(client: Any) -> None:
    docs = client.get("/documents.json").get_json()["items"]
    rail = next(d for d in docs if d["title"].startswith("Minister"))
    graph = rail["iri"].replace("/doc/", "/graph/")
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <http://schema.org/Claim> }"
    r = client.get(f"/sparql?query={quote(q)}&default-graph-uri={quote(graph)}")
    assert r.get_json()["results"]["bindings"][0]["n"]["value"] == "3"
    named = "SELECT ?g WHERE { GRAPH ?g { ?c a <http://schema.org/Claim> } } GROUP BY ?g"
    r = client.get(f"/sparql?query={quote(named)}&named-graph-uri={quote(graph)}")
    assert [b["g"]["value"] for b in r.get_json()["results"]["bindings"]] == [graph]


def test_row_cap_sets_truncation_flag(web_store: Any) -> None:
    from conftest import _app

    app = _app(web_store, KB_MAX_ROWS=5)
    r = app.test_client().get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
    assert r.headers["X-KB-Truncated"] == "true"
    assert r.headers["X-KB-Rows"] == "5" and len(r.get_json()["results"]["bindings"]) == 5


@pytest.mark.parametrize("request_kwargs,status,message", [
    ({"path": "/sparql?format=json"}, 400, "give exactly one 'query' parameter (none was given)"),
    ({"path": "/sparql", "method": "POST", "data": "format=json", "content_type": FORM}, 400,
     "give exactly one 'query' parameter (none was given)"),
    ({"path": "/sparql?query=ASK{}&query=ASK{}"}, 400, "give exactly one 'query' parameter (2 were given)"),
    ({"path": "/sparql?query=" + quote("SELECT WHERE {")}, 400, "SPARQL syntax error"),
    ({"path": "/sparql?query=" + quote("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")},
     400, "SERVICE is refused"),
    ({"path": "/sparql?query=" + quote("INSERT DATA { <a:b> <a:c> <a:d> }")}, 400, "not allowed in a read-only query"),
    ({"path": "/sparql", "method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415, "unsupported Content-Type"),
    ({"path": "/sparql", "method": "POST", "data": "ASK {}", "headers": {"Content-Type": "nonsense"}}, 415, "needs a Content-Type"),
    ({"path": "/sparql", "method": "POST", "data": "ASK {}"}, 415, "needs a Content-Type"),
    ({"path": "/sparql", "method": "POST", "data": "x" * (600 * 1024), "content_type": "application/sparql-query"},
     413, "larger than 512 KB"),
    ({"path": "/sparql?query=ASK{}&format=pdf"}, 400, "unknown format 'pdf'"),
])
def test_bad_requests_get_json_errors(client: Any, request_kwargs: dict[str, Any], status: int, message: str) -> None:
    kwargs = dict(request_kwargs)
    path = kwargs.pop("path")
    method = kwargs.pop("method", "GET")
    r = client.open(path, method=method, **kwargs)
    assert r.status_code == status
    body = r.get_json()
    assert body["status"] == status and message in body["error"]


def test_timeout_is_a_clear_error_and_the_server_keeps_answering(web_store: Any) -> None:
    from conftest import _app

    app = _app(web_store, KB_QUERY_TIMEOUT=0.5)
    client = app.test_client()
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    r = client.get("/sparql?query=" + quote(heavy))
    assert r.status_code == 408
    assert r.get_json()["error"] == "the query ran longer than 0.5 s and was stopped"
    ok = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert ok.status_code == 200 and ok.get_json()["boolean"] is True


def test_update_needs_writes_enabled_and_authentication(web_store: Any, fresh_web: Any) -> None:
    from conftest import _app

    update = 'PREFIX schema: <http://schema.org/> INSERT DATA { GRAPH <https://w3id.org/claimkb/id/graph/x> { <https://w3id.org/claimkb/id/person/x> a schema:Person ; schema:name "X" } }'
    read_only = _app(web_store, KB_WRITE_TOKEN="").test_client()
    r = read_only.post("/sparql", data=update, content_type="application/sparql-update")
    assert r.status_code == 403 and "disabled" in r.get_json()["error"]
    app, knowledge = fresh_web
    client = app.test_client()
    r = client.post("/sparql", data=update, content_type="application/sparql-update")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == 'Bearer realm="kb"'
    r = client.post("/sparql", data="update=" + quote(update), content_type=FORM,
                    headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    before = knowledge.stats()["triples"]
    r = client.post("/sparql", data=update, content_type="application/sparql-update",
                    headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert knowledge.stats()["triples"] > before
    bad = 'PREFIX schema: <http://schema.org/> INSERT DATA { GRAPH <https://w3id.org/claimkb/id/graph/y> { <https://w3id.org/claimkb/id/person/bad> a schema:Person ; schema:name 5 } }'
    after = knowledge.stats()["triples"]
    r = client.post("/sparql", data=bad, content_type="application/sparql-update",
                    headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
    assert r.status_code == 422 and r.get_json()["report"]["conforms"] is False
    assert knowledge.stats()["triples"] == after
