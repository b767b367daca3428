"""The ingest preview flags each new claim that an existing fact-check covers, with its verdict and
links to the review: on the page, in the preview's JSON, and in the check after each edit (HTTP, real store).

The demo store holds one review (web/demo/04_review.ttl: "The flood barrier will protect twelve thousand
homes.", Half true, by Coastal FactCheck); tests/data/matching/reviews.jsonld adds four unrelated ones, so
that BM25's word weights mean something (with one review, every word is in every review)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from test_web_security import login

DATA = Path(__file__).resolve().parent / "data" / "matching"
REVIEW = "https://w3id.org/claimkb/id/review/demo-flood-barrier-homes"
TEXT = ('Mayor Elena Varga told reporters on Monday: "The flood barrier will protect twelve thousand homes." '
        'The ferry company said that its boats would keep running all winter.\n')


def _store(fresh_web: tuple[Any, Any]) -> tuple[Any, Any, str]:
    app, knowledge = fresh_web
    knowledge.ingest_files([str(DATA / "reviews.jsonld")])
    client = app.test_client()
    return client, knowledge, login(client)


def _preview(client: Any, csrf: str) -> dict[str, Any]:
    r = client.post("/ingest/preview", data={"csrf_token": csrf, "text": TEXT, "date": "2024-06-03"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


@pytest.mark.parametrize("dense", ["1", "0"])
def test_preview_flags_a_claim_that_repeats_a_reviewed_one(fresh_web: tuple[Any, Any], dense: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """With the packaged model (fused scores) and with BM25 alone: the same flag, the same review."""
    monkeypatch.setenv("KB_MATCH_DENSE", dense)
    client, knowledge, csrf = _store(fresh_web)
    before = knowledge.stats()["triples"]
    data = _preview(client, csrf)
    texts = [c["text"] for c in data["record"]["claims"]]
    barrier = texts.index("The flood barrier will protect twelve thousand homes.")
    assert list(data["reviewed"]) == [str(barrier)]  # the other claims match no review
    flags = data["reviewed"][str(barrier)]
    assert [(m["review"], m["verdict"], m["rating"], m["author"], m["url"], m["page"]) for m in flags] == [
        (REVIEW, "mixture", "Half true", "Coastal FactCheck", "https://example.org/coastal-factcheck/flood-barrier-homes",
         "/id/review/demo-flood-barrier-homes")]
    assert flags[0]["claim_reviewed"] == "The flood barrier will protect twelve thousand homes."
    assert flags[0]["claim"] == "https://w3id.org/claimkb/id/claim/a130b28856380422"
    assert flags[0]["score"] > 0
    assert knowledge.stats()["triples"] == before  # a preview writes nothing

    # The page: the flag under that claim only, with the verdict and both links.
    html = client.post("/ingest/preview", data={"csrf_token": csrf, "text": TEXT, "date": "2024-06-03"}
                       ).get_data(as_text=True)
    lists = dict(re.findall(r'<ul class="review-flags" data-flags-for="(\w+)">(.*?)</ul>', html, re.S))
    assert {k for k, v in lists.items() if v.strip()} == {str(barrier)}
    flag = lists[str(barrier)]
    assert '<span class="verdict verdict-mixture">mixture</span> “<span class="rating">Half true</span>” by Coastal FactCheck' in flag
    assert '<a class="review-url" href="https://example.org/coastal-factcheck/flood-barrier-homes"' in flag
    assert '<a class="review-page" href="/id/review/demo-flood-barrier-homes">review record</a>' in flag
    assert lists["__I__"] == ""  # the template for an added claim carries no flag


def test_check_flags_follow_the_edited_span(fresh_web: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The check after each edit says again which claims are reviewed, by the form's index: a span moved off the
    reviewed words loses its flag; an added claim selecting them gains it."""
    monkeypatch.setenv("KB_MATCH_DENSE", "0")  # exact BM25 scores
    client, _knowledge, csrf = _store(fresh_web)
    record = _preview(client, csrf)["record"]
    barrier = [c["text"] for c in record["claims"]].index("The flood barrier will protect twelve thousand homes.")
    keep = {f"keep-{i}": "on" for i in range(len(record["claims"]))}
    form = {"csrf_token": csrf, "record": json.dumps(record), **keep}
    accept = {"Accept": "application/json"}
    flagged = client.post("/ingest/check", data=form, headers=accept).get_json()["reviewed"]
    assert list(flagged) == [str(barrier)] and flagged[str(barrier)][0]["review"] == REVIEW
    # Its span moved to "Mayor Elena Varga told reporters": no review says that.
    start = TEXT.index("Mayor Elena Varga")
    moved = dict(form, **{f"start-{barrier}": str(start), f"end-{barrier}": str(start + len("Mayor Elena Varga told reporters")),
                          f"kind-{barrier}": "reported-fact", f"speaker-{barrier}": ""})
    assert client.post("/ingest/check", data=moved, headers=accept).get_json()["reviewed"] == {}
    # An added claim (form index after the extracted ones) over the reviewed words is flagged under its own index.
    added = len(record["claims"])
    words = TEXT.index("The flood barrier")
    extra = dict(moved, **{f"new-{added}": "1", f"keep-{added}": "on", f"start-{added}": str(words),
                           f"end-{added}": str(words + len("The flood barrier will protect twelve thousand homes")),
                           f"kind-{added}": "reported-fact"})
    reviewed = client.post("/ingest/check", data=extra, headers=accept).get_json()["reviewed"]
    assert list(reviewed) == [str(added)]
    assert [(m["review"], m["verdict"], m["page"]) for m in reviewed[str(added)]] == [
        (REVIEW, "mixture", "/id/review/demo-flood-barrier-homes")]
