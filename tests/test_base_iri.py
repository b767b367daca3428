"""KB_BASE_IRI / --base-iri: a deployment mints its IRIs under its own address and serves them there."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from kbtest import ROOT, kb_cli

DEMO = ROOT / "web" / "demo"
BASE = "https://news.example/kb/id/"


@pytest.fixture()
def base_restored() -> Iterator[None]:
    from kb import iris
    from kb.vocab import ID_BASE

    yield
    iris.set_base(ID_BASE)  # the base is per process: give the other tests their default back


def test_a_store_mints_under_its_base_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   base_restored: None) -> None:
    import kb

    store = tmp_path / "store"
    monkeypatch.setenv("KB_BASE_IRI", BASE)
    with kb.KnowledgeBase(store) as knowledge:
        knowledge.ingest_files([str(DEMO / "01_flood_barrier.json")])
        claims = [r["c"] for r in knowledge.select("SELECT DISTINCT ?c WHERE { ?c a schema:Claim }")]
        assert len(claims) == 5 and all(str(c).startswith(BASE + "claim/") for c in claims)
        assert not knowledge.ask('ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "https://w3id.org/claimkb/id/claim/")) }')
    assert (store / "base-iri").read_text() == BASE + "\n"
    # Reopened without the variable: the recorded base.
    monkeypatch.delenv("KB_BASE_IRI")
    with kb.KnowledgeBase(store) as knowledge:
        assert knowledge.base_iri == BASE
    # With another base: refused, before anything is opened or written.
    monkeypatch.setenv("KB_BASE_IRI", "https://other.example/id/")
    with pytest.raises(kb.StoreError) as err:
        kb.KnowledgeBase(store)
    assert str(err.value) == (f"the store at {store} was written with base IRI {BASE}, not https://other.example/id/: "
                              f"open it with KB_BASE_IRI={BASE} (or --base-iri), or use another store")


def test_the_cli_refuses_a_store_with_another_base(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kb_cli(store, "ingest", str(DEMO / "01_flood_barrier.json")).code == 0
    run = kb_cli(store, "--base-iri", BASE, "stats")  # the store was written with the default base
    assert run.code == 1 and run.out == ""
    assert run.err == (f"kb: error: the store at {store} was written with base IRI https://w3id.org/claimkb/id/, "
                       f"not {BASE}: open it with KB_BASE_IRI=https://w3id.org/claimkb/id/ (or --base-iri), "
                       "or use another store\n")
    bad = kb_cli(tmp_path / "new", "--base-iri", "ftp://x/", "init")
    assert bad.code == 1 and "is not an http(s) IRI ending in '/' or '#'" in bad.err


def test_a_deployment_serves_its_claim_pages_at_their_own_iris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from behaviour import free_port
    from test_serve_writes import Served

    store = tmp_path / "store"
    port = free_port()
    base = f"http://127.0.0.1:{port}/id/"
    monkeypatch.setenv("KB_BASE_IRI", base)
    assert kb_cli(store, "init").code == 0
    monkeypatch.setattr("test_serve_writes.free_port", lambda: port)
    server = Served(store)
    try:
        assert server.port == port
        run = kb_cli(store, "ingest", str(DEMO / "01_flood_barrier.json"))  # routed through the server
        assert run.code == 0, run.err
        with urllib.request.urlopen(server.url + "/claims.json", timeout=30) as r:
            items = json.loads(r.read())["items"]
        assert len(items) == 5 and all(item["iri"].startswith(base + "claim/") for item in items)
        claim = items[0]
        with urllib.request.urlopen(claim["iri"], timeout=30) as r:  # the IRI itself is the page
            assert r.status == 200 and claim["text"][:30] in r.read().decode()
        request = urllib.request.Request(claim["iri"], headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.read().decode().startswith(f"<{claim['iri']}>")
    finally:
        server.stop()
    assert os.environ["KB_BASE_IRI"] == base
