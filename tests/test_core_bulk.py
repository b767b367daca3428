"""The bulk ingest path: the direct pyoxigraph builder (kb.writing.oxmapping) gives exactly
the triples of the rdflib reference (kb.writing.mapping), the one-query context read gives
exactly the reference context, and ``KnowledgeBase.ingest_records`` writes what
``ingest_record`` writes, idempotently, batch by batch."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from gold import seed_record
from kb import KnowledgeBase, iris
from kb.errors import ValidationError

from kb.writing.mapping import record_to_graph
from kb.writing.oxmapping import record_to_ox_triples
from kb.record import parse_record
from kb.store.convert import from_ox, to_ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from generate import Corpus  # noqa: E402

CORPUS = Corpus(seed=7, claims=400)


def generated(n: int, *, salt: str = "bulk-test", claims: int = 6) -> list[dict]:
    return [CORPUS.document(i, n_claims=claims, salt=salt) for i in range(n)]


def ox_set(graph: Graph) -> set[tuple]:
    return {(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph}


def assert_same_triples(record) -> None:
    parsed = parse_record(record)
    doc, graph = record_to_graph(parsed)
    doc2, triples = record_to_ox_triples(parsed)
    assert doc2 == doc
    assert len(triples) == len(set(triples)) == len(graph)
    assert set(triples) == ox_set(graph)


def test_direct_builder_gives_the_reference_triples_on_the_seed():
    assert_same_triples(seed_record())


def test_direct_builder_gives_the_reference_triples_on_generated_records():
    for record in generated(40, claims=8):
        assert_same_triples(record)


def _quads(kb: KnowledgeBase, *, provenance: bool = False) -> set[tuple]:
    prov = "https://w3id.org/claimkb/id/graph/provenance"
    return {
        (q.subject, q.predicate, q.object, q.graph_name)
        for q in kb.backend.store.quads_for_pattern(None, None, None)
        if provenance or q.graph_name.value != prov
    }


def test_ingest_records_writes_what_ingest_record_writes_and_is_idempotent(tmp_path):
    records = generated(25)
    with KnowledgeBase(tmp_path / "one") as one, KnowledgeBase(tmp_path / "bulk") as bulk:
        for r in records:
            one.ingest_record(r)
        seen = []
        result = bulk.ingest_records(records, batch_size=4, on_batch=seen.append)
        assert len(seen) == 7 and set(result.graphs.values()) == {"added"} and len(result.graphs) == 25
        assert result.claims == sum(len(r["claims"]) for r in records)
        assert _quads(one) == _quads(bulk)
        # one provenance record per graph, like ingest_record
        assert len(_quads(bulk, provenance=True)) - len(_quads(bulk)) == len(_quads(one, provenance=True)) - len(_quads(one))
        before = _quads(bulk, provenance=True)
        again = bulk.ingest_records(records, batch_size=3)
        assert set(again.graphs.values()) == {"unchanged"} and not again.changed
        assert one.ingest_records(records[:5], batch_size=2).changed is False  # same hashes as ingest_record
        assert _quads(bulk, provenance=True) == before


def test_ingest_records_replaces_a_changed_document(tmp_path):
    records = generated(6)
    changed = copy.deepcopy(records[2])
    changed["claims"] = changed["claims"][:2]
    with KnowledgeBase(tmp_path / "a") as a, KnowledgeBase(tmp_path / "b") as b:
        a.ingest_records(records, batch_size=2)
        result = a.ingest_records([changed, *records[3:]], batch_size=1)
        assert sorted(result.graphs.values()) == ["replaced", "unchanged", "unchanged", "unchanged"]
        b.ingest_records([*records[:2], changed, *records[3:]], batch_size=10)
        assert _quads(a) == _quads(b)


def test_a_rejected_batch_writes_nothing_and_earlier_batches_stay(tmp_path):
    records = generated(6)
    # A stored triple gives an annotation of the fifth document a second oa:hasBody
    # (at most one allowed): that document, and only it, is rejected by the shapes.
    _doc, graph = record_to_graph(parse_record(records[4]))
    anchor = next(s for s in graph.subjects() if str(s).endswith("#anchor"))
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_rdf(f"<{anchor}> <http://www.w3.org/ns/oa#hasBody> <https://example.org/other> .", "nt")
        written = []
        with pytest.raises(ValidationError) as err:
            kb.ingest_records(records, batch_size=2, on_batch=written.append)
        assert any(str(v.focus) == str(anchor) for v in err.value.report.violations)
        assert len(written) == 2
        stored = {q.graph_name.value for q in kb.backend.store.quads_for_pattern(None, None, None)}
        kept = {str(g) for g in iris.KEPT_GRAPHS}  # provenance, entities: what kb derives and keeps itself
        assert len(stored - kept) == 4 + 1  # four documents and the uploaded triple
        assert {str(d) for w in written for d in w.documents} == {
            str(record_to_graph(parse_record(r))[0]) for r in records[:4]
        }


def _meta():
    from kb.writing.changes import InputMeta

    return InputMeta("t.json", "0" * 64, "application/json")


def to_ox_quad(s, p, o, g) -> ox.Quad:
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g)))
