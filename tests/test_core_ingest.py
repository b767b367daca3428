"""Ingest into a real on-disk store: the seed's gold claims, idempotence, replacement,
provenance, and export → import round trips in every format."""

from __future__ import annotations

import copy

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from gold import seed_record, seed_text
from kb import KnowledgeBase
from kb.formats import parse_rdf
from kbtest import snapshot


CLAIMS_BY_SPEAKER = """
SELECT ?name (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; schema:author/schema:name ?name }
GROUP BY ?name ORDER BY ?name
"""


@pytest.fixture(scope="module")
def seed_kb(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed-store")
    with KnowledgeBase(path) as kb:
        result = kb.ingest_record(seed_record(), name="seed.json")
        assert result.graphs and set(result.graphs.values()) == {"added"}
    kb = KnowledgeBase(path)
    yield kb
    kb.close()


def test_the_seed_gold_record_ingests_with_every_claim(seed_kb):
    stats = seed_kb.stats()
    assert {k: stats[k] for k in ("claims", "people", "documents")} == {"claims": 17, "people": 4, "documents": 1}
    # Quds Force, IRGC, Hamas, al-Qassam Brigades, Palestinian Authority, The Jerusalem Post
    assert stats["organizations"] == 6
    assert seed_kb.select(CLAIMS_BY_SPEAKER) == [
        {"name": "Esmail Qaani", "n": 11},
        {"name": "Hossein Salami", "n": 5},
    ]


def test_every_claim_is_anchored_to_its_exact_characters(seed_kb):
    rows = seed_kb.select(
        """
        SELECT ?start ?end ?exact WHERE {
          ?a oa:hasBody ?c ; oa:hasTarget ?t . ?c a schema:Claim .
          ?t oa:hasSelector ?p, ?q .
          ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?q a oa:TextQuoteSelector ; oa:exact ?exact .
        } ORDER BY ?start
        """
    )
    text = seed_text()
    assert len(rows) == 17
    assert rows[0]["start"] == 17 and rows[0]["end"] == 229
    assert all(text[r["start"] : r["end"]] == r["exact"] for r in rows)


def test_the_attribution_chain_is_queryable(seed_kb):
    rows = seed_kb.select(
        """
        SELECT ?text ?speaker ?medium ?via ?to ?date WHERE {
          ?c schema:text ?text ; schema:author/schema:name ?speaker ;
             schema:firstAppearance/schema:genre ?medium ; kb:via/schema:name ?via ;
             schema:recipient/schema:name ?to ; schema:dateCreated ?date .
        }
        """
    )
    assert [(r["speaker"], r["medium"], r["via"], r["to"], str(r["date"])) for r in rows] == [
        ("Esmail Qaani", "letter", "The Jerusalem Post", "Mohammed Deif", "2021-05-20")
    ]
    assert rows[0]["text"] == "has opened a new era in the conflict with the Zionist enemy,"


def test_a_venue_is_an_event_with_a_place(seed_kb):
    rows = seed_kb.select(
        """
        SELECT DISTINCT ?venue ?place WHERE {
          ?c schema:recordedAt ?e . ?e a schema:Event ; schema:name ?venue ; schema:location/schema:name ?place }
        """
    )
    assert rows == [{"venue": "a rally in Tehran", "place": "Tehran"}]


def test_people_have_aliases_titles_and_roles_and_orgs_their_relations(seed_kb):
    rows = seed_kb.select(
        """
        SELECT ?alias ?title WHERE { ?p a schema:Person ; schema:name "Esmail Qaani" ; schema:alternateName ?alias ;
                                        schema:honorificPrefix ?title }
        """
    )
    assert rows == [{"alias": "Qaani", "title": "Brig.-Gen."}]
    rows = seed_kb.select(
        """
        SELECT ?child ?parent WHERE { ?c a schema:Organization ; schema:parentOrganization ?p ; schema:name ?child .
                                      ?p schema:name ?parent }
        ORDER BY ?child
        """
    )
    assert rows == [
        {"child": "Izzadin al-Qassam Brigades", "parent": "Hamas"},
        {"child": "Quds Force", "parent": "Islamic Revolutionary Guards Corps"},
    ]


def test_provenance_records_when_what_and_which_tool(seed_kb):
    rows = seed_kb.select(
        """
        SELECT ?name ?sha ?version ?doc WHERE {
          GRAPH <https://w3id.org/claimkb/id/graph/provenance> {
            ?g a prov:Bundle ; prov:wasGeneratedBy ?a ; kb:document ?doc .
            ?a prov:startedAtTime ?t0 ; prov:endedAtTime ?t1 ; prov:used ?in ; prov:wasAssociatedWith ?sw .
            ?in rdfs:label ?name ; kb:sha256 ?sha . ?sw schema:softwareVersion ?version } }
        """
    )
    assert len(rows) == 1
    assert rows[0]["name"] == "seed.json" and len(rows[0]["sha"]) == 64
    assert rows[0]["doc"].startswith("https://w3id.org/claimkb/id/doc/")


def test_ingesting_the_same_input_twice_changes_nothing(tmp_path):
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(seed_record())
    before = snapshot(tmp_path / "s")
    with KnowledgeBase(tmp_path / "s") as kb:
        again = kb.ingest_record(seed_record())
    assert set(again.graphs.values()) == {"unchanged"} and again.triples == 0
    assert snapshot(tmp_path / "s") == before


def test_a_corrected_record_replaces_the_document_graph(tmp_path):
    record = seed_record()
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(record)
        fixed = copy.deepcopy(record)
        last = fixed["claims"][-1]
        last["speaker"]["name"] = "Mohammed Deif"  # a user's (wrong) correction
        result = kb.ingest_record(fixed)
        assert set(result.graphs.values()) == {"replaced"}
        assert kb.select(CLAIMS_BY_SPEAKER) == [
            {"name": "Esmail Qaani", "n": 11},
            {"name": "Hossein Salami", "n": 4},
            {"name": "Mohammed Deif", "n": 1},
        ]
        assert kb.stats()["claims"] == 17
        # Two ingests of the graph are in its history.
        history = kb.select("SELECT (COUNT(?a) AS ?n) WHERE { ?g prov:wasGeneratedBy ?a }")
        assert history == [{"n": 2}]


def _dataset(data: bytes, fmt: str) -> Dataset:
    return parse_rdf(data, fmt, "export")


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_dataset_exports_round_trip_graph_by_graph(seed_kb, tmp_path, fmt):
    exported = seed_kb.export(fmt)
    path = tmp_path / f"export.{ {'trig': 'trig', 'nquads': 'nq', 'jsonld': 'jsonld'}[fmt] }"
    path.write_bytes(exported)
    with KnowledgeBase(tmp_path / "copy") as copy_kb:
        result = copy_kb.ingest_files([path])
        assert set(result.graphs.values()) == {"added"}
        again = copy_kb.export(fmt)
    first, second = _dataset(exported, fmt), _dataset(again, fmt)
    names = sorted(str(g.identifier) for g in first.graphs() if len(g))
    assert names == sorted(str(g.identifier) for g in second.graphs() if len(g))
    # The document's graph, and the entities graph kb derives again from its contributions.
    assert len(names) == 2 and names[1] == "https://w3id.org/claimkb/id/graph/entities"
    for name in names:
        assert isomorphic(first.graph(URIRef(name)), second.graph(URIRef(name)))


@pytest.mark.parametrize("fmt,suffix", [("turtle", "ttl"), ("nt", "nt"), ("xml", "rdf")])
def test_triple_exports_round_trip_as_one_graph(seed_kb, tmp_path, fmt, suffix):
    exported = seed_kb.export(fmt)
    path = tmp_path / f"export.{suffix}"
    path.write_bytes(exported)
    with KnowledgeBase(tmp_path / "copy") as copy_kb:
        copy_kb.ingest_files([path])
        again = copy_kb.export(fmt)
    g1, g2 = Graph().parse(data=exported, format=fmt), Graph().parse(data=again, format=fmt)
    assert len(g1) == 971  # the document's 921 triples and 50 of its entities' canonical descriptions
    assert isomorphic(g1, g2)


def test_one_document_exports_alone(seed_kb):
    doc = seed_kb.select("SELECT ?d WHERE { ?d a schema:NewsArticle }")[0]["d"]
    data = seed_kb.export("nt", document=doc)
    assert len(Graph().parse(data=data, format="nt")) == 921  # 873 from the record, 48 of contribution bookkeeping
    with_prov = seed_kb.export("nquads", document=doc, include_provenance=True)
    assert b"http://www.w3.org/ns/prov#wasGeneratedBy" in with_prov


def test_store_quads_are_plain_iris_never_blank_nodes(seed_kb):
    store = seed_kb.backend.store
    assert not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in store)


def test_full_validation_passes_shared_entities_and_finds_what_bypassed_the_shapes(tmp_path):
    from rdflib import Literal

    from kb.vocab import SDO
    from kbtest import kb_cli

    record = seed_record()
    other = copy.deepcopy(record)
    other["document"]["text"] = record["document"]["text"] + "\n"  # a second document, same people
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(record)
        kb.ingest_record(other)
        assert kb.stats()["documents"] == 2
        report = kb.validate()
        assert report.conforms, report.text()
        # A write that skips validation (as a bug or a hand edit could) gives a person two names.
        qaani = URIRef("https://w3id.org/claimkb/id/person/esmail-qaani")
        graph = kb.content_graphs()[0]
        kb.backend.write(add=[(qaani, SDO.name, Literal("E. Qaani"), graph)])
        report = kb.validate()
        assert not report.conforms
        assert {(str(v.focus), str(v.path)) for v in report.violations} == {(str(qaani), str(SDO.name))}
    run = kb_cli(tmp_path / "s", "validate")
    assert run.code == 1
    assert run.err.startswith("kb: invalid: 1 SHACL violation; first: <https://w3id.org/claimkb/id/person/esmail-qaani> schema:name:")
    assert len(run.err.splitlines()) == 1


def test_a_write_is_read_by_a_new_reader_at_once_and_the_log_it_replays_stays_bounded(tmp_path):
    """Writes flush (in a thread beside the writer) only once RocksDB's active log passes
    WAL_FLUSH_BYTES (kb/store/embedded.py):
    a reader opened right after a write (another process, as the query workers and `kb` commands
    are) still sees it, replaying the log; and the log never grows much past the bound."""
    import os
    import subprocess
    import sys

    from kb.store.embedded import WAL_FLUSH_BYTES

    def active_log() -> int:
        logs = sorted(e.name for e in os.scandir(tmp_path / "s") if e.name.endswith(".log"))
        return os.path.getsize(tmp_path / "s" / logs[-1])

    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(seed_record(), name="seed.json")
        assert active_log() < WAL_FLUSH_BYTES  # one article: not flushed, in the log only
        count = len(kb.backend.store)
        probe = ("import pyoxigraph as ox, sys; print(len(ox.Store.read_only(sys.argv[1])))")
        seen = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "s")], capture_output=True, text=True,
                              check=True).stdout.strip()
        assert int(seen) == count
        sizes = []
        for n in range(40):  # each a new graph of the seed's size: some 2 MB of log in all
            record = copy.deepcopy(seed_record())
            record["document"]["url"] = f"https://example.org/copy/{n}"
            record["document"]["text"] = record["document"]["text"] + " " * (n + 1)
            kb.ingest_record(record, name=f"copy{n}.json")
            sizes.append(active_log())
        flushes = sum(b < a for a, b in zip(sizes, sizes[1:]))
        # The flush runs beside the writer: what is written while it runs lands in the log too.
        assert max(sizes) < 4 * WAL_FLUSH_BYTES, "the log grew past its bound"
        assert 0 < flushes < 0.75 * (len(sizes) - 1), f"{flushes} flushes in {len(sizes)} writes"
