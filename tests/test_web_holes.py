"""The holes of issue 9, each closed, through the real app (Flask test client) and the real `kb` command."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from rdflib import Dataset, Graph

from conftest import WRITE_TOKEN, _app
from kbtest import ROOT, kb_cli

DEMO = ROOT / "web" / "demo"
FORM = "application/x-www-form-urlencoded"
INSERT = ('INSERT DATA { GRAPH <https://w3id.org/claimkb/id/graph/x> { <https://w3id.org/claimkb/id/person/x> '
          'a <http://schema.org/Person> ; <http://schema.org/name> "X" } }')
ASK_X = "ASK { <https://w3id.org/claimkb/id/person/x> ?p ?o }"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client: Any) -> str:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token, "next": "/ingest"})
    assert r.status_code == 302
    return csrf_of(client.get("/ingest").get_data(as_text=True))


def boolean(client: Any, query: str) -> bool:
    return bool(client.get("/sparql?query=" + quote(query)).get_json()["boolean"])


# -- updates only by POST -----------------------------------------------------------------
def test_an_update_by_get_is_refused_even_for_a_logged_in_browser(fresh_web: Any) -> None:
    app, _ = fresh_web
    client = app.test_client()
    login(client)
    r = client.get("/sparql?update=" + quote(INSERT))
    assert r.status_code == 405 and r.get_json()["error"] == "SPARQL Update is sent by POST only"
    r = client.get("/sparql?update=" + quote(INSERT), headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
    assert r.status_code == 405
    assert boolean(client, ASK_X) is False
    # By POST without the page's CSRF token the browser session is not enough.
    r = client.post("/sparql", data="update=" + quote(INSERT), content_type=FORM)
    assert r.status_code == 400 and "CSRF" in r.get_json()["error"]
    assert boolean(client, ASK_X) is False


# -- redirects after login stay on the site -------------------------------------------------
@pytest.mark.parametrize("target", ["//evil.example", "/\t/evil.example", "/%09/evil.example", "/\\evil.example",
                                    "/\r\nSet-Cookie: x=1", "https://evil.example/", "/\n/evil.example",
                                    "javascript:alert(1)"])
def test_next_only_goes_to_local_paths(client: Any, target: str) -> None:
    form = client.get("/login?next=" + quote(target, safe="")).get_data(as_text=True)
    nxt = re.search(r'name="next" value="([^"]*)"', form)
    assert nxt is None or nxt.group(1) in ("/", "/%09/evil.example")
    token = csrf_of(form)
    r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token, "next": target})
    assert r.status_code == 302
    location = r.headers["Location"]
    # "/%09/evil.example" is a path on this site (the %09 stays encoded); everything else goes home.
    assert location in ("/", "/%09/evil.example")
    assert not location.startswith("//") and "\n" not in location


def test_a_local_next_is_kept(client: Any) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token, "next": "/claims?q=a"})
    assert r.headers["Location"] == "/claims?q=a"


# -- login attempts are rate-limited --------------------------------------------------------
def test_failed_logins_are_rate_limited(fresh_web: Any) -> None:
    from web.security import LOGIN_LIMITER

    app, _ = fresh_web
    client = app.test_client()
    address = {"REMOTE_ADDR": "203.0.113.9"}
    token = csrf_of(client.get("/login").get_data(as_text=True))
    try:
        for _ in range(5):
            r = client.post("/login", data={"token": "guess", "csrf_token": token}, environ_base=address)
            assert r.status_code == 401
        r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token}, environ_base=address)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert "too many failed logins" in r.get_data(as_text=True)
        # Another address is not affected.
        r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "203.0.113.10"})
        assert r.status_code == 302
    finally:
        LOGIN_LIMITER.succeeded("203.0.113.9")


# -- the session cookie is Secure over HTTPS ----------------------------------------------
def _cookie_after_login(client: Any, **kwargs: Any) -> str:
    token = csrf_of(client.get("/login", **kwargs).get_data(as_text=True))
    r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token}, **kwargs)
    assert r.status_code == 302
    return next(h for h in r.headers.getlist("Set-Cookie") if h.startswith("kb_session="))


def test_session_cookie_is_secure_over_https_or_behind_a_trusted_proxy(web_store: Any) -> None:
    plain = _app(web_store)
    assert "Secure" not in _cookie_after_login(plain.test_client())
    assert "Secure" in _cookie_after_login(plain.test_client(), base_url="https://kb.example")
    # X-Forwarded-Proto counts only when a proxy is trusted (KB_PROXY_HOPS).
    forwarded = {"headers": {"X-Forwarded-Proto": "https"}}
    assert "Secure" not in _cookie_after_login(plain.test_client(), **forwarded)
    proxied = _app(web_store, KB_PROXY_HOPS=1)
    assert "Secure" in _cookie_after_login(proxied.test_client(), **forwarded)


# -- only http, https and mailto URLs become links ------------------------------------------
def test_javascript_urls_are_not_links(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    record = json.loads((DEMO / "01_flood_barrier.json").read_text())
    record["document"]["url"] = "javascript:alert(1)"
    record["document"]["text"] = record["document"]["text"] + "\n\nA last line."
    knowledge.ingest_record(record, name="evil.json")
    doc = next(iri for iri in (r["iri"] for r in knowledge.select(
        'SELECT ?iri WHERE { ?iri schema:url ?u FILTER(STR(?u) = "javascript:alert(1)") }')))
    client = app.test_client()
    path = "/id/" + doc.split("/id/", 1)[1]
    html = client.get(path).get_data(as_text=True)
    assert "javascript:alert(1)" in html  # shown as text
    assert 'href="javascript:' not in html
    good = client.get("/id/" + str(knowledge.select(
        'SELECT ?iri WHERE { ?iri schema:url ?u FILTER(STRSTARTS(STR(?u), "https://example.org/coastal")) }'
    )[0]["iri"]).split("/id/", 1)[1]).get_data(as_text=True)
    assert 'href="https://example.org/coastal-ledger/flood-barrier"' in good


def test_linkable() -> None:
    from web.filters import linkable

    assert [linkable(u) for u in ("https://a.example/", "http://a", "mailto:x@y.example", "javascript:alert(1)",
                                  "java\tscript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "vbscript:x",
                                  "//evil.example", None)] == [True, True, True] + [False] * 7


# -- bad query parameters give 400 ----------------------------------------------------------
@pytest.mark.parametrize("query", ["document=x%22y", "document=%3Cscript%3E", "document=a%00b", "format=pdf"])
def test_bad_export_parameters_are_400(client: Any, query: str) -> None:
    r = client.get("/export/download?" + query, headers={"Accept": "application/json"})
    assert r.status_code == 400, r.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/id/graph/x%22y", "/id/graph/%3Cscript%3E", "/id/claim/a%00b", "/id/person/x%5Cy.ttl"])
def test_iris_no_store_could_hold_are_404(client: Any, path: str) -> None:
    r = client.get(path, headers={"Accept": "application/json"})
    assert r.status_code == 404, r.get_data(as_text=True)


def test_an_update_with_a_nul_is_refused(fresh_web: Any) -> None:
    app, _ = fresh_web
    client = app.test_client()
    update = INSERT.replace('"X"', '"X\\u0000"')
    r = client.post("/sparql", data=update, content_type="application/sparql-update",
                    headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
    assert r.status_code == 400 and "control character" in r.get_json()["error"]
    assert boolean(client, ASK_X) is False


# -- deep or oversized JSON -----------------------------------------------------------------
def test_deep_json_is_one_clear_line_from_kb_ingest(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    run = kb_cli(tmp_path / "store", "ingest", str(deep))
    assert run.code == 1 and len(run.err.strip().splitlines()) == 1
    assert run.err.rstrip().endswith(f"{deep}: JSON nested deeper than 100 levels is refused")
    deep_ld = tmp_path / "ld" / "deep.jsonld"
    deep_ld.parent.mkdir()
    deep_ld.write_text('{"@context": {"@vocab": "http://schema.org/"}, "x": ' + "[" * 5000 + "]" * 5000 + "}")
    run = kb_cli(tmp_path / "store", "ingest", str(deep_ld))
    assert run.code == 1 and len(run.err.strip().splitlines()) == 1 and "nested deeper" in run.err


def test_deep_json_upload_is_a_4xx(fresh_web: Any) -> None:
    app, _ = fresh_web
    client = app.test_client()
    csrf = login(client)
    for name, body in (("deep.json", b"[" * 100_000 + b"]" * 100_000),
                       ("deep.jsonld", b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")):
        r = client.post("/ingest/upload", data={"csrf_token": csrf, "file": (io.BytesIO(body), name)},
                        content_type="multipart/form-data")
        assert r.status_code == 400, (name, r.status_code)
        assert "nested deeper than 100 levels" in r.get_data(as_text=True)


# -- characters RDF/XML cannot carry --------------------------------------------------------
@pytest.mark.parametrize("name,body", [
    ("nul.nt", '<https://a.example/s> <http://schema.org/name> "a\\u0000b" .\n'),
    ("bell.ttl", '<https://a.example/s> <http://schema.org/name> "a\\u0007b" .\n'),
    ("raw.nt", '<https://a.example/s> <http://schema.org/name> "a\x00b" .\n'),
    ("ff.ttl", '<https://a.example/s> <http://schema.org/name> "a\\fb" .\n'),
])
def test_control_characters_are_refused_at_ingest(tmp_path: Path, name: str, body: str) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    run = kb_cli(tmp_path / "store", "ingest", str(path))
    assert run.code == 1 and len(run.err.strip().splitlines()) == 1
    assert "control character" in run.err and "RDF/XML cannot carry it" in run.err


def test_an_article_keeps_its_offsets_with_a_stray_control_character_replaced(tmp_path: Path) -> None:
    """An article is prose: an ESC copied in from a terminal becomes U+FFFD (one code point for
    one), so kb extract's record ingests, and kb ingest of the text takes the same claims."""
    text = 'The harbor plan is dead.\n\n"We will \x1bnot pay for the barrier," Mayor Ines Moreau said on Monday.\n'
    article = tmp_path / "esc.txt"
    article.write_text(text, encoding="utf-8")
    extracted = kb_cli(tmp_path / "store", "extract", str(article))
    assert extracted.code == 0, extracted.err
    record = json.loads(extracted.out)
    assert record["document"]["text"] == text.replace("\x1b", "\ufffd")
    (claim,) = record["claims"]
    assert (claim["text"], claim["speaker"]["name"]) == ("We will \ufffdnot pay for the barrier,", "Ines Moreau")
    assert text[claim["start"]:claim["end"]] == "We will \x1bnot pay for the barrier,"  # the file's offsets
    (tmp_path / "esc.json").write_text(extracted.out, encoding="utf-8")
    for path in (article, tmp_path / "esc.json"):
        run = kb_cli(tmp_path / "store", "ingest", str(path))
        assert run.code == 0 and "1 claims written" in run.out, run.err


def test_a_nul_in_a_claim_record_is_refused(tmp_path: Path) -> None:
    record = json.loads((DEMO / "01_flood_barrier.json").read_text())
    record["document"]["title"] = "Flood\u0000barrier"
    path = tmp_path / "nul.json"
    path.write_text(json.dumps(record))
    run = kb_cli(tmp_path / "store", "ingest", str(path))
    assert run.code == 1 and "control character '\\\\u0000' at line" in run.err


def test_everything_stored_survives_an_rdf_xml_round_trip(fresh_web: Any) -> None:
    _, knowledge = fresh_web
    for name in ("01_flood_barrier.json",):
        path = DEMO / name
        assert path.exists()
    xml = knowledge.export("xml")
    nt = knowledge.export("nt")
    back, expected = Graph(), Graph()
    back.parse(data=xml, format="xml")
    expected.parse(data=nt, format="nt")
    assert len(back) == len(expected) > 100
    assert back.isomorphic(expected)


# -- FROM / FROM NAMED and relative IRIs ------------------------------------------------------
def _graphs(knowledge: Any) -> list[str]:
    return sorted(str(g) for g in knowledge.content_graphs())


def _count(client: Any, query: str, **params: str) -> int:
    extra = "".join(f"&{k.replace('_', '-')}={quote(v)}" for k, v in params.items())
    r = client.get("/sparql?query=" + quote(query) + extra)
    assert r.status_code == 200, r.get_data(as_text=True)
    return int(r.get_json()["results"]["bindings"][0]["n"]["value"])


def test_from_and_from_named_follow_the_dataset_semantics(web_app: Any, web_store: Any) -> None:
    client = web_app.test_client()
    g = next(g for g in _graphs(web_store) if "/graph/" in g)
    in_g = _count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
    union = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert 0 < in_g < union
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE {{ ?s ?p ?o }}") == in_g
    # FROM NAMED only: the default graph is empty, the named graph is there.
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{g}> WHERE {{ ?s ?p ?o }}") == 0
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{g}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == in_g
    # The protocol's parameters win over the query's FROM.
    other = next(x for x in _graphs(web_store) if x != g)
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE {{ ?s ?p ?o }}", default_graph_uri=other) == \
        _count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{other}> {{ ?s ?p ?o }} }}")
    # A word "from" inside a string or an IRI is not a FROM clause.
    assert _count(client, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "FROM <x>") }') == union


def test_relative_iris_resolve_against_the_endpoint(client: Any) -> None:
    r = client.get("/sparql?query=" + quote("CONSTRUCT { <s> <p> <o> } WHERE {}") + "&format=nt")
    assert r.status_code == 200
    assert r.get_data(as_text=True) == "<http://localhost/s> <http://localhost/p> <http://localhost/o> .\n"
    r = client.get("/sparql?query=" + quote("SELECT ?x WHERE { BIND(<a/b> AS ?x) }"),
                   base_url="https://kb.example/")
    assert r.get_json()["results"]["bindings"] == [{"x": {"type": "uri", "value": "https://kb.example/a/b"}}]


# -- CORS and the service description ---------------------------------------------------------
def test_cors_on_queries_not_on_updates(fresh_web: Any, web_store: Any) -> None:
    client = _app(web_store).test_client()
    r = client.get("/sparql?query=" + quote("ASK {}"), headers={"Origin": "https://elsewhere.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    pre = client.options("/sparql", headers={"Origin": "https://elsewhere.example",
                                             "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204 and "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Authorization" not in pre.headers["Access-Control-Allow-Headers"]
    app, _ = fresh_web
    r = app.test_client().post("/sparql", data=INSERT, content_type="application/sparql-update",
                               headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    closed = _app(web_store, KB_CORS_ORIGIN="").test_client()
    assert "Access-Control-Allow-Origin" not in closed.get("/sparql?query=" + quote("ASK {}")).headers


def test_service_description_by_content_negotiation(client: Any) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = Graph().parse(data=r.get_data(as_text=True), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    me = "http://localhost/sparql"
    assert set(g.query(f"SELECT ?l WHERE {{ <{me}> a <{sd}Service> ; <{sd}endpoint> <{me}> ; "
                       f"<{sd}supportedLanguage> ?l }}")) >= {(sd_term,) for sd_term in []}
    languages = {str(o) for o in g.objects(predicate=g.namespace_manager.expand_curie("sd:supportedLanguage"))}
    assert languages == {sd + "SPARQL11Query", sd + "SPARQL11Update"}
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.mimetype == "application/ld+json"
    assert len(Dataset().parse(data=r.get_data(as_text=True), format="json-ld")) == len(g)
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["Location"] == "/workbench"
    assert client.get("/sparql").mimetype == "text/turtle"
