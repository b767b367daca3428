"""Issue 10, sections 2, 3 and 5: the same quote across articles, typed claim relations, the claim's JSON.

The done-when scenario: the seed article, then a second article (another outlet, a later date)
that repeats Qaani's words "has opened a new era in the conflict with the Zionist enemy".
The seed is read from ../shared: missing, these tests fail.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from rdflib import URIRef

import kb
from kb import iris
from kb.tracking import relate, spread
from kb.tracking.text import compare, tokens

from conftest import WRITE_TOKEN, _app
from gold import SEED_TXT
from kbtest import kb_cli

SECOND = """date 2021-05-24
Iran's Quds Force chief says Gaza fighting opened "new era"

TEHRAN - Esmail Qaani, the commander of the Quds Force, said on Monday that the fighting in Gaza "has opened a new era in the conflict with the Zionist enemy," in remarks carried by state media.
"""
WORDS = "has opened a new era in the conflict with the zionist enemy"
RELATIONS_GRAPH = str(iris.RELATIONS_GRAPH)


def _quote_claims(knowledge: kb.KnowledgeBase) -> dict[str, str]:
    """The claims carrying Qaani's words: outlet name → claim IRI."""
    rows = knowledge.select(
        "SELECT ?c ?text ?name WHERE { ?c a schema:Claim ; schema:text ?text ; schema:appearance ?d . "
        "?d schema:publisher ?o . ?o schema:name ?name }"
    )
    return {r["name"]: r["c"] for r in rows if " ".join(tokens(r["text"])) == WORDS}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed (published by "Seed News") and the second article ("Example Times"), ingested in that order."""
    location = tmp_path_factory.mktemp("tracking") / "store"
    with kb.KnowledgeBase(location) as knowledge:
        knowledge.ingest_article(SEED_TXT.read_text(encoding="utf-8"), name=SEED_TXT.name, publisher="Seed News")
        knowledge.ingest_article(SECOND, name="second.txt", publisher="Example Times")
    return location


@pytest.fixture()
def store(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


@pytest.fixture()
def knowledge(store: Path) -> Iterator[kb.KnowledgeBase]:
    with kb.KnowledgeBase(store) as opened:
        yield opened


def _direct(knowledge: kb.KnowledgeBase, src: str, relation: str, dst: str) -> bool:
    return knowledge.ask(f"ASK {{ ?a kb:{relation} ?b }}", {"a": URIRef(src), "b": URIRef(dst)})


def _second_doc(knowledge: kb.KnowledgeBase, claim: str) -> str:
    return str(knowledge.select("SELECT ?c ?d WHERE { ?c schema:appearance ?d }", {"c": URIRef(claim)})[0]["d"])


# -- the same quote in two articles ------------------------------------------------------
def test_the_same_quote_is_linked_both_ways_in_rdf(knowledge: kb.KnowledgeBase) -> None:
    found = _quote_claims(knowledge)
    assert sorted(found) == ["Example Times", "Seed News"]
    seed, second = found["Seed News"], found["Example Times"]
    assert _direct(knowledge, second, "sameQuoteAs", seed)
    assert _direct(knowledge, seed, "sameQuoteAs", second)
    # the earliest appearance, for both, is the seed's
    rows = knowledge.select("SELECT ?c ?e WHERE { ?c kb:earliestAppearance ?e }")
    earliest = {r["c"]: r["e"] for r in rows if r["c"] in (seed, second)}
    assert earliest == {seed: seed, second: seed}
    # kb's proposal, with its score and who proposed it
    rows = knowledge.select(
        "SELECT ?r ?from ?to ?score ?status ?agent WHERE { ?r a kb:ClaimRelation ; kb:fromClaim ?from ; kb:toClaim ?to ; "
        "kb:relationType kb:sameQuoteAs ; kb:score ?score ; kb:status ?status ; schema:agent ?agent }"
    )
    assert [(r["from"], r["to"], float(r["score"]), r["status"], r["agent"]) for r in rows] == [
        (second, seed, 1.0, str(kb.vocab.KB.Proposed), "kb")]
    # Qaani said it on two dates: kb also proposes that the later repeats the earlier
    assert _direct(knowledge, second, "repeats", seed) and not _direct(knowledge, seed, "repeats", second)
    # and it is in the export, in kb's relations graph
    trig = knowledge.export("trig").decode()
    assert RELATIONS_GRAPH in trig and "sameQuoteAs" in trig


def test_claim_json_lists_appearances_outlets_and_related(knowledge: kb.KnowledgeBase) -> None:
    found = _quote_claims(knowledge)
    seed, second = found["Seed News"], found["Example Times"]
    client = _app(knowledge).test_client()
    r = client.get("/id/" + iris.local_path(second) + ".json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["iri"] == second
    seed_doc = _second_doc(knowledge, seed)
    assert body["appearances"] == [{"claim": seed, "article": seed_doc, "outlet": str(iris.mint("org", "seed-news")),
                                    "outlet_name": "Seed News", "date": "2021-05-20"}]
    assert body["earliest"]["claim"] == seed
    assert [(o["name"], o["date"]) for o in body["outlets"]] == [("Seed News", "2021-05-20"), ("Example Times", "2021-05-24")]
    related = {(x["claim"], x["relation"], x["score"], x["by"]) for x in body["related"]}
    assert related == {(seed, "same-quote", 1.0, "kb"), (seed, "repeats", 1.0, "kb")}
    # and the other way round
    back = client.get("/id/" + iris.local_path(seed) + ".json").get_json()
    assert [a["claim"] for a in back["appearances"]] == [second]
    assert back["earliest"]["claim"] == seed
    assert ("same-quote", second) in {(x["relation"], x["claim"]) for x in back["related"]}
    # the page draws the spread: one row per outlet, in order
    page = client.get("/id/" + iris.local_path(second)).get_data(as_text=True)
    chart = page.split('<svg class="spread"', 1)[1].split("</svg>", 1)[0]
    assert chart.index("Seed News") < chart.index("Example Times")
    assert chart.count("<circle") == 2 and ">2021-05-20<" in chart and ">2021-05-24<" in chart
    assert client.get("/id/claim/nothing-here.json").status_code == 404


# -- curations -----------------------------------------------------------------------------
def test_a_rejected_proposal_sticks_across_re_ingest(store: Path) -> None:
    with kb.KnowledgeBase(store) as knowledge:
        found = _quote_claims(knowledge)
    seed, second = found["Seed News"], found["Example Times"]
    done = kb_cli(store, "relate", second, "repeats", seed, "--reject", "--reason", "one speech", "--by", "alice")
    assert done.code == 0, done.err
    assert done.out.startswith(f"rejected: {second} repeats {seed} (")
    with kb.KnowledgeBase(store) as knowledge:
        assert not _direct(knowledge, second, "repeats", seed)
        assert _direct(knowledge, second, "sameQuoteAs", seed)  # only that relation was rejected
        doc = _second_doc(knowledge, second)
        knowledge.remove(doc, reason="re-ingest")
        assert not _direct(knowledge, seed, "sameQuoteAs", second)  # the claim is gone, and so are its links
        knowledge.ingest_article(SECOND, name="second.txt", publisher="Example Times")
        assert _direct(knowledge, second, "sameQuoteAs", seed)
        assert not _direct(knowledge, second, "repeats", seed)
        proposed = knowledge.select(
            "SELECT ?r WHERE { ?r kb:relationType kb:repeats ; kb:status kb:Proposed }")
        assert proposed == []
        rejected = knowledge.select(
            "SELECT ?r ?agent ?reason WHERE { GRAPH ?g { ?r kb:relationType kb:repeats ; kb:status kb:Rejected ; "
            "schema:agent ?agent ; kb:reason ?reason ; prov:generatedAtTime ?t } }")
        assert [(r["agent"], r["reason"]) for r in rejected] == [("alice", "one speech")]
    listed = kb_cli(store, "relations", second)
    assert listed.code == 0, listed.err
    lines = listed.out.splitlines()
    assert lines[0].split() == ["relation", "claim", "score", "status", "by"]
    assert sorted(line.split()[0] + " " + line.split()[3] for line in lines[2:]) == [
        "repeats rejected", "same-quote proposed"]


def test_an_asserted_relation_round_trips_through_re_ingest(knowledge: kb.KnowledgeBase) -> None:
    found = _quote_claims(knowledge)
    seed, second = found["Seed News"], found["Example Times"]
    other = knowledge.select(
        "SELECT ?c WHERE { ?c a schema:Claim ; schema:appearance ?d ; schema:text ?t } ORDER BY ?c",
        None)
    target = next(r["c"] for r in other if r["c"] not in (seed, second))
    done = relate(knowledge, second, "contradicts", target, agent="bob", reason="says otherwise")
    assert done.status == "asserted"
    assert _direct(knowledge, second, "contradicts", target)
    assert not _direct(knowledge, target, "contradicts", second)  # not symmetric
    doc = _second_doc(knowledge, second)
    knowledge.remove(doc)
    assert not _direct(knowledge, second, "contradicts", target)
    knowledge.ingest_article(SECOND, name="second.txt", publisher="Example Times")
    assert _direct(knowledge, second, "contradicts", target)
    related = {(r.claim, r.relation, r.by, r.status) for r in spread(knowledge, second).related}
    assert (target, "contradicts", "bob", "asserted") in related
    # confirming kb's proposal keeps its score and records who
    confirmed = relate(knowledge, seed, "same-quote", second, status="confirmed", agent="carol")
    assert (confirmed.src, confirmed.dst, confirmed.score) == (second, seed, 1.0)
    by = {(r.relation, r.by, r.status) for r in spread(knowledge, seed).related}
    assert ("same-quote", "carol", "confirmed") in by


def test_shapes_refuse_an_unknown_relation_type(knowledge: kb.KnowledgeBase) -> None:
    seed = _quote_claims(knowledge)["Seed News"]
    bad = f"""@prefix kb: <https://w3id.org/claimkb/ns#> .
<https://example.org/r1> a kb:ClaimRelation ; kb:fromClaim <{seed}> ; kb:toClaim <{seed}x> ;
    kb:relationType kb:sameAs ; kb:status kb:Asserted .
"""
    with pytest.raises(kb.ValidationError) as err:
        knowledge.ingest_rdf(bad, "turtle", name="bad.ttl")
    assert "kb:relationType" in str(err.value)
    good = bad.replace("kb:sameAs", "kb:supports")
    assert knowledge.ingest_rdf(good, "turtle", name="good.ttl").changed
    # the relations graph is kb's own: no input writes it
    with pytest.raises(kb.ReadOnlyError):
        knowledge.update(f"INSERT DATA {{ GRAPH <{RELATIONS_GRAPH}> {{ <{seed}> <https://w3id.org/claimkb/ns#supports> <{seed}x> }} }}")


def test_relate_refuses_bad_input_in_one_line(store: Path) -> None:
    with kb.KnowledgeBase(store) as knowledge:
        seed = _quote_claims(knowledge)["Seed News"]
    for args, message in (
        ((seed, "bogus", seed), "kb: error: unknown relation 'bogus' (use one of: repeats, same-quote, paraphrase-of, "
                                "contradicts, supports, translation-of)"),
        ((seed, "supports", "claim/none"), f"kb: error: {iris.mint('claim', 'none')} is not a stored claim"),
        ((seed, "supports", seed), "kb: error: a claim cannot be related to itself"),
    ):
        done = kb_cli(store, "relate", *args)
        assert (done.code, done.err.strip(), done.out) == (1, message, "")


def test_the_web_form_needs_the_writer(knowledge: kb.KnowledgeBase) -> None:
    found = _quote_claims(knowledge)
    seed, second = found["Seed News"], found["Example Times"]
    client = _app(knowledge).test_client()
    url = "/id/" + iris.local_path(second) + "/relate"
    form = {"relation": "same-quote", "other": seed, "action": "reject"}
    assert client.post(url, data=form, headers={"Accept": "application/json"}).status_code in (400, 401)
    auth = {"Authorization": f"Bearer {WRITE_TOKEN}", "Accept": "application/json"}
    assert client.post(url, data={**form, "relation": "nope"}, headers=auth).status_code == 400
    r = client.post(url, data={**form, "reason": "different speech"}, headers=auth)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["status"] == "rejected"
    assert not _direct(knowledge, second, "sameQuoteAs", seed)
    body = client.get("/id/" + iris.local_path(second) + ".json").get_json()
    assert ("same-quote", seed) not in {(x["relation"], x["claim"]) for x in body["related"]}


# -- when two quotes are the same words ----------------------------------------------------
@pytest.mark.parametrize("a, b, how", [
    ("“Has opened a new era in the conflict,” he", '"has opened a NEW era in the conflict" he', "same"),
    ("a new era in the conflict", "has opened a new era in the conflict with the Zionist enemy", "contained"),
    ("has opened [for Iran] a new era in the conflict with the Zionist enemy",
     "has opened a new era in the conflict with the Zionist enemy", "same"),
    ("we will fight, whatever the cost and whoever stands against us, until the end of the war",
     "we will fight, whatever the cost, until the end of the war", "edit"),
])
def test_quotes_that_are_the_same_words(a: str, b: str, how: str) -> None:
    match = compare(tokens(a), tokens(b), quotes=True)
    assert match is not None and match.how == how


def test_different_words_are_not_the_same_quote() -> None:
    assert compare(tokens("a living martyr and a brave commander"), tokens("the great battle of Jerusalem is here"),
                   quotes=True) is None
    assert compare(tokens("a new era"), tokens("a new era in the conflict"), quotes=True) is None  # too short to track
