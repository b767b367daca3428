"""Large RDF dumps stream in bounded memory (kb.writing.dumps): the same result as a
small file's one write, nothing written for a malformed dump, graphs split in two merged."""

from __future__ import annotations

import pytest

from behaviour import OTHER_RECORD, small_record
from kb import KnowledgeBase
from kbtest import kb_cli, snapshot


@pytest.fixture
def dump(tmp_path):
    with KnowledgeBase(tmp_path / "source") as kb:
        kb.ingest_record(small_record(), name="a.json")
        kb.ingest_record(OTHER_RECORD, name="b.json")
        data = kb.export("nquads")
    path = tmp_path / "backup.nq"
    path.write_bytes(data)
    return path


def _streamed(monkeypatch):
    monkeypatch.setenv("KB_STREAM_BYTES", "100")  # every file counts as large


def test_a_streamed_dump_restores_the_knowledge_base_exactly(tmp_path, dump, monkeypatch):
    _streamed(monkeypatch)
    run = kb_cli(tmp_path / "copy", "ingest", str(dump))
    assert run.code == 0, run.err
    assert run.out.splitlines()[0].startswith("written backup.nq: 2 graphs added; ")
    with KnowledgeBase(tmp_path / "copy") as kb:
        again = kb.export("nquads")
        assert kb.validate().conforms
    assert sorted(again.decode().splitlines()) == sorted(dump.read_text().splitlines())
    twice = kb_cli(tmp_path / "copy", "ingest", str(dump))
    assert twice.out.splitlines()[0] == "unchanged backup.nq: 2 graphs unchanged; 0 triples, 0 claims written"


def test_a_malformed_dump_writes_nothing(tmp_path, dump, monkeypatch):
    _streamed(monkeypatch)
    broken = tmp_path / "broken.nq"
    broken.write_text(dump.read_text() + "<a> <b> .\n", encoding="utf-8")
    assert kb_cli(tmp_path / "copy", "init").code == 0
    before = snapshot(tmp_path / "copy")
    run = kb_cli(tmp_path / "copy", "ingest", str(broken))
    assert run.code == 1
    assert run.err.startswith("kb: error: broken.nq: malformed nquads: ") and run.err.count("\n") == 1
    assert snapshot(tmp_path / "copy") == before


def test_a_graph_that_comes_back_later_in_the_file_is_merged(tmp_path, dump, monkeypatch):
    _streamed(monkeypatch)
    lines = dump.read_text().splitlines()
    graphs = sorted({line.rsplit(" ", 2)[-2] for line in lines})
    first = [line for line in lines if line.rsplit(" ", 2)[-2] == graphs[0]]
    rest = [line for line in lines if line.rsplit(" ", 2)[-2] != graphs[0]]
    half = len(first) // 2
    shuffled = tmp_path / "shuffled.nq"
    shuffled.write_text("\n".join(first[:half] + rest + first[half:]) + "\n", encoding="utf-8")
    run = kb_cli(tmp_path / "copy", "ingest", str(shuffled))
    assert run.code == 0, run.err
    with KnowledgeBase(tmp_path / "copy") as kb:
        assert sorted(kb.export("nquads").decode().splitlines()) == sorted(lines)
