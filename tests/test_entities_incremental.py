"""Entity descriptions kept without recounting: a write that only repeats what a description
already says leaves it as stored (kb.writing.entities._absorbed). The descriptions must then be
exactly what counting every contribution again would derive."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import kb  # noqa: E402
from generate import Corpus  # noqa: E402
from kb.record import parse_record  # noqa: E402
from kb.writing import entities as E  # noqa: E402


def _derived_from_scratch(knowledge: kb.KnowledgeBase) -> dict[ox.NamedNode, set[E.OxTriple]]:
    backend = knowledge.backend
    everyone = {E._n(r["e"]) for r in knowledge.select(
        "SELECT ?g ?e WHERE { GRAPH ?g { ?c prov:specializationOf ?e } }")}
    counts = E._stored_counts(backend, sorted(everyone, key=str), set())
    return {e: set(E.canonical(e, counts.get(e, {}))) for e in everyone}


def test_descriptions_equal_a_full_recount_after_many_small_writes(tmp_path: Path) -> None:
    corpus = Corpus(seed=7, claims=400)  # heavy-tailed: a few speakers in most documents
    calls = []
    real = E._stored_counts

    def counting(backend, entities, exclude):  # type: ignore[no-untyped-def]
        calls.append(len(entities))
        return real(backend, entities, exclude)

    E._stored_counts = counting  # type: ignore[assignment]
    try:
        with kb.KnowledgeBase(tmp_path / "store") as knowledge:
            for i in range(40):
                record = corpus.document(i, n_claims=5)
                for k, entity in enumerate(record["entities"]):
                    if entity.get("type") != "Person":
                        continue
                    # Later articles also say new things, and old things more often: a title
                    # that may come to win, a shorter or an equally full other name, a new role.
                    if (i + k) % 3 == 0:
                        entity["honorific"] = ("Dr.", "Sen.", "Gov.")[(i // 3 + k) % 3]
                    if (i + k) % 4 == 1:
                        entity.setdefault("aliases", []).append(entity["name"].split()[-1].upper())
                    if i >= 22 or (i + k) % 7 == 2:  # later, mostly the initial: it may come to win
                        first, *rest = entity["name"].split()
                        entity["name"] = " ".join([first[0] + ".", *rest])
                    if (i + k) % 9 == 4:
                        entity.setdefault("roles", []).append({"name": f"adviser {i % 4}", "organization": "Council for Transport"})
                knowledge.ingest_record(parse_record(record), name=f"d{i}.json")
            # A re-ingest (a replacement) always recounts: here, the first document again, changed.
            knowledge.ingest_record(parse_record(corpus.document(0, n_claims=4)), name="d0.json")
            stored = E.stored_descriptions(knowledge.backend, _derived_from_scratch(knowledge))
            expected = _derived_from_scratch(knowledge)
    finally:
        E._stored_counts = real  # type: ignore[assignment]
    assert {e: t for e, t in expected.items() if t} == {e: t for e, t in stored.items() if t}
    assert len(expected) > 20
    # Most writes name people already described the same way: they were not counted again.
    assert sum(calls[20:40]) < 0.7 * sum(calls[:20]), calls


def test_what_can_and_cannot_leave_a_description_as_stored() -> None:
    e = ox.NamedNode("https://w3id.org/claimkb/id/person/ingrid-cohen")
    lit = ox.Literal
    stored = {(e, E.TYPE, ox.NamedNode("http://schema.org/Person")), (e, E.NAME, lit("Ingrid Cohen")),
              (e, E.ALIAS, lit("I. Cohen")), (e, E.ALIAS, lit("Cohen")), (e, E.ALIAS, lit("COHEN SMITH")),
              (e, E.TITLE, lit("Dr."))}
    person = (E.ENTITY_TYPE, ox.NamedNode("http://schema.org/Person"))
    assert E._absorbed(stored, {person: 1, (E.NAME, lit("Ingrid Cohen")): 1, (E.TITLE, lit("Dr.")): 1})
    assert E._absorbed(stored, {(E.NAME, lit("Cohen")): 9})  # fewer words: never the name, however often
    assert not E._absorbed(stored, {(E.NAME, lit("I. Cohen")): 1})  # as full: enough uses would win
    assert E._absorbed(stored, {(E.NAME, lit("COHEN SMITH")): 5})  # as full but not properly cased
    assert not E._absorbed(stored, {(E.NAME, lit("Ingrid Cohen-Smith")): 1})  # new
    assert not E._absorbed(stored, {(E.TITLE, lit("Sen.")): 1})  # another title may come to win
    assert E._absorbed(stored, {(E.ALIAS, lit("Ingrid Cohen")): 1})
    assert not E._absorbed(stored, {(E.ENTITY_TYPE, ox.NamedNode("http://schema.org/Organization")): 1})
    assert not E._absorbed(stored, {(ox.NamedNode("http://schema.org/memberOf"), ox.NamedNode("https://x.example/r")): 1})
