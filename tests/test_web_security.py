"""Safety: headers, escaping, authentication, CSRF, upload limits, friendly errors; and the ingest flows."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from conftest import WRITE_TOKEN

DEMO = Path(__file__).resolve().parents[1] / "web" / "demo"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client: Any) -> str:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": token, "next": "/ingest"})
    assert r.status_code == 302 and r.headers["Location"] == "/ingest"
    return csrf_of(client.get("/ingest").get_data(as_text=True))


def test_security_headers_and_csp(client: Any) -> None:
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "http" not in csp
    assert "'unsafe-eval'" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_user_text_is_escaped(client: Any) -> None:
    html = client.get("/claims?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_friendly_errors_never_show_tracebacks(client: Any) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "Not found" in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    api = client.get("/claims.json?date_from=yesterday")
    assert api.status_code == 400
    assert api.get_json() == {"error": "date_from: 'yesterday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
                              "status": 400}
    assert client.get("/id/claim/doesnotexist", headers={"Accept": "application/json"}).get_json()["status"] == 404


def test_writes_need_login_and_csrf(fresh_web: Any) -> None:
    app, _ = fresh_web
    client = app.test_client()
    r = client.get("/ingest")
    assert r.status_code == 401 and "Please log in" in r.get_data(as_text=True)
    bad = client.post("/login", data={"token": "wrong", "csrf_token": csrf_of(client.get("/login").get_data(as_text=True))})
    assert bad.status_code == 401 and "That token is not right." in bad.get_data(as_text=True)
    assert client.post("/login", data={"token": WRITE_TOKEN}).status_code == 400  # no CSRF token
    csrf = login(client)
    assert csrf
    no_csrf = client.post("/ingest/upload", data={"file": (io.BytesIO(b"{}"), "x.json")},
                          content_type="multipart/form-data")
    assert no_csrf.status_code == 400 and "CSRF" in no_csrf.get_data(as_text=True)


def test_read_only_server_refuses_writes(web_store: Any) -> None:
    from conftest import _app

    client = _app(web_store, KB_WRITE_TOKEN="").test_client()
    assert client.get("/ingest").status_code == 403
    assert "Ingest" not in re.search(r"<nav>(.*?)</nav>", client.get("/").get_data(as_text=True), re.S).group(1)


def test_upload_claim_record_and_rdf(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    record = json.loads((DEMO / "02_rail_strike.json").read_text(encoding="utf-8"))
    record["document"]["text"] = record["document"]["text"].replace("Ortiz later told", "Ortiz again told")
    r = client.post("/ingest/upload", data={"csrf_token": csrf, "file": (io.BytesIO(json.dumps(record).encode()), "rail.json")},
                    content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert "1 graph added; " in r.get_data(as_text=True) and "3 claims written" in r.get_data(as_text=True)
    assert client.get("/claims.json?q=Rafael Ortiz&limit=50").get_json()["total"] == 4  # the index follows
    ttl = b'@prefix schema: <http://schema.org/> . <https://w3id.org/claimkb/id/person/zed> a schema:Person ; schema:name "Zed" .'
    r = client.post("/ingest/upload", data={"csrf_token": csrf, "file": (io.BytesIO(ttl), "zed.ttl")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and "1 graph added" in r.get_data(as_text=True)
    assert client.get("/id/person/zed", headers={"Accept": "application/n-triples"}).get_data(as_text=True).strip() \
        .splitlines()[0].startswith("<https://w3id.org/claimkb/id/person/zed>")


def test_rejected_upload_shows_report_and_stores_nothing(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    before = knowledge.stats()["triples"]
    ttl = b'@prefix schema: <http://schema.org/> . <https://w3id.org/claimkb/id/person/bad> a schema:Person ; schema:name 5 .'
    r = client.post("/ingest/upload", data={"csrf_token": csrf, "file": (io.BytesIO(ttl), "bad.ttl")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Rejected: nothing was stored" in html and "1 violation of the shapes" in html
    assert '<a href="/id/person/bad">' in html
    assert knowledge.stats()["triples"] == before
    garbage = client.post("/ingest/upload", data={"csrf_token": csrf, "file": (io.BytesIO(b"{nope"), "x.json")},
                          content_type="multipart/form-data")
    # The upload reads its input as `kb ingest` does (kb.formats.recognize): the same one-line message.
    assert garbage.status_code == 400 and "x.json: malformed JSON: Expecting property name" in garbage.get_data(as_text=True)


def test_upload_size_limit(fresh_web: Any) -> None:
    app, _ = fresh_web
    app.config["MAX_CONTENT_LENGTH"] = 1024
    client = app.test_client()
    csrf = login(client)
    r = client.post("/ingest/upload", data={"csrf_token": csrf, "file": (io.BytesIO(b"x" * 5000), "big.ttl")},
                    content_type="multipart/form-data")
    assert r.status_code == 413


def test_article_preview_correct_and_save(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    text = ('The harbour master Anna Kowalski said on Friday that "the new pier will open in June."\n\n'
            'Local fishermen said the work had been noisy.\n')
    r = client.post("/ingest/preview", data={"csrf_token": csrf, "text": text, "date": "2024-06-07",
                                             "title": "Pier to open", "publisher": "Harbour News"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    record = json.loads(re.search(r'name="record" value="([^"]*)"', html).group(1).replace("&#34;", '"')
                        .replace("&quot;", '"').replace("&amp;", "&").replace("&#39;", "'").replace("&lt;", "<")
                        .replace("&gt;", ">"))
    quote = next(i for i, c in enumerate(record["claims"]) if "pier will open" in c["text"])
    form = {"csrf_token": csrf, "record": json.dumps(record), f"keep-{quote}": "on", f"kind-{quote}": "direct-quote",
            f"speaker-{quote}": "Anna Kowalski", f"speaker-type-{quote}": "Person"}
    saved = client.post("/ingest/save", data=form)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert "1 claims written" in saved.get_data(as_text=True)
    found = client.get("/claims.json?q=pier").get_json()["items"]
    assert [(c["speaker_name"], c["kind"]) for c in found] == [("Anna Kowalski", "direct-quote")]
