"""Issue 12 (scale): the relations graph grows linearly with a quote's appearances, not quadratically.

N articles (ingested out of date order) repeat one quote. kb links each new appearance to its
group's earliest appearance and to the best few others (kb.tracking.index.BEST), and the claim's
page reads the whole group through those links, so every appearance still lists all the others.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from rdflib import Literal, URIRef

import kb
from kb import iris
from kb.tracking import index as tracking
from kb.tracking import relate, spread

from conftest import _app

QUOTE = "we will rebuild every bridge in the valley before the winter comes"
N = 12
# Ingested in this order, not by date: the earliest appearance is not the first ingested.
ORDER = [5, 0, 9, 3, 11, 1, 7, 2, 10, 4, 8, 6]
RELATIONS = URIRef(str(iris.RELATIONS_GRAPH))


def record(day: int, *, quoted: bool = True) -> dict[str, Any]:
    """Article ``day`` (published 2024-01-<day+1>): Jane Roe's quote, with no date of saying, so
    the only relation between two appearances is sameQuoteAs (no "repeats"). Not ``quoted``:
    the same article (the same graph) with only a reported fact extracted from it."""
    body = f'VALLEY TOWN - Jane Roe said "{QUOTE}" at a meeting on day {day}.'
    q, s = body.index(QUOTE), body.index("Jane Roe")
    fact = f"at a meeting on day {day}"
    f = body.index(fact)
    return {
        "document": {"text": body, "date": f"2024-01-{day + 1:02d}", "url": f"https://example.org/valley/{day}",
                     "title": f"Valley news {day}", "publisher": f"Outlet {day}"},
        "claims": [{"kind": "direct-quote", "text": QUOTE, "start": q, "end": q + len(QUOTE),
                    "speaker": {"name": "Jane Roe", "start": s, "end": s + 8},
                    "cue": {"text": "said", "start": s + 9, "end": s + 13}}] if quoted else
                  [{"kind": "reported-fact", "text": fact, "start": f, "end": f + len(fact), "speaker": None,
                    "cue": None}],
    }


def ingest_all(location: Path) -> None:
    with kb.KnowledgeBase(location) as knowledge:
        for day in ORDER:
            knowledge.ingest_record(record(day), name=f"valley-{day}.json")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("bounded") / "store"
    ingest_all(location)
    return location


@pytest.fixture()
def knowledge(built: Path, tmp_path: Path) -> Iterator[kb.KnowledgeBase]:
    shutil.copytree(built, tmp_path / "store")
    with kb.KnowledgeBase(tmp_path / "store") as opened:
        yield opened


def by_day(knowledge: kb.KnowledgeBase) -> dict[int, str]:
    """Day → the claim carrying the quote in that day's article."""
    rows = knowledge.select("SELECT ?c ?t ?url WHERE { ?c a schema:Claim ; schema:text ?t ; schema:appearance ?d . "
                            "?d schema:url ?url }")
    return {int(str(r["url"]).rsplit("/", 1)[1]): str(r["c"]) for r in rows if r["t"] == QUOTE}


def proposals(knowledge: kb.KnowledgeBase) -> list[tuple[str, str]]:
    rows = knowledge.select("SELECT ?r ?a ?b ?g WHERE { GRAPH ?g { ?r a kb:ClaimRelation ; kb:fromClaim ?a ; "
                            "kb:toClaim ?b ; kb:relationType kb:sameQuoteAs } }", {"g": RELATIONS})
    return sorted((str(r["a"]), str(r["b"])) for r in rows)


def earliest(knowledge: kb.KnowledgeBase) -> dict[str, str]:
    rows = knowledge.select("SELECT ?c ?e ?g WHERE { GRAPH ?g { ?c kb:earliestAppearance ?e } }", {"g": RELATIONS})
    return {str(r["c"]): str(r["e"]) for r in rows}


def assert_one_group(knowledge: kb.KnowledgeBase, days: list[int]) -> None:
    """Every claim of ``days`` lists the others (oldest first) in its JSON, and all name the oldest as earliest."""
    claims = by_day(knowledge)
    assert sorted(claims) == sorted(days)
    oldest = claims[min(days)]
    client = _app(knowledge).test_client()
    for day in days:
        body = client.get("/id/" + iris.local_path(claims[day]) + ".json").get_json()
        assert [a["claim"] for a in body["appearances"]] == [claims[d] for d in sorted(days) if d != day]
        assert [a["date"] for a in body["appearances"]] == [f"2024-01-{d + 1:02d}" for d in sorted(days) if d != day]
        assert body["earliest"]["claim"] == oldest
        assert len(body["outlets"]) == len(days)
    assert earliest(knowledge) == dict.fromkeys(claims.values(), oldest)


def test_every_appearance_lists_all_the_others_and_the_true_earliest(knowledge: kb.KnowledgeBase) -> None:
    assert_one_group(knowledge, list(range(N)))


def test_relations_grow_linearly(knowledge: kb.KnowledgeBase) -> None:
    links = proposals(knowledge)
    # The k-th appearance ingested (k earlier ones) is linked to min(k, 1 + BEST) of them: the
    # group's root and the best others. With N = 12: 1 + 2 + 3 + 8 * 4 = 38, where linking to
    # every earlier match gave N * (N - 1) / 2 = 66.
    assert tracking.BEST == 3
    assert len(links) == sum(min(k, 1 + tracking.BEST) for k in range(N)) == 38
    assert len(links) <= N * (1 + tracking.BEST) < N * (N - 1) // 2
    assert len(set(links)) == len(links) and all((b, a) not in links for a, b in links)  # one node per pair
    # Every appearance is linked (new to old) to the group's earliest at the time it came:
    claims = by_day(knowledge)
    for k, day in enumerate(ORDER[1:], 1):
        assert (claims[day], claims[min(ORDER[:k])]) in links
    # the direct triples are written both ways, one pair per proposal
    rows = knowledge.select("SELECT ?a ?b ?g WHERE { GRAPH ?g { ?a kb:sameQuoteAs ?b } }", {"g": RELATIONS})
    assert sorted((str(r["a"]), str(r["b"])) for r in rows) == sorted(links + [(b, a) for a, b in links])


def test_removing_the_earliest_keeps_one_group(knowledge: kb.KnowledgeBase) -> None:
    claims = by_day(knowledge)
    doc = str(knowledge.select("SELECT ?c ?d WHERE { ?c schema:appearance ?d }", {"c": URIRef(claims[0])})[0]["d"])
    knowledge.remove(doc, reason="retracted")
    assert_one_group(knowledge, list(range(1, N)))
    assert all(claims[0] not in pair for pair in proposals(knowledge))


def test_a_star_cut_at_its_root_is_relinked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no "best others" every appearance hangs off the root alone: removing or replacing
    the root would leave N - 1 single claims, unless kb links its former neighbours again."""
    monkeypatch.setattr(tracking, "BEST", 0)
    ingest_all(tmp_path / "store")
    with kb.KnowledgeBase(tmp_path / "store") as knowledge:
        claims = by_day(knowledge)
        assert {b for _, b in proposals(knowledge)} == {claims[0], claims[5]}  # the roots when each came
        assert len(proposals(knowledge)) == N - 1
        assert_one_group(knowledge, list(range(N)))
        # the root's article replaced by a version without the quote: a replaced graph, not a removal
        result = knowledge.ingest_record(record(0, quoted=False), name="valley-0.json")
        assert "replaced" in result.graphs.values()
        assert len(proposals(knowledge)) == N - 2  # still one tree over the N - 1 left
        assert_one_group(knowledge, list(range(1, N)))


def test_curations_join_and_cut_groups(knowledge: kb.KnowledgeBase) -> None:
    """A user's same-quote relation joins another claim to the group; a rejected link is not
    followed (here the claim keeps its group through its other links)."""
    claims = by_day(knowledge)
    last = claims[ORDER[-1]]
    root = claims[min(ORDER[:-1])]
    relate(knowledge, last, "same-quote", root, status="rejected", agent="alice")
    assert not knowledge.ask("ASK { ?a kb:sameQuoteAs ?b }", {"a": URIRef(last), "b": URIRef(root)})
    assert_one_group(knowledge, list(range(N)))
    # a twelfth-day article's reported fact, said by a user to be the same words
    knowledge.ingest_record(record(N, quoted=False), name="valley-fact.json")
    fact = str(knowledge.select("SELECT ?c ?t WHERE { ?c a schema:Claim ; schema:text ?t }",
                                {"t": Literal(f"at a meeting on day {N}")})[0]["c"])
    relate(knowledge, fact, "same-quote", claims[3], agent="bob")
    found = spread(knowledge, fact)
    assert [a.claim for a in found.appearances] == [claims[d] for d in range(N)]
    assert found.earliest is not None and found.earliest.claim == claims[0]
    assert earliest(knowledge)[fact] == claims[0]
    assert [a.claim for a in spread(knowledge, claims[5]).appearances] == [claims[d] for d in range(N) if d != 5] + [fact]
