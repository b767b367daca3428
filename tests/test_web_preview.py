"""The ingest preview's corrections: span by selection, date/venue/medium/intermediary, added claims,
each checked against the record rules and the shapes before save (Flask test client, real store)."""

from __future__ import annotations

import json
import re
from typing import Any

from test_web_security import csrf_of, login

TEXT = ('Mayor Ada Park said on Monday that "the ferry will run all winter." '
        'Harbor Radio reported that the council had agreed. Park added that "tickets stay cheap."\n')
def cp(text: str, words: str) -> tuple[int, int]:
    """[start, end) of ``words`` in ``text``, in code points."""
    start = text.index(words)
    return start, start + len(words)


FERRY, AGREED, PARK = cp(TEXT, "the ferry will run all winter."), cp(TEXT, "the council had agreed"), cp(TEXT, "Ada Park")
RECORD: dict[str, Any] = {
    "document": {"text": TEXT, "date": "2024-11-04", "title": "Ferry all winter", "publisher": "Bay Post"},
    "claims": [
        {"kind": "direct-quote", "text": "the ferry will run all winter.", "start": FERRY[0], "end": FERRY[1],
         "speaker": {"name": "Ada Park", "start": PARK[0], "end": PARK[1], "type": "Person"}},
        {"kind": "reported-fact", "text": "the council had agreed", "start": AGREED[0], "end": AGREED[1],
         "speaker": None},
    ],
    "entities": [{"name": "Harbor City", "type": "Place"}],
}


def form_of(csrf: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf, "record": json.dumps(RECORD), "keep-0": "on", "keep-1": "on", **fields}


def test_check_names_what_a_save_would_refuse_and_writes_nothing(fresh_web: tuple[Any, Any]) -> None:
    app, knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    before = knowledge.stats()["triples"]
    ok = client.post("/ingest/check", data=form_of(csrf), headers={"Accept": "application/json"}).get_json()
    assert ok == {"ok": True, "errors": [], "claims": {}, "summary": "Checked: a save would store 2 claims.",
                  "reviewed": {}}
    # A date that is no date (the record rules), an intermediary that is a place (the shapes), an added
    # claim without the speaker its kind needs: each named under its claim, by the form's index.
    start, end = cp(TEXT, "tickets stay cheap.")
    bad = client.post("/ingest/check", headers={"Accept": "application/json"}, data=form_of(
        csrf, **{"date-0": "last Monday", "via-1": "Harbor City", "new-2": "1", "keep-2": "on",
                 "start-2": str(start), "end-2": str(end), "kind-2": "direct-quote"})).get_json()
    assert bad["ok"] is False and bad["errors"] == []
    assert bad["claims"] == {
        "0": ["claims[0].date: 'last Monday' is not a date (use YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY)"],
        "2": ["claims[2].speaker: is required for a direct-quote"],
    }
    assert bad["summary"] == "A save would be refused: 2 problems (listed with the claims)."
    # With the record rules met, the shapes speak: a place cannot relay a claim.
    shapes = client.post("/ingest/check", headers={"Accept": "application/json"},
                         data=form_of(csrf, **{"via-1": "Harbor City"})).get_json()
    assert list(shapes["claims"]) == ["1"] and len(shapes["claims"]["1"]) == 1
    assert "kb:via" in shapes["claims"]["1"][0]
    assert knowledge.stats()["triples"] == before  # a check never writes


def test_save_applies_span_fields_and_added_claim(fresh_web: tuple[Any, Any]) -> None:
    app, knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    span = cp(TEXT, "the ferry will run all winter")  # without the full stop
    added = cp(TEXT, "tickets stay cheap.")
    r = client.post("/ingest/save", data=form_of(csrf, **{
        "start-0": str(span[0]), "end-0": str(span[1]), "kind-0": "partial-quote",
        "date-0": "2024-11-04", "venue-0": "a council meeting", "place-0": "Harbor City", "medium-0": "speech",
        "via-0": "Harbor Radio", "new-2": "1", "keep-2": "on", "start-2": str(added[0]), "end-2": str(added[1]),
        "kind-2": "direct-quote", "speaker-2": "Ada Park", "speaker-type-2": "Person"}))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert "3 claims written" in r.get_data(as_text=True)
    ferry = client.get("/claims.json?q=will run").get_json()["items"]
    assert [(c["text"], c["kind"], c["via_name"], c["date"]) for c in ferry] == [
        ("the ferry will run all winter", "partial-quote", "Harbor Radio", "2024-11-04")]
    assert client.get("/claims.json?q=council meeting").get_json()["items"][0]["matched"] == {
        "venue": "a council meeting · Harbor City"}
    cheap = client.get("/claims.json?q=tickets stay").get_json()["items"]
    assert [(c["text"], c["kind"], c["speaker_name"]) for c in cheap] == [("tickets stay cheap.", "direct-quote", "Ada Park")]
    page = client.get(ferry[0]["iri"].replace("https://w3id.org/claimkb", "")).get_data(as_text=True)
    assert "speech" in page and "a council meeting" in page


def test_check_without_script_shows_the_preview_with_problems(fresh_web: tuple[Any, Any]) -> None:
    app, _knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    html = client.post("/ingest/check", data=form_of(csrf, **{"date-0": "soon"})).get_data(as_text=True)
    assert '<ul class="problems" data-problems-for="0"><li>claims[0].date: &#39;soon&#39; is not a date' in html
    assert "A save would be refused: 1 problem (listed with the claims)." in html
    assert csrf_of(html) == csrf


def test_preview_page_offers_selection_and_every_field(fresh_web: tuple[Any, Any]) -> None:
    app, _knowledge = fresh_web
    client = app.test_client()
    csrf = login(client)
    r = client.post("/ingest/preview", data={"csrf_token": csrf, "text": TEXT, "date": "2024-11-04"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert '<div id="article-text" class="article-text">Mayor Ada Park said on Monday that &#34;the ferry' in html
    for name in ("start-0", "end-0", "date-0", "venue-0", "place-0", "medium-0", "via-0", "addressee-0"):
        assert f'name="{name}"' in html, name
    assert '<template id="new-claim">' in html and 'name="new-__I__"' in html
    assert '<script src="/static/preview.js"></script>' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # no inline script (CSP)
    assert client.get("/static/preview.js").status_code == 200
