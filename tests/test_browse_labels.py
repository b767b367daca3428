"""The browse index's labels (kb/browse/queries.py ``Labels``): re-indexing one article reads
the names, types and organizations of every entity its claims name in one VALUES batch, not
three queries per entity, and gives the same rows as reading every entity at once."""

from __future__ import annotations

from typing import Any

import pytest

from gold import seed_record
from kb import KnowledgeBase
from kb.browse import queries as Q


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: Any) -> Any:
    with KnowledgeBase(tmp_path_factory.mktemp("labels")) as kb:
        result = kb.ingest_record(seed_record(), name="seed.json")
        graph = next(str(g) for g, status in result.graphs.items() if status == "added" and "/graph/" in str(g))
        yield kb, graph


def counted(kb: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    real = kb.select

    def select(query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return real(query, *args, **kwargs)

    monkeypatch.setattr(kb, "select", select)
    return sent


def test_one_article_reads_its_entities_in_one_batch(seeded: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kb, graph = seeded
    everything = [r for r in Q.claim_rows(kb, None) if r["graph"] == graph]
    sent = counted(kb, monkeypatch)
    rows = Q.claim_rows(kb, [graph])
    assert sorted(rows, key=lambda r: r["iri"]) == sorted(everything, key=lambda r: r["iri"])
    assert len(rows) == 17 and {r["speaker_name"] for r in rows} >= {"Esmail Qaani"}
    entity_queries = [q for q in sent if "GRAPH ?eg" in q]
    # names, types and organizations: one query each for all of the article's speakers and outlets
    assert len(entity_queries) == 3 and all("VALUES ?e {" in q for q in entity_queries)
    every_org = Q.claim_orgs(kb, None)
    sent.clear()
    orgs = Q.claim_orgs(kb, [graph])
    assert orgs == {c: o for c, o in every_org.items() if c in orgs} and len(orgs) == 11
    assert len([q for q in sent if "GRAPH ?eg" in q]) == 6  # the speakers, then all their organizations


def test_one_re_index_reads_the_entities_once_for_rows_facets_and_search(seeded: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim rows, the organization facet and the searched fields of one article share one
    ``Labels``, so an entity that two of them name is read once."""
    from kb.browse import get_index

    kb, graph = seeded
    sent = counted(kb, monkeypatch)
    rows, values, fields = get_index(kb)._read([graph])
    shared = [q for q in sent if "GRAPH ?eg" in q]
    sent.clear()
    apart = (Q.claim_rows(kb, [graph]), Q.claim_orgs(kb, [graph]), Q.claim_search_fields(kb, [graph]))
    assert (rows, values["org"], fields) == apart and len(rows) == 17 and len(values["org"]) == 11
    # names, types, organizations: for the speakers and outlets, their organizations, and the
    # addressees and places (one VALUES batch each); apart, the organization facet reads the
    # speakers again.
    assert len(shared) == 9 and len([q for q in sent if "GRAPH ?eg" in q]) == 12


def test_a_bulk_sync_counts_the_graphs_triples_before_any_page_asks(tmp_path: Any) -> None:
    """A sync that re-indexes everything (a bulk load; here the first, into an empty index) fills
    the per-graph triple counts at once, so a server started next does not count the whole store
    for its first home page; the home page's total is then the store's."""
    from kb.browse import get_index

    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(seed_record(), name="seed.json")
        index = get_index(kb)
        counted = dict(index.db().execute("SELECT graph, triples FROM graph_triples").fetchall())
        graph = next(g for g in counted if "/graph/" in g)
        assert counted[graph] == len(list(kb.backend.store.quads_for_pattern(None, None, None, ox_graph(graph))))
        assert index.triple_count() == len(kb.backend.store)


def ox_graph(iri: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def test_closing_a_knowledge_base_closes_its_index_connections(tmp_path: Any) -> None:
    """Each open store's browse and tracking indexes hold SQLite connections (three descriptors
    each); closing the knowledge base closes them, so a process that opens many stores (a
    server's tests, a notebook) does not run out of descriptors (select() refused past 1023)."""
    import os

    from kb.browse import get_index
    from kb.tracking import tracking_index

    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    with KnowledgeBase(tmp_path / "warm") as kb:  # imports and first-use caches, before counting
        kb.ingest_record(seed_record(), name="seed.json")
    before = descriptors()
    for n in range(5):
        with KnowledgeBase(tmp_path / f"s{n}") as kb:
            kb.ingest_record(seed_record(), name="seed.json")
            get_index(kb).db().execute("SELECT 1")
            tracking_index(kb).count()
            assert descriptors() > before
    assert descriptors() == before
