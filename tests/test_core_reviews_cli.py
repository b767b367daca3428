"""Fact-checks through ``kb ingest``: ClaimReview JSON-LD is recognized by its type,
ClaimsKG CSV by its suffix, ClaimsKG Turtle by ``--format claimskg``."""

from __future__ import annotations

from pathlib import Path

from kbtest import kb_cli

DATA = Path(__file__).resolve().parent / "data"
VERDICTS = "SELECT ?v (COUNT(?r) AS ?n) WHERE { ?r a schema:ClaimReview ; kb:verdict ?v } GROUP BY ?v ORDER BY ?v"
PREFIXES = "PREFIX schema: <http://schema.org/> PREFIX kb: <https://w3id.org/claimkb/ns#> "


def _verdicts(store: Path) -> list[str]:
    run = kb_cli(store, "query", "--format", "csv", PREFIXES + VERDICTS)
    assert run.code == 0, run.err
    return run.out.splitlines()[1:]


def test_claimreview_jsonld_is_mapped_not_stored_as_is(tmp_path):
    run = kb_cli(tmp_path / "s", "ingest", str(DATA / "claimreview" / "factcheck.jsonld"))
    assert run.code == 0, run.err
    assert run.out.endswith("claims written\n") and "graph" in run.out
    rows = _verdicts(tmp_path / "s")
    assert rows and all(r.startswith("https://w3id.org/claimkb/ns#Verdict") for r in rows)
    again = kb_cli(tmp_path / "s", "ingest", str(DATA / "claimreview" / "factcheck.jsonld"))
    assert "added" not in again.out and "unchanged" in again.out


def test_claimskg_csv_and_turtle_ingest(tmp_path):
    csv_run = kb_cli(tmp_path / "csv", "ingest", str(DATA / "claimskg" / "sample.csv"))
    assert csv_run.code == 0, csv_run.err
    ttl_run = kb_cli(tmp_path / "ttl", "ingest", "--format", "claimskg", str(DATA / "claimskg" / "sample.ttl"))
    assert ttl_run.code == 0, ttl_run.err
    csv_rows, ttl_rows = _verdicts(tmp_path / "csv"), _verdicts(tmp_path / "ttl")
    assert csv_rows and ttl_rows
    total = sum(int(r.rsplit(",", 1)[1]) for r in ttl_rows)
    claims = kb_cli(tmp_path / "ttl", "stats", "--json")
    assert f'"reviews": {total}' in claims.out
