"""Issue 12 (scale): the tracking index keeps each claim's group of appearances and its root.

A claim's group (``claims.grp``) and the group's earliest appearance and size (``groups``) are
maintained as claims come and go, so finding them is a row, not a walk of the links. What is
checked: a claim matching two groups merges them under the older root; removing a group's root
hands the group to the next earliest; removing the only claim bridging two quotes splits the
group in two (and not when another match still links them); after random adds and removals the
kept groups are what the index's links connect, with the same roots and sizes, and the same as
indexing the claims left from scratch; the claims whose earliest appearance moved are reported
(``moves``); and, through a knowledge base, the stored ``kb:earliestAppearance`` triples follow.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

import kb
from kb import iris
from kb.tracking import index as tracking
from kb.tracking.index import Group, TrackedClaim, TrackingIndex, earliest_of
from kb.tracking.link import rebuild

# Quotes of five words with no words in common: a claim carrying two of them back to back
# contains both, so it is the same words as each (a "bridge"), while they are not each other's.
A = "rivers carry stones toward distant seas"
B = "mountains guard quiet villages every night"
C = "children paint bright murals downtown today"
RELATIONS = URIRef(str(iris.RELATIONS_GRAPH))
ID = "https://w3id.org/claimkb/id/"


def claim(name: str, text: str, day: int | None, *, kind: str = "DirectQuote", speaker: str = "") -> TrackedClaim:
    """Claim ``name`` alone in article (and graph) ``name``, published on 2024-01-<day> (None: undated)."""
    return TrackedClaim(iri=f"{ID}claim/{name}", graph=f"{ID}graph/{name}", kind=kind, words=tuple(text.split()),
                        speaker=speaker, doc=f"{ID}doc/{name}", doc_date="" if day is None else f"2024-01-{day:02d}")


def iri(name: str) -> str:
    return f"{ID}claim/{name}"


def groups(index: TrackingIndex) -> dict[frozenset[str], tuple[str, int]]:
    """The index's groups: members → (earliest appearance, size), read from its tables."""
    rows = index.con.execute("SELECT c.iri, g.first, g.size FROM claims c JOIN groups g ON g.id = c.grp").fetchall()
    members: dict[tuple[str, int], set[str]] = {}
    for member, first, size in rows:
        members.setdefault((first, size), set()).add(member)
    assert index.con.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == len(members), "a group row without members"
    return {frozenset(m): key for key, m in members.items()}


def linked(index: TrackingIndex) -> dict[frozenset[str], tuple[str, int]]:
    """The same, found from scratch: what the index's same-words links connect, walked."""
    dates = dict(index.con.execute(f"SELECT iri, {tracking._WHEN} FROM claims"))  # noqa: S608 - fixed SQL
    neighbours: dict[str, set[str]] = {c: set() for c in dates}
    for src, dst, relation in index.con.execute("SELECT src, dst, relation FROM links"):
        if relation in tracking.SAME_WORDS:
            neighbours[src].add(dst)
            neighbours[dst].add(src)
    out: dict[frozenset[str], tuple[str, int]] = {}
    seen: set[str] = set()
    for start in sorted(dates):
        if start in seen:
            continue
        part, todo = {start}, [start]
        while todo:
            for n in neighbours[todo.pop()] - part:
                part.add(n)
                todo.append(n)
        seen |= part
        out[frozenset(part)] = (earliest_of({c: dates[c] for c in part}), len(part))
    return out


def fresh(claims: list[TrackedClaim], path: Path) -> dict[frozenset[str], tuple[str, int]]:
    """The groups of an index built from scratch from ``claims``, oldest article first (as kb rebuilds)."""
    index = TrackingIndex(str(path))
    for c in sorted(claims, key=lambda c: (c.when or "9999", c.graph)):
        index.add([c])
    found = groups(index)
    index.close()
    return found


@pytest.fixture()
def index(tmp_path: Path) -> TrackingIndex:
    return TrackingIndex(str(tmp_path / "index.sqlite3"))


def test_a_claim_matching_two_groups_merges_them_under_the_older_root(index: TrackingIndex) -> None:
    index.add([claim("a1", A, 5)])
    index.add([claim("a2", A, 9)])
    index.add([claim("b1", B, 3)])
    index.add([claim("b2", B, 7)])
    index.add([claim("b3", B, None)])  # undated: after every dated appearance
    assert groups(index) == {frozenset({iri("a1"), iri("a2")}): (iri("a1"), 2),
                             frozenset({iri("b1"), iri("b2"), iri("b3")}): (iri("b1"), 3)}
    before = index.group(iri("b2"))
    with index.moves() as moved:
        links = index.add([claim("ab", f"{A} {B}", 12)])
    # linked to each group's root (and the best others), and the two groups are one, rooted at b1
    assert {(x.dst, x.relation) for x in links} >= {(iri("a1"), "sameQuoteAs"), (iri("b1"), "sameQuoteAs")}
    everyone = frozenset(iri(n) for n in ("a1", "a2", "b1", "b2", "b3", "ab"))
    assert groups(index) == {everyone: (iri("b1"), 6)} == linked(index)
    after = index.group(iri("a2"))
    assert before is not None and after == Group(before.id, iri("b1"), "2024-01-03", 6)  # the larger group's id kept
    assert index.earliest(iri("ab")) == iri("b1") and set(index.members(iri("a1"))) == everyone
    # the A group's earliest moved from a1 to b1; the B group's did not; the new claim had none
    assert moved == {iri("a1"), iri("a2"), iri("ab")}


def test_removing_the_root_hands_the_group_to_the_next_earliest(index: TrackingIndex, tmp_path: Path) -> None:
    days = {"r": 2, "s": 6, "t": 4, "u": 9}
    for name in ("s", "r", "u", "t"):
        index.add([claim(name, A, days[name])])
    assert groups(index) == {frozenset(iri(n) for n in days): (iri("r"), 4)}
    with index.moves() as moved:
        gone, _ = index.remove_graphs([f"{ID}graph/r"])
        index.relink({iri(n) for n in "stu"})
    assert gone == {iri("r")}
    assert groups(index) == {frozenset(iri(n) for n in "stu"): (iri("t"), 3)} == linked(index)
    assert groups(index) == fresh([claim(n, A, days[n]) for n in "stu"], tmp_path / "fresh.sqlite3")
    assert moved == {iri(n) for n in "stu"}
    with index.moves() as moved:  # removing a claim that is not the root moves no one's earliest
        index.remove_graphs([f"{ID}graph/u"])
    assert groups(index) == {frozenset({iri("s"), iri("t")}): (iri("t"), 2)} and moved == set()


def bridged(index: TrackingIndex, *, second_bridge: bool) -> None:
    index.add([claim("a1", A, 1)])
    index.add([claim("b1", B, 2)])
    index.add([claim("ab", f"{A} {B}", 3)])
    index.add([claim("a2", A, 4)])
    index.add([claim("b2", B, 5)])
    if second_bridge:
        index.add([claim("ba", f"{B} {C} {A}", 6)])


def test_removing_the_only_bridge_splits_the_group(index: TrackingIndex, tmp_path: Path) -> None:
    bridged(index, second_bridge=False)
    assert groups(index) == {frozenset(iri(n) for n in ("a1", "b1", "ab", "a2", "b2")): (iri("a1"), 5)}
    with index.moves() as moved:
        gone, old = index.remove_graphs([f"{ID}graph/ab"])
        index.relink({end for x in old for end in (x.src, x.dst)} - gone)
    assert groups(index) == {frozenset({iri("a1"), iri("a2")}): (iri("a1"), 2),
                             frozenset({iri("b1"), iri("b2")}): (iri("b1"), 2)} == linked(index)
    left = [claim("a1", A, 1), claim("b1", B, 2), claim("a2", A, 4), claim("b2", B, 5)]
    assert groups(index) == fresh(left, tmp_path / "fresh.sqlite3")
    assert moved == {iri("b1"), iri("b2")}  # the B half's earliest is b1 now, the A half's still a1
    assert index.group(iri("a1")) != index.group(iri("b1"))


def test_removing_a_bridge_another_match_replaces_keeps_one_group(index: TrackingIndex, tmp_path: Path) -> None:
    bridged(index, second_bridge=True)
    everyone = frozenset(iri(n) for n in ("a1", "b1", "ab", "a2", "b2", "ba"))
    assert groups(index) == {everyone: (iri("a1"), 6)}
    with index.moves() as moved:
        gone, old = index.remove_graphs([f"{ID}graph/ab"])
        index.relink({end for x in old for end in (x.src, x.dst)} - gone)
    assert groups(index) == {everyone - {iri("ab")}: (iri("a1"), 5)} == linked(index)
    left = [claim("a1", A, 1), claim("b1", B, 2), claim("a2", A, 4), claim("b2", B, 5), claim("ba", f"{B} {C} {A}", 6)]
    assert groups(index) == fresh(left, tmp_path / "fresh.sqlite3")
    assert moved == set()


def test_a_claim_indexed_again_with_an_earlier_date_becomes_the_root(index: TrackingIndex) -> None:
    """One IRI stored by a second graph (kb indexes it again, keeping its group and links)."""
    for name, day in (("a1", 3), ("a2", 5), ("a3", 7)):
        index.add([claim(name, A, day)])
    with index.moves() as moved:
        index.add([TrackedClaim(iri("a3"), f"{ID}graph/other", "DirectQuote", tuple(A.split()), doc=f"{ID}doc/other",
                                doc_date="2024-01-01")])
    assert groups(index) == {frozenset(iri(n) for n in ("a1", "a2", "a3")): (iri("a3"), 3)} == linked(index)
    assert moved == {iri("a1"), iri("a2"), iri("a3")}
    # Its postings are those of its one row, counted once: three claims carry each of A's shingles.
    assert index.con.execute("SELECT COUNT(*) FROM shingles WHERE claim NOT IN (SELECT id FROM claims)").fetchone() == (0,)
    assert {n for (n,) in index.con.execute("SELECT n FROM df")} == {3}
    assert index.con.execute("SELECT COUNT(*) FROM shingles").fetchone() == (3 * len(tracking.shingles(A.split())),)


def snapshot(index: TrackingIndex) -> dict[str, str]:
    return {c: index.earliest(c) for c in index.claims([r[0] for r in index.con.execute("SELECT iri FROM claims")])}


def test_random_adds_and_removals_keep_the_groups_a_rebuild_finds(index: TrackingIndex, tmp_path: Path) -> None:
    """~200 claims in 100 articles: quotes made of a few of eight word runs, some partial (one
    run), some bridging two or three, some edited (a word inserted), some paraphrases or facts;
    dated or not, a few speakers. Articles are added, removed and replaced at random (as the
    after-commit hook does: removal, relinking the removed claims' neighbours, then adding)."""
    rng = random.Random(12)
    runs = [" ".join(f"w{r}x{i}" for i in range(6)) for r in range(8)]

    def text(rng: random.Random) -> tuple[str, str]:
        first = rng.randrange(8)
        words = " ".join(runs[(first + k) % 8] for k in range(rng.choice([1, 1, 1, 2, 2, 3]))).split()
        if rng.random() < 0.2:
            words.insert(rng.randrange(1, len(words)), "indeed")  # a light edit
        kind = rng.choice(["DirectQuote"] * 3 + ["PartialQuote"] * 2 + ["Paraphrase", "ReportedFact"])
        return kind, " ".join(words)

    def article(n: int, version: int) -> list[TrackedClaim]:
        day = rng.choice([None] + list(range(1, 29)))
        out = []
        for k in range(rng.randint(1, 3)):
            kind, words = text(rng)
            out.append(TrackedClaim(
                iri=f"{ID}claim/{n}-{version}-{k}", graph=f"{ID}graph/{n}", kind=kind, words=tuple(words.split()),
                speaker=rng.choice(["", f"{ID}person/p1", f"{ID}person/p2"]),
                said=rng.choice(["", "", f"2023-12-{1 + k:02d}"]), doc=f"{ID}doc/{n}-{version}",
                doc_date="" if day is None else f"2024-01-{day:02d}"))
        return out

    stored: dict[str, list[TrackedClaim]] = {}
    versions = 0
    for step in range(160):
        roll = rng.random()
        before = snapshot(index)
        with index.moves() as moved:
            if stored and roll < 0.3:  # removed, or replaced by another version of the article
                graph = rng.choice(sorted(stored))
                gone, old = index.remove_graphs([graph])
                assert gone == {c.iri for c in stored.pop(graph)}
                index.relink({end for x in old for end in (x.src, x.dst)} - gone)
                if roll < 0.15:
                    versions += 1
                    stored[graph] = article(int(graph.rsplit("/", 1)[1]), versions)
                    index.add(stored[graph])
            else:
                stored[f"{ID}graph/{step}"] = article(step, 0)
                index.add(stored[f"{ID}graph/{step}"])
        after = snapshot(index)
        assert {c for c in after if after[c] != before.get(c, "")} <= moved, f"step {step}: a move not reported"
        assert groups(index) == linked(index), f"step {step}"
    left = [c for claims in stored.values() for c in claims]
    assert 150 <= len(left) <= 250 and index.count() == len(left)
    found = groups(index)
    assert max(size for _, size in found.values()) >= 10  # groups formed, and merged through bridges
    assert found == fresh(left, tmp_path / "fresh.sqlite3")


def test_an_index_from_before_groups_is_built_again(tmp_path: Path) -> None:
    """An index file of version 3 (no ``grp`` column) is dropped on opening for writing (kb rebuilds it);
    a read-only process leaves it, and a missing index, as they are."""
    path = str(tmp_path / "old.sqlite3")
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE claims (id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, graph TEXT NOT NULL, "
                "kind TEXT NOT NULL, words TEXT NOT NULL, speaker TEXT NOT NULL, said TEXT NOT NULL, doc TEXT NOT NULL, "
                "doc_date TEXT NOT NULL, outlet TEXT NOT NULL)")
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('built', '3')")
    con.commit()
    con.close()
    before = Path(path).read_bytes()
    reader = TrackingIndex(path, read_only=True)  # a reader may not fix it: it reads an empty index, file untouched
    assert reader.meta("built") is None and reader.count() == 0 and reader.links_of(iri("a1")) == []
    reader.close()
    assert Path(path).read_bytes() == before
    index = TrackingIndex(path)
    assert index.meta("built") is None and index.count() == 0
    index.add([claim("a1", A, 1)])
    index.add([claim("a2", A, 2)])
    assert groups(index) == {frozenset({iri("a1"), iri("a2")}): (iri("a1"), 2)}
    index.set_meta("built", "4")
    reader = TrackingIndex(path, read_only=True)  # built and current: read as it is, beside the writer
    assert groups(reader) == {frozenset({iri("a1"), iri("a2")}): (iri("a1"), 2)}
    with pytest.raises(Exception, match="readonly"):
        reader.con.execute("DELETE FROM claims")
    assert TrackingIndex(str(tmp_path / "absent.sqlite3"), read_only=True).count() == 0
    assert not (tmp_path / "absent.sqlite3").exists()


# -- through a knowledge base: the stored kb:earliestAppearance follows the groups -------------------
def record(name: str, quote: str, day: int) -> dict[str, Any]:
    """Article ``name`` (published 2024-01-<day>): Jane Roe's quote, with no date of saying."""
    body = f'HILL TOWN - Jane Roe said "{quote}" at the {name} fair.'  # one text per article: one document each
    q, s = body.index(quote), body.index("Jane Roe")
    return {
        "document": {"text": body, "date": f"2024-01-{day:02d}", "url": f"https://example.org/hill/{name}",
                     "title": f"Hill news {name}", "publisher": f"Outlet {name}"},
        "claims": [{"kind": "direct-quote", "text": quote, "start": q, "end": q + len(quote),
                    "speaker": {"name": "Jane Roe", "start": s, "end": s + 8},
                    "cue": {"text": "said", "start": s + 9, "end": s + 13}}],
    }


def stored_earliest(knowledge: kb.KnowledgeBase) -> dict[str, str]:
    """Article name → the name of the article of its claim's stored earliest appearance."""
    rows = knowledge.select("SELECT ?url ?first ?g WHERE { ?c schema:appearance ?d . ?d schema:url ?url . "
                            "GRAPH ?g { ?c kb:earliestAppearance ?e } ?e schema:appearance ?f . ?f schema:url ?first }",
                            {"g": RELATIONS})
    return {str(r["url"]).rsplit("/", 1)[1]: str(r["first"]).rsplit("/", 1)[1] for r in rows}


def test_the_stored_earliest_appearance_follows_merges_root_and_bridge_removals(tmp_path: Path) -> None:
    with kb.KnowledgeBase(tmp_path / "store") as knowledge:
        def add(name: str, quote: str, day: int) -> None:
            knowledge.ingest_record(record(name, quote, day), name=f"{name}.json")

        def remove(name: str) -> None:
            docs = knowledge.select("SELECT ?d ?u WHERE { ?d a schema:NewsArticle ; schema:url ?u }")
            doc = next(str(r["d"]) for r in docs if str(r["u"]) == f"https://example.org/hill/{name}")
            knowledge.remove(doc, reason="retracted")

        add("x", A, 5)
        add("y", B, 3)
        assert stored_earliest(knowledge) == {}  # two claims alone
        add("z", f"{A} {B}", 8)  # the bridge: one group, rooted at the older y
        assert stored_earliest(knowledge) == {"x": "y", "y": "y", "z": "y"}
        add("w", A, 1)  # an older appearance: every member's earliest moves
        assert stored_earliest(knowledge) == {"w": "w", "x": "w", "y": "w", "z": "w"}
        remove("w")  # the root removed: the next earliest
        assert stored_earliest(knowledge) == {"x": "y", "y": "y", "z": "y"}
        add("v", f"{B} {A}", 9)  # a second bridge
        remove("z")  # still one group, through v
        assert stored_earliest(knowledge) == {"x": "y", "y": "y", "v": "y"}
        remove("v")  # the last bridge: x and y alone again, no earliest stored
        assert stored_earliest(knowledge) == {}
        add("u", A, 2)
        assert stored_earliest(knowledge) == {"u": "u", "x": "u"}
        incremental = stored_earliest(knowledge)
        rebuild(knowledge)
        assert stored_earliest(knowledge) == incremental
