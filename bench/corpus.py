"""Corpus benchmark: kb's write pipeline and validation against their peers, side by side.

Usage::

    python bench/generate.py --claims 1000 --out bench/data/1k      # once per size
    python bench/generate.py --claims 10000 --out bench/data/10k
    python bench/corpus.py --sizes 1000,10000 --runs 3

For each size, in one run:

(a) validated ingest of the generated claim records (``KnowledgeBase.ingest_records``,
    100 documents per write: mapping, entity derivation, validation, history,
    provenance, browse index) vs pyoxigraph's ``Store.bulk_load`` of exactly the
    triples that ingest stored (kb's own N-Quads export of the result);
(b) full validation: ``kb validate`` (the compiled shapes on the store) vs
    pyshacl-turbo (Rust, pySHACL-compatible) on the same triples, with a few
    violations planted so that "the same violations" is checked, not assumed;
(c) restoring the N-Quads export: ``kb ingest export.nq`` (streamed, validated)
    vs ``oxigraph load`` of the same file, wall time and peak RSS of each process.

Medians of ``--runs`` runs; prints a markdown table, writes ``bench/results/corpus-*.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kb.knowledge import KnowledgeBase  # noqa: E402

TMP = Path(os.environ.get("BENCH_TMP", tempfile.gettempdir())) / "kb-bench-corpus"
PLANTED = """
<https://w3id.org/claimkb/id/claim/planted-1> a <http://schema.org/Claim> ; <https://w3id.org/claimkb/ns#kind> <https://w3id.org/claimkb/ns#Rumour> .
<https://w3id.org/claimkb/id/person/planted-2> a <http://schema.org/Person> .
<https://w3id.org/claimkb/id/claim/planted-3> a <http://schema.org/Claim> ; <https://w3id.org/claimkb/ns#confidence> "2.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
"""


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def fresh(name: str) -> Path:
    d = TMP / name
    shutil.rmtree(d, ignore_errors=True)
    d.parent.mkdir(parents=True, exist_ok=True)
    return d


def records_of(data: Path) -> list[dict[str, Any]]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    return [json.loads((data / rel).read_text(encoding="utf-8")) for rel in manifest["records"]]


def ingest(records: list[dict[str, Any]], store: Path) -> tuple[float, int]:
    with KnowledgeBase(store) as kb:
        t, result = timed(lambda: kb.ingest_records(records, batch_size=100, name="doc.json"))
        return t, result.triples


def export_nquads(store: Path, nq: Path) -> Path:
    """kb's own N-Quads export of the store: exactly the triples that ingest stored."""
    with KnowledgeBase(store, read_only=True) as kb:
        nq.write_bytes(kb.export("nquads"))
    return nq


def bulk_load(nq: Path) -> float:
    d = fresh("bulk")
    store = ox.Store(str(d))
    t, _ = timed(lambda: store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))
    store.flush()
    del store
    return t


def plant_violations(store: Path) -> None:
    s = ox.Store(str(store))
    g = ox.NamedNode("https://example.org/planted")
    s.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(PLANTED, format=ox.RdfFormat.TURTLE))
    s.flush()
    del s


def kb_validate(store: Path) -> tuple[float, set[str]]:
    with KnowledgeBase(store, read_only=True) as kb:
        t, report = timed(kb.validate)
    return t, {str(v.focus) for v in report.violations if v.severity == "Violation"}


def turbo_validate(store: Path) -> tuple[float, set[str]]:
    """pyshacl-turbo on the union of the same store's graphs (as kb validates them), with kb's shapes."""
    import pyshacl_turbo
    from rdflib import Graph

    from kb.validating import shapes_graph

    with KnowledgeBase(store, read_only=True) as kb:
        data = kb.export("nt", include_provenance=True)
    g = Graph()
    g.parse(data=data, format="nt")
    shapes = shapes_graph()
    t, (conforms, results, _text) = timed(
        lambda: pyshacl_turbo.validate(g, shacl_graph=shapes, inplace=True, allow_warnings=True)
    )
    from rdflib.namespace import SH

    focus = {str(results.value(r, SH.focusNode)) for r in results.subjects(SH.resultSeverity, SH.Violation)}
    return t, focus


def peak(cmd: list[str]) -> tuple[float, int, str]:
    """Wall time and peak RSS (KB) of a command, from GNU time."""
    t = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "RSS %M", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t
    m = re.search(r"RSS (\d+)", done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr[-500:]}")
    return wall, int(m.group(1)) if m else -1, done.stdout


def restore(nq: Path) -> dict[str, float]:
    kb_bin = str(Path(sys.executable).with_name("kb"))
    oxigraph = str(Path(sys.executable).with_name("oxigraph"))
    t_kb, rss_kb, _ = peak([kb_bin, "--store", str(fresh("restore-kb")), "ingest", str(nq)])
    t_ox, rss_ox, _ = peak([oxigraph, "load", "--location", str(fresh("restore-ox")), "--file", str(nq)])
    return {"kb_s": t_kb, "kb_rss_mb": rss_kb / 1024, "oxigraph_s": t_ox, "oxigraph_rss_mb": rss_ox / 1024}


def run_size(claims: int, runs: int) -> dict[str, Any]:
    data = ROOT / "bench" / "data" / f"{claims // 1000}k"
    records = records_of(data)
    out: dict[str, Any] = {"claims": claims, "documents": len(records)}
    ingest_t, bulk_t, val_t, turbo_t, restores = [], [], [], [], []
    for _ in range(runs):
        store = fresh(f"store-{claims}")
        t, triples = ingest(records, store)
        ingest_t.append(t)
        nq = export_nquads(store, TMP / f"export-{claims}.nq")
        bulk_t.append(bulk_load(nq))
        restores.append(restore(nq))
        plant_violations(store)
        t_kb, kb_focus = kb_validate(store)
        t_turbo, turbo_focus = turbo_validate(store)
        val_t.append(t_kb)
        turbo_t.append(t_turbo)
        out["same_violations"] = kb_focus == turbo_focus
        out["violations"] = len(kb_focus)
        out["triples"] = triples
    out.update(
        ingest_s=median(ingest_t), bulk_load_s=median(bulk_t), kb_validate_s=median(val_t),
        turbo_validate_s=median(turbo_t),
        restore_kb_s=median([r["kb_s"] for r in restores]), restore_kb_rss_mb=max(r["kb_rss_mb"] for r in restores),
        restore_oxigraph_s=median([r["oxigraph_s"] for r in restores]),
        restore_oxigraph_rss_mb=max(r["oxigraph_rss_mb"] for r in restores),
    )
    return out


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| claims | validated ingest | bulk_load (same triples) | ingest speed vs bulk_load | kb validate | pyshacl-turbo | same violations | kb ingest of the export | oxigraph load | kb / oxigraph | kb RSS | oxigraph RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['claims']:,} | {r['ingest_s']:.1f} s | {r['bulk_load_s']:.2f} s | {100 * r['bulk_load_s'] / r['ingest_s']:.0f}% "
            f"| {r['kb_validate_s']:.2f} s | {r['turbo_validate_s']:.2f} s | {'yes' if r['same_violations'] else 'NO'} ({r['violations']}) "
            f"| {r['restore_kb_s']:.1f} s | {r['restore_oxigraph_s']:.1f} s | {r['restore_kb_s'] / r['restore_oxigraph_s']:.1f}× "
            f"| {r['restore_kb_rss_mb']:.0f} MB | {r['restore_oxigraph_rss_mb']:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated claim counts (generated data must exist)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    rows = [run_size(int(n), args.runs) for n in args.sizes.split(",")]
    print(table(rows))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (results / f"corpus-{stamp}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
