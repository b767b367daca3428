"""Core benchmark: validated ingest, incremental validation, full validation, engine choice.

Usage::

    python bench/generate.py --claims 10000 --out bench/data/10k     # once
    python bench/core.py --claims 10000 --runs 3
    python bench/core.py --claims 100000 --runs 1 --pyshacl-claims 2000

Reads ``bench/data/<N/1000>k`` (or ``--data DIR``), prints a markdown table and
writes ``bench/results/core-<claims>-<timestamp>.json``. Sections:

(a) ingest throughput: kb's validated ingest (``KnowledgeBase.ingest_records`` in batches of
    ``--batch`` documents, and ``KnowledgeBase.ingest_record`` one document per
    call) vs pyoxigraph's raw ``Store.bulk_load`` of the same N-Quads vs rdflib
    parsing + pySHACL validation of the same data;
(b) incremental validation: ingesting one new 10-claim document into the full
    store (median over ``--docs`` different documents): the validation part and
    the whole ``ingest_record`` call;
(c) full validation: ``KnowledgeBase.validate()`` and ``kb.validating.validate_store``
    vs pySHACL on an in-memory rdflib graph of the same data;
(d) engine: pyoxigraph direct vs oxrdflib (an rdflib Graph on the Oxigraph store)
    for typical queries and for writes.

pySHACL needs hours at 100k claims, so with ``--pyshacl-claims N`` it runs on the
first N claims' documents only and the table also shows its time scaled linearly
to the full size (a lower bound: pySHACL is at least linear). Medians of
``--runs`` runs; the long 100k sections run once per run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pyoxigraph as ox  # noqa: E402

from generate import Corpus  # noqa: E402
from kb import iris  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.record import parse_record  # noqa: E402
import kb.writing.pipeline  # noqa: E402
import kb.validating  # noqa: E402

TMP = Path(os.environ.get("BENCH_TMP", tempfile.gettempdir()))


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def fresh_dir(name: str) -> Path:
    d = TMP / f"kb-bench-{name}-{os.getpid()}"
    shutil.rmtree(d, ignore_errors=True)
    return d


def load_records(data: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads((data / rel).read_text(encoding="utf-8")) for rel in manifest["records"]]


# -- (a) ingest ---------------------------------------------------------------
def bench_bulk_load(data: Path) -> float:
    d = fresh_dir("bulk")
    store = ox.Store(str(d))
    t, _ = timed(lambda: store.bulk_load(path=str(data / "data.nq"), format=ox.RdfFormat.N_QUADS))
    store.flush()
    del store
    shutil.rmtree(d, ignore_errors=True)
    return t


def bench_kb_ingest(data: Path, records: list[dict[str, Any]], batch: int, keep: Path | None) -> dict[str, float]:
    """Validated ingest of every record (``KnowledgeBase.ingest_records``, ``batch``
    documents per all-or-nothing write, records → RDF included) and of reviews.nt."""
    d = keep or fresh_dir("ingest")
    shutil.rmtree(d, ignore_errors=True)
    kbase = KnowledgeBase(d)
    t, result = timed(lambda: kbase.ingest_records(records, batch_size=batch, name="doc.json"))
    write = t
    triples, claims = result.triples, result.claims
    t, result = timed(lambda: kbase.ingest_files([data / "reviews.nt"]))
    write += t
    triples += result.triples
    kbase.close()
    if keep is None:
        shutil.rmtree(d, ignore_errors=True)
    return {"prepare_s": 0.0, "apply_s": write, "triples": triples, "claims": claims}


def bench_pyshacl_memory(data: Path, manifest: dict[str, Any], n_claims: int | None) -> dict[str, float]:
    """rdflib parsing + pySHACL (the reference engine) on the first n_claims' documents."""
    import pyshacl
    from rdflib import Dataset, Graph

    from kb.validating import shapes_graph

    lines = []
    claims = 0
    wanted_graphs: set[str] | None = None
    if n_claims is not None and n_claims < manifest["claims"]:
        wanted_graphs = set()
        for rel in manifest["records"]:
            rec = json.loads((data / rel).read_text(encoding="utf-8"))
            doc_id = iris.document_id(rec["document"]["text"])
            wanted_graphs.add(f"<{iris.graph_iri(doc_id)}>")
            claims += len(rec["claims"])
            if claims >= n_claims:
                break
    else:
        claims = manifest["claims"]
    with open(data / "data.nq", encoding="utf-8") as f:
        for line in f:
            if wanted_graphs is None or line.rstrip(" .\n").rsplit(" ", 1)[-1] in wanted_graphs:
                lines.append(line)
    text = "".join(lines)
    g = Graph()

    def parse() -> None:
        ds = Dataset()
        ds.parse(data=text, format="nquads")
        for s, p, o, _g in ds.quads():
            g.add((s, p, o))  # the union of the graphs, as kb validates it

    t_parse, _ = timed(parse)
    shapes = shapes_graph()
    t_val, (conforms, _r, _t) = timed(lambda: pyshacl.validate(g, shacl_graph=shapes, inplace=True, allow_warnings=True))
    return {"claims": claims, "triples": len(g), "parse_s": t_parse, "validate_s": t_val, "conforms": conforms}


# -- (b) incremental ----------------------------------------------------------
def bench_incremental(store_dir: Path, manifest: dict[str, Any], docs: int) -> dict[str, Any]:
    corpus = Corpus(seed=manifest["seed"], claims=manifest["claims"])
    kbase = KnowledgeBase(store_dir)
    spent: list[float] = []
    real = kb.writing.pipeline.validate_quads

    def timed_validate(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)

    kb.writing.pipeline.validate_quads = timed_validate  # type: ignore[assignment]
    whole, validation, context = [], [], []
    real_context = kb.writing.pipeline.context_triples

    def timed_context(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return real_context(*args, **kwargs)
        finally:
            context.append(time.perf_counter() - t)

    kb.writing.pipeline.context_triples = timed_context  # type: ignore[assignment]
    try:
        for i in range(docs + 2):
            rec = corpus.document(i, n_claims=10, salt=f"incremental-{time.time_ns()}")
            parsed = parse_record(rec)
            t, result = timed(lambda: kbase.ingest_record(parsed, name=f"new-{i}.json"))
            assert result.claims == 10, result.summary()
            if i >= 2:  # the first calls warm caches (shapes compilation)
                whole.append(t)
                validation.append(spent[-1])
    finally:
        kb.writing.pipeline.validate_quads = real  # type: ignore[assignment]
        kb.writing.pipeline.context_triples = real_context  # type: ignore[assignment]
        kbase.close()
    return {
        "docs": docs,
        "validation_ms": 1000 * median(validation),
        "context_ms": 1000 * median(context[2:]),
        "ingest_record_ms": 1000 * median(whole),
        "validation_ms_p90": 1000 * sorted(validation)[int(0.9 * (len(validation) - 1))],
        "ingest_record_ms_p90": 1000 * sorted(whole)[int(0.9 * (len(whole) - 1))],
    }


# -- (c) full validation ------------------------------------------------------
def bench_full_validation(store_dir: Path, runs: int, kb_validate: bool = True) -> dict[str, Any]:
    kbase = KnowledgeBase(store_dir)
    times = []
    for _ in range(runs):
        t_store, report = timed(lambda: kb.validating.validate_store(kbase.backend.store))  # type: ignore[attr-defined]
        times.append(t_store)
    out: dict[str, Any] = {"validate_store_s": median(times), "validate_store_violations": len(report.violations)}
    if kb_validate:  # on the embedded store with the SPARQL engine this is validate_store again
        t_kb, report2 = timed(kbase.validate)
        out.update(kb_validate_s=t_kb, kb_validate_violations=len(report2.violations))
    kbase.close()
    return out


# -- (d) engine ---------------------------------------------------------------
QUERIES = {
    "claims per speaker (top 10)": """
        PREFIX schema: <http://schema.org/>
        SELECT ?name (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; schema:author ?p . ?p schema:name ?name }
        GROUP BY ?name ORDER BY DESC(?n) LIMIT 10""",
    "one person's claims": """
        PREFIX schema: <http://schema.org/>
        SELECT ?c ?text ?date WHERE { ?c schema:author ?p ; schema:text ?text . ?p schema:name "{name}" .
          OPTIONAL { ?c schema:dateCreated ?date } } ORDER BY ?date""",
    "one document's claims with offsets": """
        PREFIX schema: <http://schema.org/> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?c ?start ?end ?exact WHERE { ?c schema:appearance <{doc}> . ?a oa:hasBody ?c ; oa:hasTarget ?t .
          ?t oa:hasSelector ?ps , ?qs . ?ps oa:start ?start ; oa:end ?end . ?qs oa:exact ?exact } ORDER BY ?start""",
    "reviewed false claims": """
        PREFIX schema: <http://schema.org/> PREFIX kb: <https://w3id.org/claimkb/ns#>
        SELECT ?c ?text ?checker WHERE { ?r schema:itemReviewed ?c ; kb:verdict kb:VerdictFalse ; schema:author ?o .
          ?o schema:name ?checker . ?c schema:text ?text } LIMIT 100""",
}


def bench_engines(store_dir: Path, runs: int) -> dict[str, Any]:
    from rdflib import Dataset, Literal, URIRef

    store = ox.Store(str(store_dir))
    union = {"use_default_graph_as_union": True}
    name = next(iter(store.query('PREFIX schema: <http://schema.org/> SELECT ?n WHERE { ?c schema:author ?p . ?p a schema:Person ; schema:name ?n } LIMIT 1', **union)))["n"].value
    doc = next(iter(store.query("PREFIX schema: <http://schema.org/> SELECT ?d WHERE { ?d a schema:NewsArticle } LIMIT 1", **union)))["d"].value
    queries = {k: q.replace("{name}", name).replace("{doc}", doc) for k, q in QUERIES.items()}
    out: dict[str, Any] = {"queries": {}}
    for label, q in queries.items():
        ts = [timed(lambda: [tuple(s) for s in store.query(q, use_default_graph_as_union=True)])[0] for _ in range(runs)]
        out["queries"][label] = {"pyoxigraph_ms": 1000 * median(ts)}
    quads = [
        ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("http://schema.org/name"), ox.Literal(f"n{i}"),
                ox.NamedNode("https://example.org/g"))
        for i in range(20_000)
    ]
    t_w, _ = timed(lambda: (store.extend(quads), store.flush()))
    store.remove_graph(ox.NamedNode("https://example.org/g"))
    store.flush()
    out["write_20k_pyoxigraph_s"] = t_w
    del store

    ds = Dataset(store="Oxigraph")
    ds.open(str(store_dir))
    ds.default_union = True
    for label, q in queries.items():
        ts = [timed(lambda: [tuple(r) for r in ds.query(q)])[0] for _ in range(runs)]
        out["queries"][label]["oxrdflib_ms"] = 1000 * median(ts)
    g = ds.graph(URIRef("https://example.org/g2"))
    triples = [(URIRef(f"https://example.org/s{i}"), URIRef("http://schema.org/name"), Literal(f"n{i}")) for i in range(20_000)]
    t_w2, _ = timed(lambda: (g.addN((s, p, o, g) for s, p, o in triples), ds.commit()))
    ds.remove_graph(g)
    out["write_20k_oxrdflib_s"] = t_w2
    ds.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--data", help="generated data folder (default bench/data/<claims/1000>k)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=100, help="documents per validated write (ingest_records batch_size)")
    ap.add_argument("--docs", type=int, default=20, help="documents for the incremental benchmark")
    ap.add_argument("--pyshacl-claims", type=int, default=None, help="run pySHACL on this many claims only")
    ap.add_argument("--skip", default="", help="comma-separated sections to skip: pyshacl,engines,kbvalidate (KnowledgeBase.validate only)")
    args = ap.parse_args(argv)
    data = Path(args.data or ROOT / "bench" / "data" / f"{args.claims // 1000}k")
    manifest = json.loads((data / "manifest.json").read_text())
    skip = set(filter(None, args.skip.split(",")))
    print(f"data: {data} ({manifest['claims']} claims, {manifest['triples']} quads); "
          f"validation engine: {kb.validating.engine()}", file=sys.stderr)
    records = load_records(data, manifest)
    res: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"), "claims": manifest["claims"],
        "quads": manifest["triples"], "runs": args.runs, "batch": args.batch,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "engine": kb.validating.engine(),
    }
    bulk = [bench_bulk_load(data) for _ in range(args.runs)]
    res["bulk_load_s"] = median(bulk)
    print(f"bulk_load: {res['bulk_load_s']:.1f} s", file=sys.stderr)
    store_dir = fresh_dir("store")
    ingests = []
    for r in range(args.runs):
        ingests.append(bench_kb_ingest(data, records, args.batch, store_dir if r == args.runs - 1 else None))
        print(f"ingest run {r + 1}: {ingests[-1]}", file=sys.stderr)
    res["ingest"] = {k: median([i[k] for i in ingests]) for k in ingests[0]}
    res["incremental"] = bench_incremental(store_dir, manifest, args.docs)
    print(f"incremental: {res['incremental']}", file=sys.stderr)
    # The incremental documents are now in the store too: harmless for (c) and (d).
    res["full"] = bench_full_validation(store_dir, args.runs, kb_validate="kbvalidate" not in skip)
    print(f"full: {res['full']}", file=sys.stderr)
    if "pyshacl" not in skip:
        ps = bench_pyshacl_memory(data, manifest, args.pyshacl_claims)
        ps["scale"] = manifest["claims"] / ps["claims"]
        res["pyshacl"] = ps
        print(f"pyshacl: {ps}", file=sys.stderr)
    if "engines" not in skip:
        res["engines"] = bench_engines(store_dir, max(3, args.runs))
    shutil.rmtree(store_dir, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"core-{manifest['claims']}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(res, indent=1, default=str) + "\n")
    print(table(res))
    print(f"\n(written to {path.relative_to(ROOT)})")
    return 0


def table(res: dict[str, Any]) -> str:
    q = res["quads"]
    ing = res["ingest"]
    bulk_rate = q / res["bulk_load_s"]
    rate = ing["triples"] / ing["apply_s"]
    rows = [
        ("(a) raw `Store.bulk_load` (N-Quads)", f"{res['bulk_load_s']:.1f} s", f"{bulk_rate:,.0f} quads/s", "100%"),
        (f"(a) kb validated ingest (`ingest_records`, {res['batch']} docs per write, records → store)",
         f"{ing['apply_s']:.1f} s",
         f"{rate:,.0f} triples/s, {ing['claims'] / ing['apply_s']:,.0f} claims/s", f"{100 * rate / bulk_rate:.0f}%"),
    ]
    if "pyshacl" in res:
        ps = res["pyshacl"]
        total = ps["parse_s"] + ps["validate_s"]
        scaled = f" (×{ps['scale']:.0f} → ≥ {total * ps['scale']:.0f} s)" if ps["scale"] > 1 else ""
        rows.append((f"(a) rdflib parse + pySHACL ({ps['claims']} claims, {ps['triples']} triples)",
                     f"{total:.1f} s{scaled}", f"{ps['triples'] / total:,.0f} triples/s", f"{100 * ps['triples'] / total / bulk_rate:.1f}%"))
    inc = res["incremental"]
    rows += [
        (f"(b) one 10-claim document: validation (median of {inc['docs']})", f"{inc['validation_ms']:.1f} ms",
         f"p90 {inc['validation_ms_p90']:.1f} ms", ""),
        ("(b) ... context read from the store", f"{inc['context_ms']:.1f} ms", "", ""),
        ("(b) ... whole `ingest_record` call", f"{inc['ingest_record_ms']:.1f} ms", "", ""),
    ]
    full = res.get("full", {})
    if full:
        rows += [
            ("(c) `validation.validate_store` on the store", f"{full['validate_store_s']:.1f} s",
             f"{full['validate_store_violations']} violations", ""),
        ]
        if "kb_validate_s" in full:
            rows.append(("(c) `KnowledgeBase.validate()`", f"{full['kb_validate_s']:.1f} s",
                         f"{full['kb_validate_violations']} violations", ""))
    if "pyshacl" in res:
        ps = res["pyshacl"]
        scaled = f" (×{ps['scale']:.0f} → ≥ {ps['validate_s'] * ps['scale']:.0f} s)" if ps["scale"] > 1 else ""
        rows.append((f"(c) pySHACL in memory ({ps['claims']} claims)", f"{ps['validate_s']:.1f} s{scaled}",
                     f"conforms={ps['conforms']}", ""))
    lines = [f"### {res['claims']:,} claims, {q:,} quads ({res['date']}, median of {res['runs']} runs, engine {res['engine']})", "",
             "| measure | time | rate | vs bulk_load |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    if "engines" in res:
        en = res["engines"]
        lines += ["", "| (d) query | pyoxigraph | oxrdflib |", "|---|---|---|"]
        for label, v in en["queries"].items():
            lines.append(f"| {label} | {v['pyoxigraph_ms']:.1f} ms | {v['oxrdflib_ms']:.1f} ms |")
        lines.append(f"| write 20k triples (one transaction / addN+commit) | {en['write_20k_pyoxigraph_s'] * 1000:.0f} ms | "
                     f"{en['write_20k_oxrdflib_s'] * 1000:.0f} ms |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
