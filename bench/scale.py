"""Issue 12's scale table: every measure beside its peer, on one generated data set, in one run.

Usage::

    python bench/generate.py --claims 10000 --out bench/data/10k        # once per size
    python bench/scale.py --data bench/data/10k [--requests 200] [--skip-turbo]
    python bench/scale.py --report        # cost against size, from every bench/results/scale-*.json

The store is built through kb's own path (validated ingest of the claim records and
the reviews), then, in this order, on that store:

1. validated ingest vs ``Store.bulk_load`` of kb's N-Quads export of it (bench/corpus.py, bench/core.py);
2. ``kb serve`` from spawn to the first 200 of the home page vs ``oxigraph serve-read-only``
   from spawn to its first answered ``ASK {}``;
3. the server's RSS (the process and its children, /proc VmRSS) after ``--mixed`` mixed page requests;
4. every browse page's p50/p95 over ``--requests`` requests on that server (bench/web_pages.py);
5. ``/sparql`` vs ``oxigraph serve-read-only`` on the canned queries (bench/endpoint.py);
6. incremental ingest: ``ingest_record`` of ``--docs`` fresh 10-claim articles (bench/core.py);
7. ``kb validate`` vs pyshacl-turbo on the same triples, with violations planted (bench/corpus.py);
   last, because the planted violations stay in the store.

Prints a markdown table (measure, kb, peer, ratio, target, met?) and writes
bench/results/scale-<claims>.json with the date, load averages and machine facts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import core  # noqa: E402
import corpus  # noqa: E402
import endpoint  # noqa: E402
import web_pages  # noqa: E402

RESULTS = HERE / "results"
PAGE_P95_MS = 50.0
SPARQL_RATIO = 1.2
START_S = 2.0
RSS_MB = 1024.0
INCREMENTAL_MS = 50.0
INGEST_SPEED = 0.5

Row = dict[str, Any]


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def row(key: str, measure: str, kb: str, peer: str, ratio: str, target: str, met: bool | None,
        value: float, unit: str, peer_value: float | None = None) -> Row:
    """One table row; ``value``/``peer_value`` are the numbers ``--report`` compares across sizes."""
    return {"key": key, "measure": measure, "kb": kb, "peer": peer, "ratio": ratio, "target": target, "met": met,
            "value": value, "unit": unit, "peer_value": peer_value}


# -- machine and processes ------------------------------------------------------
def machine() -> dict[str, Any]:
    import pyoxigraph

    import kb.validating

    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8") if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8") if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M)
    return {"cpus": os.cpu_count(), "cpu": model.group(1) if model else platform.processor(),
            "memory_gb": round(int(mem.group(1)) / 2**20, 1) if mem else None, "python": platform.python_version(),
            "platform": platform.platform(), "pyoxigraph": pyoxigraph.__version__,
            "validation_engine": kb.validating.engine()}


def children(pid: int) -> list[int]:
    """Direct children of ``pid``, from each process's ppid in /proc/*/stat (the comm field may hold spaces)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def tree_rss_mb(pid: int) -> float:
    """VmRSS of a process and all its descendants, in MB."""
    total_kb, pending = 0, [pid]
    while pending:
        p = pending.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text(encoding="utf-8")
        except OSError:
            continue
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total_kb += int(m.group(1)) if m else 0
        pending += children(p)
    return total_kb / 1024


def first_ok(url: str, proc: subprocess.Popen[bytes], spawned: float, accept: str = "text/html",
             timeout: float = 900) -> float:
    """Seconds from ``spawned`` (taken just before the spawn) to the first 200 from ``url``."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                r.read()
                if r.status == 200:
                    return time.perf_counter() - spawned
        except urllib.error.HTTPError as err:
            if err.code not in (502, 503):  # an answer that will not turn into a 200 by waiting
                raise RuntimeError(f"{url}: {err.code}") from err
        except OSError:  # refused: still starting
            pass
        if proc.poll() is not None or time.perf_counter() - spawned > timeout:
            raise RuntimeError(f"{url}: no 200 (exit code {proc.poll()})")
        time.sleep(0.02)


# -- the measures -----------------------------------------------------------------
def ingest_rows(data: Path, records: list[dict[str, Any]], store: Path, work: Path) -> tuple[list[Row], dict[str, Any]]:
    log(f"validated ingest of {len(records)} records and the reviews into {store}")
    ing = core.bench_kb_ingest(data, records, 100, keep=store)
    log(f"ingest: {ing['apply_s']:.1f} s, {ing['triples']} triples; exporting N-Quads for bulk_load")
    nq = corpus.export_nquads(store, work / "export.nq")
    bulk_s = corpus.bulk_load(nq)
    shutil.rmtree(corpus.TMP / "bulk", ignore_errors=True)
    nq.unlink()
    log(f"bulk_load of the same triples: {bulk_s:.1f} s")
    speed = bulk_s / ing["apply_s"]
    r = row("ingest", "validated ingest of the claim records (+ reviews), 100 documents per write",
            f"{ing['apply_s']:.1f} s ({ing['triples'] / ing['apply_s']:,.0f} triples/s)",
            f"`Store.bulk_load` of the same triples: {bulk_s:.1f} s", f"{100 * speed:.0f}% of its speed",
            f"≥ {100 * INGEST_SPEED:.0f}% of its speed", speed >= INGEST_SPEED, ing["apply_s"], "s", bulk_s)
    return [r], {"ingest": ing, "bulk_load_s": bulk_s}


def start_rows(store: Path, info: dict[str, Any], mixed: int, requests: int,
               rng: random.Random) -> tuple[list[Row], dict[str, Any]]:
    """Start to first page, RSS after the mixed requests, then the per-page latencies, all on one server."""
    port = web_pages.free_port()
    spawned = time.perf_counter()
    proc = web_pages.spawn(store, port)
    try:
        start_s = first_ok(f"http://127.0.0.1:{port}/", proc, spawned)
        rss_first = tree_rss_mb(proc.pid)
        log(f"kb serve: first page after {start_s:.2f} s, RSS {rss_first:.0f} MB; {mixed} mixed requests")
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        makers = list(web_pages.page_paths(con, info, rng).values())
        mixed_ms = [web_pages.timed_get(con, rng.choice(makers)()) for _ in range(mixed)]
        con.close()
        rss_after = tree_rss_mb(proc.pid)
        log(f"RSS after {mixed} requests: {rss_after:.0f} MB; {requests} requests per page type")
        pages = web_pages.bench_server(port, info, requests, rng)
    finally:
        endpoint.stop([proc])
    ox_start = oxigraph_start(store)
    log(f"oxigraph serve-read-only: first answer after {ox_start:.2f} s")
    rows = [
        row("start", "`kb serve` from start to first page (home)", f"{start_s:.2f} s",
            f"`oxigraph serve-read-only` to first answer: {ox_start:.2f} s", f"{start_s / ox_start:.1f}×",
            f"≤ {START_S:g} s", start_s <= START_S, start_s, "s", ox_start),
        row("rss", f"server RSS after {mixed:,} mixed page requests", f"{rss_after:.0f} MB",
            f"the same server at its first page: {rss_first:.0f} MB", f"{rss_after / rss_first:.1f}×",
            f"≤ {RSS_MB:.0f} MB", rss_after <= RSS_MB, rss_after, "MB", rss_first),
    ]
    for name, s in pages.items():
        rows.append(row(f"page:{name}", f"page p95 via waitress: {name}", f"p95 {s['p95']:.1f} ms (p50 {s['p50']:.1f})",
                        "—", "—", f"p95 ≤ {PAGE_P95_MS:g} ms", s["p95"] <= PAGE_P95_MS, s["p95"], "ms"))
    return rows, {"start_s": start_s, "oxigraph_start_s": ox_start, "rss_first_mb": rss_first,
                  "rss_after_mb": rss_after, "mixed": web_pages.summarize(mixed_ms), "pages": pages}


def oxigraph_start(store: Path) -> float:
    """The peer of `kb serve`'s start: Oxigraph's own server on the same folder, to its first answer."""
    port = web_pages.free_port()
    spawned = time.perf_counter()
    proc = endpoint.spawn_oxigraph(store, port)
    try:
        return first_ok(f"http://127.0.0.1:{port}/query?query=ASK%20%7B%7D", proc, spawned,
                        accept="application/sparql-results+json")
    finally:
        endpoint.stop([proc])


def sparql_rows(store: Path, runs: int) -> tuple[list[Row], dict[str, Any]]:
    processes, kb_url, ox_url = endpoint.start_servers(store)
    try:
        compared = endpoint.compare_queries(kb_url, ox_url, runs)
    finally:
        endpoint.stop(processes)
    rows = [row(f"sparql:{c['query']}", f"`/sparql` vs `oxigraph serve`: {c['query']} (median of {runs})",
                f"{c['kb_ms']:.1f} ms", f"{c['oxigraph_ms']:.1f} ms", f"{c['ratio']:.2f}×", f"≤ {SPARQL_RATIO:g}×",
                c["ratio"] <= SPARQL_RATIO, c["kb_ms"], "ms", c["oxigraph_ms"]) for c in compared]
    return rows, {"sparql": compared}


def incremental_rows(store: Path, manifest: dict[str, Any], docs: int) -> tuple[list[Row], dict[str, Any]]:
    inc = core.bench_incremental(store, manifest, docs)
    r = row("incremental", f"incremental ingest of one 10-claim article, validation included ({docs} articles)",
            f"median {inc['ingest_record_ms']:.1f} ms (p90 {inc['ingest_record_ms_p90']:.1f})",
            f"of which validation: median {inc['validation_ms']:.1f} ms", "—", f"median ≤ {INCREMENTAL_MS:g} ms",
            inc["ingest_record_ms"] <= INCREMENTAL_MS, inc["ingest_record_ms"], "ms", inc["validation_ms"])
    return [r], {"incremental": inc}


def validation_rows(store: Path, skip_turbo: bool) -> tuple[list[Row], dict[str, Any]]:
    corpus.plant_violations(store)
    kb_s, kb_focus = corpus.kb_validate(store)
    log(f"kb validate: {kb_s:.1f} s, {len(kb_focus)} violations")
    raw: dict[str, Any] = {"kb_validate_s": kb_s, "violations": len(kb_focus), "turbo": "skipped (--skip-turbo)"}
    peer, ratio, met, turbo_s = "pyshacl-turbo: not run (--skip-turbo)", "—", None, None
    if not skip_turbo:
        turbo_s, turbo_focus = corpus.turbo_validate(store)
        same = turbo_focus == kb_focus
        log(f"pyshacl-turbo: {turbo_s:.1f} s, same violations: {same}")
        raw.update(turbo="run", turbo_validate_s=turbo_s, same_violations=same)
        peer = f"pyshacl-turbo: {turbo_s:.1f} s, {'same' if same else 'DIFFERENT'} {len(turbo_focus)} violations"
        ratio, met = f"{kb_s / turbo_s:.2f}×", same and kb_s < turbo_s
    r = row("validate", "full validation (`kb validate`), 3 violations planted", f"{kb_s:.1f} s", peer, ratio,
            "faster than pyshacl-turbo; linear 100k → 1M (`--report`)", met, kb_s, "s", turbo_s)
    return [r], raw


# -- the run ------------------------------------------------------------------------
def run(data: Path, requests: int, mixed: int, runs: int, docs: int, skip_turbo: bool, keep: bool) -> dict[str, Any]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    claims = int(manifest["claims"])
    work = corpus.TMP.parent / f"kb-bench-scale-{claims}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = work / "store"
    out: dict[str, Any] = {"date": dt.datetime.now().isoformat(timespec="seconds"), "data": str(data),
                           "claims": claims, "documents": manifest["documents"], "generated_quads": manifest["triples"],
                           "loadavg_before": os.getloadavg(), "machine": machine(), "requests_per_page": requests,
                           "mixed_requests": mixed, "turbo": "skipped (--skip-turbo)" if skip_turbo else "run"}
    began = time.perf_counter()
    rng = random.Random(1)
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    steps: list[Callable[[], tuple[list[Row], dict[str, Any]]]] = [
        lambda: ingest_rows(data, corpus.records_of(data), store, work),
        lambda: start_rows(store, web_pages.build_index(store), mixed, requests, rng),
        lambda: sparql_rows(store, runs),
        lambda: incremental_rows(store, manifest, docs),
        lambda: validation_rows(store, skip_turbo),  # last: it plants violations in the store
    ]
    for step in steps:
        got, details = step()
        rows += got
        raw.update(details)
    out.update(wall_s=round(time.perf_counter() - began, 1), loadavg_after=os.getloadavg(), rows=rows, raw=raw)
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return out


def table(res: dict[str, Any]) -> str:
    mark = {True: "yes", False: "**no**", None: "—"}
    m = res["machine"]
    lines = [
        f"{res['claims']:,} claims ({res['documents']:,} documents), {res['date']}, {res['wall_s'] / 60:.0f} min; "
        f"{m['cpus']} cores ({m['cpu']}), {m['memory_gb']} GB; load average before "
        f"{' / '.join(f'{x:.2f}' for x in res['loadavg_before'])}, after "
        f"{' / '.join(f'{x:.2f}' for x in res['loadavg_after'])}; pyshacl-turbo {res['turbo']}.",
        "",
        "| measure | kb | peer | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['measure']} | {r['kb']} | {r['peer']} | {r['ratio']} | {r['target']} | {mark[r['met']]} |"
              for r in res["rows"]]
    return "\n".join(lines)


# -- cost against size -----------------------------------------------------------------
def number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def report(results: list[dict[str, Any]]) -> str:
    """One row per measure, one column per size: kb's figure, then the peer's after a slash."""
    results = sorted(results, key=lambda r: r["claims"])
    measures: dict[str, str] = {}
    cells: dict[tuple[str, int], str] = {}
    for res in results:
        for r in res["rows"]:
            measures.setdefault(r["key"], f"{r['measure']} ({r['unit']}{', kb / peer' if r['peer_value'] else ''})")
            peer = f" / {number(r['peer_value'])}" if r["peer_value"] else ""
            cells[(r["key"], res["claims"])] = number(r["value"]) + peer
            if r["key"] in ("ingest", "validate"):  # linear growth shows as a flat cost per claim
                key = r["key"] + ":per-claim"
                measures.setdefault(key, f"... per 1,000 claims (s{', kb / peer' if r['peer_value'] else ''})")
                per = f" / {number(1000 * r['peer_value'] / res['claims'])}" if r["peer_value"] else ""
                cells[(key, res["claims"])] = number(1000 * r["value"] / res["claims"]) + per
    head = "| measure | " + " | ".join(f"{r['claims']:,} claims" for r in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]
    for key, label in measures.items():
        lines.append(f"| {label} | " + " | ".join(cells.get((key, r["claims"]), "—") for r in results) + " |")
    lines += ["", "After a slash, the peer's figure; for the server RSS the same server at its first page, for the "
              "incremental ingest its validation part."]
    lines += growth(results, "validate")
    lines += [f"{r['claims']:,}: {r['date']}, load average {r['loadavg_before'][0]:.2f} → {r['loadavg_after'][0]:.2f}, "
              f"pyshacl-turbo {r['turbo']}" for r in results]
    return "\n".join(lines)


def growth(results: list[dict[str, Any]], key: str) -> list[str]:
    """Time growth against claim growth between consecutive sizes: linear is the same factor."""
    runs = [(res["claims"], r["value"]) for res in results for r in res["rows"] if r["key"] == key]
    return [f"`{key}` from {a:,} to {b:,} claims (×{b / a:g}): time ×{tb / ta:.1f}"
            for (a, ta), (b, tb) in zip(runs, runs[1:])]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="a bench/generate.py output folder")
    ap.add_argument("--requests", type=int, default=200, help="requests per page type for the p95 (default 200)")
    ap.add_argument("--mixed", type=int, default=1000, help="mixed page requests before the RSS reading")
    ap.add_argument("--runs", type=int, default=9, help="runs per canned SPARQL query (median)")
    ap.add_argument("--docs", type=int, default=20, help="fresh 10-claim articles for the incremental ingest")
    ap.add_argument("--skip-turbo", action="store_true", help="do not run pyshacl-turbo (sizes where it cannot run)")
    ap.add_argument("--keep", action="store_true", help="keep the built store (under $BENCH_TMP or /tmp)")
    ap.add_argument("--report", action="store_true", help="print cost against size from bench/results/scale-*.json")
    args = ap.parse_args(argv)
    if args.report:
        found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESULTS.glob("scale-*.json"))]
        print(report(found) if found else "no bench/results/scale-*.json yet")
        return 0
    if args.data is None:
        ap.error("--data is required (or --report)")
    res = run(args.data, args.requests, args.mixed, args.runs, args.docs, args.skip_turbo, args.keep)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"scale-{res['claims']}.json"
    path.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(table(res))
    print(f"\n(written to {path.relative_to(HERE.parent)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
