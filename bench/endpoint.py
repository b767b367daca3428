"""/sparql of `kb serve` against `oxigraph serve` on the same store and the same queries.

Usage::

    python bench/endpoint.py [--claims 3000] [--runs 9] [--asks 40]

Generates the corpus (bench/generate.py, no claim-record files) if needed, ingests
its N-Quads with `kb ingest` into a fresh store, starts `kb serve` on it and
`oxigraph serve-read-only --union-default-graph` on the very same folder (kb's
default graph is the union of all graphs too), and times each query over real
HTTP: the median of ``--runs`` after one warm-up. Then the fairness run: three
heavy cross-joins in flight on kb while ``--asks`` ``ASK {}`` are timed one
after the other (p50, p95). Prints a markdown table; writes
bench/results/endpoint-<claims>-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PREFIX = "PREFIX schema: <http://schema.org/>\n"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def queries(speaker: str) -> dict[str, str]:
    return {
        "`ASK {}`": "ASK {}",
        "one speaker's claims": PREFIX + "SELECT ?c ?text WHERE { ?c a schema:Claim ; schema:author ?p ; "
        f'schema:text ?text . ?p schema:name "{speaker}" }}',
        "claims per kind (GROUP BY)": PREFIX + "SELECT ?kind (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; "
        "schema:genre ?kind } GROUP BY ?kind",
        "100 claims with speaker names": PREFIX + "SELECT ?c ?name WHERE { ?c a schema:Claim ; "
        "schema:author/schema:name ?name } LIMIT 100",
        "CONSTRUCT 200 triples": PREFIX + "CONSTRUCT { ?c schema:author ?p } WHERE { ?c schema:author ?p } LIMIT 200",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start")
            time.sleep(0.2)


def get(url: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def median_ms(url: str, query: str, runs: int) -> float:
    accept = "application/n-triples" if query.lstrip().upper().startswith(PREFIX.upper()) and "CONSTRUCT" in query \
        else "application/sparql-results+json"
    status, _ = get(url, query, accept)  # warm-up
    assert status == 200, (url, query, status)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        get(url, query, accept)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def spawn_kb(store: Path, port: int) -> subprocess.Popen[bytes]:
    """`kb serve --read-only` on the store (read-only: oxigraph serves the same folder beside it)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), KB_QUERY_TIMEOUT="5")
    env.pop("KB_STORE", None)
    return subprocess.Popen([sys.executable, "-m", "web.cli", "--store", str(store), "serve", "--read-only",
                             "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def spawn_oxigraph(store: Path, port: int) -> subprocess.Popen[bytes]:
    """`oxigraph serve-read-only` on the same folder; kb's default graph is the union of all graphs too."""
    oxigraph = str(Path(sys.executable).with_name("oxigraph"))
    return subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store), "--union-default-graph",
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_servers(store: Path) -> tuple[list[subprocess.Popen[bytes]], str, str]:
    """Both servers on the store, ready: (processes, kb /sparql URL, oxigraph /query URL)."""
    kb_port, ox_port = free_port(), free_port()
    kb_serve, ox_serve = spawn_kb(store, kb_port), spawn_oxigraph(store, ox_port)
    try:
        wait_for(kb_port, kb_serve, "kb serve")
        wait_for(ox_port, ox_serve, "oxigraph serve")
    except BaseException:
        stop([kb_serve, ox_serve])
        raise
    return [kb_serve, ox_serve], f"http://127.0.0.1:{kb_port}/sparql", f"http://127.0.0.1:{ox_port}/query"


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        p.terminate()
        p.wait(timeout=30)


def compare_queries(kb_url: str, ox_url: str, runs: int) -> list[dict[str, Any]]:
    """Each canned query's median over real HTTP on both servers (after one warm-up each)."""
    _, body = get(ox_url, PREFIX + "SELECT ?n WHERE { ?c a schema:Claim ; schema:author/schema:name ?n } LIMIT 1")
    speaker = json.loads(body)["results"]["bindings"][0]["n"]["value"]
    rows = []
    for name, query in queries(speaker).items():
        ox_ms, kb_ms = median_ms(ox_url, query, runs), median_ms(kb_url, query, runs)
        rows.append({"query": name, "kb_ms": round(kb_ms, 2), "oxigraph_ms": round(ox_ms, 2),
                     "ratio": round(kb_ms / ox_ms, 2)})
    return rows


def fairness(kb_url: str, asks: int) -> dict[str, Any]:
    """``asks`` timed `ASK {}` while three heavy cross-joins are in flight on kb."""
    heavy_done: list[int] = []
    threads = [threading.Thread(target=lambda: heavy_done.append(get(kb_url, HEAVY)[0])) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    times = []
    for _ in range(asks):
        start = time.perf_counter()
        status, _ = get(kb_url, "ASK {}")
        assert status == 200
        times.append((time.perf_counter() - start) * 1000)
    for t in threads:
        t.join()
    return {"ask_p50_ms": round(statistics.median(times), 2),
            "ask_p95_ms": round(statistics.quantiles(times, n=20)[-1], 2), "heavy_status": sorted(heavy_done)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--asks", type=int, default=40)
    args = ap.parse_args()
    data = HERE / "data" / f"endpoint-{args.claims}"
    if not (data / "data.nq").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--claims", str(args.claims), "--out", str(data),
                        "--no-records"], check=True, stdout=subprocess.DEVNULL)
    store = data / "store"
    if not store.exists():
        subprocess.run([sys.executable, "-m", "kb.cli", "--store", str(store), "ingest", str(data / "data.nq")],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    processes, kb_url, ox_url = start_servers(store)
    try:
        rows = compare_queries(kb_url, ox_url, args.runs)
        fair = fairness(kb_url, args.asks)
    finally:
        stop(processes)
    print(f"| query ({args.claims} claims, median of {args.runs}) | kb serve | oxigraph serve | kb / oxigraph |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['query']} | {r['kb_ms']:.1f} ms | {r['oxigraph_ms']:.1f} ms | {r['ratio']:.2f} |")
    print(f"\nWith 3 heavy cross-joins in flight on kb: `ASK {{}}` p50 {fair['ask_p50_ms']:.1f} ms, "
          f"p95 {fair['ask_p95_ms']:.1f} ms ({args.asks} asks); the heavy ones answered "
          f"{fair['heavy_status']} (408: stopped at the 5 s limit).")
    out = HERE / "results" / f"endpoint-{args.claims}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"claims": args.claims, "runs": args.runs, "queries": rows, "fairness": fair},
                              indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
