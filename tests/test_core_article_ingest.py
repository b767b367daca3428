"""From an article file to stored, validated, queryable claims with one command."""

from __future__ import annotations

import json

import pytest

from gold import SEED_TXT, seed_gold
from kbtest import kb_cli, snapshot


SPANS = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX schema: <http://schema.org/>
SELECT ?start ?end ?name WHERE {
  ?a oa:hasBody ?c ; oa:hasTarget/oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?c schema:author/schema:name ?name }
} ORDER BY ?start"""


def test_kb_ingest_article_extracts_validates_and_stores(tmp_path):
    store = tmp_path / "s"
    run = kb_cli(store, "ingest", str(SEED_TXT))
    assert (run.code, run.err) == (0, "")
    gold = seed_gold()
    n = len(json.loads(kb_cli(store, "query", "--format", "json", SPANS).out)["results"]["bindings"])
    name = "000_f57c619f6558e8b6.txt"
    first, total = run.out.splitlines()
    assert first.startswith(f"written {name}: 1 graph added; ") and first.endswith(f" triples, {n} claims written")
    assert total.startswith("1 input: 1 written, 0 unchanged, 0 refused; ") and total.endswith(f"{n} claims written")
    stats = json.loads(kb_cli(store, "stats", "--json").out)
    assert (stats["claims"], stats["documents"]) == (n, 1)
    rows = kb_cli(store, "query", "--format", "csv", SPANS).out.splitlines()[1:]
    found = [(int(a), int(b), name) for a, b, name in (r.split(",") for r in rows)]

    def overlaps(f: tuple[int, int, str], g: dict) -> bool:
        shorter = min(f[1] - f[0], g["end"] - g["start"])
        return min(f[1], g["end"]) - max(f[0], g["start"]) >= shorter / 2

    # Every gold claim is stored, anchored where the text says it, with its speaker;
    # nothing else is stored but the gold file's optional claims.
    for g in gold["claims"]:
        speaker = "" if g["kind"] == "reported-fact" else g["speaker"]
        assert any(overlaps(f, g) and f[2] == speaker for f in found), g
    allowed = gold["claims"] + gold["optional"]
    assert all(any(overlaps(f, g) for g in allowed) for f in found)
    assert 17 <= n <= 17 + len(gold["optional"])


def test_ingesting_the_same_article_again_changes_nothing(tmp_path):
    store = tmp_path / "s"
    assert kb_cli(store, "ingest", str(SEED_TXT)).code == 0
    before = snapshot(store)
    again = kb_cli(store, "ingest", str(SEED_TXT))
    assert (again.code, again.out) == (
        0,
        "unchanged 000_f57c619f6558e8b6.txt: 1 graph unchanged; 0 triples, 0 claims written\n"
        "1 input: 0 written, 1 unchanged, 0 refused; 0 triples, 0 claims written\n",
    )
    assert snapshot(store) == before
