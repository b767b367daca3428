"""The web upload and `kb ingest` accept exactly the same inputs, with the same results:
one write pipeline (kb.writing) behind both. Every input fixture goes through both."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from gold import SEED_TXT
from kb import KnowledgeBase, iris
from kbtest import kb_cli

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted(
    [p for p in (ROOT / "tests" / "data").rglob("*") if p.is_file()]
    + [p for p in (ROOT / "web" / "demo").iterdir() if p.is_file()]
    + [SEED_TXT]
)
BAD = {
    "malformed.ttl": b"<a> <b> .",
    "unknown.yaml": b"a: 1",
    "not-a-record.json": b'{"hello": "world"}',
    "deep.json": b"[" * 50_000 + b"]" * 50_000,
}


def _content(store: Path) -> list[str]:
    """The stored quads outside provenance (which holds times and input names)."""
    s = ox.Store.read_only(str(store))
    prov = ox.NamedNode(str(iris.PROVENANCE_GRAPH))
    out = sorted(str(q) for q in s if q.graph_name != prov)
    del s
    return out


def _upload(tmp_path: Path, name: str, data: bytes) -> tuple[int, Path]:
    from web.app import build_app

    store = tmp_path / "web"
    knowledge = KnowledgeBase(store)
    app = build_app({"KB": knowledge, "KB_WRITE_TOKEN": "s3cret", "TESTING": True, "SECRET_KEY": "t",
                     "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    from io import BytesIO

    response = client.post("/ingest/upload", data={"file": (BytesIO(data), name)},
                           headers={"Authorization": "Bearer s3cret"}, content_type="multipart/form-data")
    knowledge.close()
    return response.status_code, store


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_input_fixture_gives_the_same_store_through_the_cli_and_the_web(tmp_path, path):
    run = kb_cli(tmp_path / "cli", "ingest", str(path))
    status, web_store = _upload(tmp_path, path.name, path.read_bytes())
    refused = run.code != 0
    assert (status >= 400) == refused, (status, run.err)
    if refused:  # the same input is refused by both, and neither wrote anything
        assert status in (400, 415, 422)
        return
    assert status == 200, status
    assert _content(tmp_path / "cli") == _content(web_store)
    assert len(_content(web_store)) > 0


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_inputs_are_refused_by_both_with_a_4xx_or_one_line(tmp_path, name):
    file = tmp_path / name
    file.write_bytes(BAD[name])
    run = kb_cli(tmp_path / "cli", "ingest", str(file))
    assert run.code == 1 and run.err.count("\n") == 1 and "Traceback" not in run.err
    status, _store = _upload(tmp_path, name, BAD[name])
    assert 400 <= status < 500
