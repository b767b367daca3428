"""Has this been fact-checked? `kb match`, the match index, /check and the claim page's fact-checks.

Lexical ranking only (KB_MATCH_DENSE=0), so every score is exact and the tests need no model;
the measured bar with the model is in test_matching_eval.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef

from kb import KnowledgeBase
from kb.browse import refresh_index
from kb.matching import fact_checks, flag_reviewed, match
from kb.matching.index import MatchIndex, match_path
from kb.matching.text import tokens
from kbtest import kb_cli

DATA = Path(__file__).parent / "data" / "matching"
REVIEWS = DATA / "reviews.jsonld"
TOLL = "https://checks.example.org/bridge-toll"
CHIP = "https://checks.example.org/vaccine-microchip"
WOMBATS = "https://checks.example.org/wombats"
CLOSED = "https://checks.example.org/bridge-closed"
MAYOR = "https://otherchecks.example.org/toll-next-year"


@pytest.fixture(autouse=True)
def lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_MATCH_DENSE", "0")


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    s = tmp_path / "store"
    done = kb_cli(s, "ingest", str(REVIEWS))
    assert done.code == 0, done.err
    return s


def test_tweets_are_split_into_stemmed_content_words():
    assert tokens("Vaccines #DefundTheCBC @RealNews2020 https://t.co/Ab1 pic.twitter.com/xyz it's Obama's") == \
        ["vaccin", "defund", "cbc", "real", "news", "2020", "obama"]


def test_jsonl_has_one_line_per_claim_in_order_best_first(store: Path):
    done = kb_cli(store, "match", "--format", "jsonl", "--top", "2",
                  "Will the harbor bridge have a toll? #HarborBridge https://t.co/x",
                  "microchips in the covid vaccine @HealthDept")
    assert done.code == 0 and done.err == ""
    rows = [json.loads(line) for line in done.out.splitlines()]
    assert [[m["url"] for m in r["matches"]] for r in rows] == [[TOLL], [CHIP]]
    first = rows[0]["matches"][0]
    assert first == {
        "review": first["review"], "url": TOLL,
        "claim_reviewed": "The city will charge a toll on the harbor bridge from next year.",
        "verdict": "false", "rating": "False", "fact_checker": "Harbor Checks", "claim": first["claim"],
        "score": 4.9664,
    }
    assert first["review"].startswith("https://w3id.org/claimkb/id/review/")
    assert rows[1]["matches"][0]["score"] == 4.5149 and rows[1]["matches"][0]["rating"] == "Pants on Fire"


def test_a_file_is_one_claim_a_line_and_blank_lines_keep_their_place(store: Path, tmp_path: Path):
    claims = tmp_path / "claims.txt"
    claims.write_text("wombats in burrows\n\nno shared words here\nunemployment 3 percent\n", encoding="utf-8")
    done = kb_cli(store, "match", "--format", "jsonl", str(claims))
    assert done.code == 0, done.err
    rows = [json.loads(line) for line in done.out.splitlines()]
    assert [[m["url"] for m in r["matches"]] for r in rows] == [
        [WOMBATS], [], [], ["https://checks.example.org/unemployment"]]
    assert [r["claim"] for r in rows] == ["wombats in burrows", "", "no shared words here", "unemployment 3 percent"]


def test_the_table_shows_rank_score_verdict_claim_and_url(store: Path):
    done = kb_cli(store, "match", "wombats in burrows", "nothing alike")
    assert done.code == 0
    assert done.out == (
        "wombats in burrows\n"
        "  #  score  verdict  claim reviewed                                                url\n"
        "  -  -----  -------  ------------------------------------------------------------  ----------------------------------\n"
        "  1  3.398  mixture  Wombats shelter other animals in their burrows during bushf…  https://checks.example.org/wombats\n"
        "\n"
        "nothing alike\n"
        "  no stored review matches\n"
        "\n"
    )


@pytest.mark.parametrize("args, message", [
    (["--top", "0", "x"], "kb: error: --top must be at least 1, not 0\n"),
    (["  "], "kb: error: no claim: give its text, or a FILE with one claim a line\n"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(store: Path, args: list[str], message: str):
    done = kb_cli(store, "match", *args)
    assert (done.code, done.out, done.err) == (1, "", message)


def test_an_empty_file_and_a_missing_store_are_refused(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    done = kb_cli(tmp_path / "nowhere", "match", str(empty))
    assert done.code == 1 and done.err == f"kb: error: {empty}: holds no claim (one claim a line)\n"
    done = kb_cli(tmp_path / "nowhere", "match", "a claim")
    assert done.code == 1 and done.err.startswith("kb: error: no knowledge base at ") and done.err.count("\n") == 1


def test_the_index_is_saved_and_follows_new_reviews(store: Path):
    assert kb_cli(store, "match", "harbor bridge").code == 0
    saved = MatchIndex.load(match_path(str(store)))
    assert saved is not None and len(saved.docs) == 4 and saved.vectors is None
    assert kb_cli(store, "ingest", str(DATA / "more.jsonld")).code == 0
    done = kb_cli(store, "match", "--format", "jsonl", "harbor bridge closed all summer")
    assert [m["url"] for m in json.loads(done.out)["matches"]] == [CLOSED, TOLL, MAYOR]
    again = MatchIndex.load(match_path(str(store)))
    assert again is not None and len(again.docs) == 6 and again.fingerprint != saved.fingerprint


def test_the_api_ranks_flags_and_finds_fact_checks_of_similar_claims(store: Path):
    with KnowledgeBase(str(store)) as kb:
        assert [m.url for m in match(kb, "harbor bridge toll next year", top=5)] == \
            [TOLL, "https://checks.example.org/unemployment"]  # "year" is shared
        flags = flag_reviewed(kb, ["The harbor bridge toll starts next year, the city says", "Nice weather"])
        assert [[m.url for m in f] for f in flags] == [[TOLL], []]
        own = match(kb, "harbor bridge toll")[0].review
        assert fact_checks(kb, "The city will charge a toll on the harbor bridge", exclude=[own]) == []
        kb.ingest_files([str(DATA / "more.jsonld")])
        refresh_index(kb)
        similar = fact_checks(kb, "The harbor bridge will close for repairs", top=3)
        assert [m.url for m in similar] == [CLOSED]
        assert [m.url for m in fact_checks(kb, "The city will charge a toll on the harbor bridge from next year.",
                                           exclude=[own])] == [MAYOR]


def test_check_page_and_json(fresh_web):
    app, knowledge = fresh_web
    knowledge.ingest_files([str(REVIEWS)])
    refresh_index(knowledge)
    client = app.test_client()
    body = client.get("/check.json", query_string={"q": "covid vaccine microchips!", "top": "2"}).get_json()
    assert (body["q"], body["top"], body["count"]) == ("covid vaccine microchips!", 2, 1)
    assert [(m["url"], m["verdict"], m["rating"], m["author"]) for m in body["matches"]] == \
        [(CHIP, "false", "Pants on Fire", "Harbor Checks")]
    page = client.get("/check", query_string={"q": "covid vaccine microchips!"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "COVID-19 vaccines contain microchips that track people." in html and f'href="{CHIP}"' in html
    assert "Has this been checked?" in client.get("/check").get_data(as_text=True)
    bad = client.get("/check.json", query_string={"q": "x", "top": "0"})
    assert bad.status_code == 400 and "top must be between 1 and 50, not 0" in bad.get_data(as_text=True)


def test_a_claim_page_shows_fact_checks_of_similar_claims(fresh_web):
    app, knowledge = fresh_web
    knowledge.ingest_files([str(REVIEWS), str(DATA / "more.jsonld")])
    refresh_index(knowledge)
    row = knowledge.select('SELECT ?u ?c WHERE { ?r schema:url ?u ; schema:itemReviewed ?c }', {"u": URIRef(TOLL)})[0]
    html = app.test_client().get(row["c"].replace("https://w3id.org/claimkb", "")).get_data(as_text=True)
    assert "Fact-checks of similar claims" in html
    section = html.split("Fact-checks of similar claims", 1)[1]
    assert f'href="{MAYOR}"' in section and f'href="{TOLL}"' not in section  # its own review is listed above
    assert f'href="{CLOSED}"' not in section  # "harbor bridge" alone is not the same claim
