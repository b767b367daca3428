"""Page latency of the web UI on a large synthetic knowledge base, against the naive approach.

    python bench/web_pages.py --data bench/data/100k [--requests 200] [--naive-data bench/data/10k]

1. Loads ``DATA/data.nq`` (from bench/generate.py) into an Oxigraph store beside it
   (``DATA/web-store``, once; bulk load, since ingesting 10k documents through
   SHACL is the core benchmark's subject, not this one's) and builds the browse index.
2. Starts the real server (``kb serve``: waitress) on it and requests, one at a time,
   the claims list (first and later keyset pages), search, facets (a filtered
   list with its facet column), claim pages and speaker pages, with varied arguments.
3. The naive approach: the same pages as one SPARQL query each over rdflib's
   in-memory Dataset (query time only, no HTTP: a lower bound for that design).

Prints a Markdown table of p50/p95/max in milliseconds and writes it to
bench/results/web_pages.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ["market", "said", "government", "plan", "security", "election", "budget", "minister", "talks", "court",
         "police", "health", "report", "energy", "war", "strike", "tax", "climate", "water", "school"]


def load_store(data: Path) -> Path:
    import pyoxigraph as ox

    store_dir = data / "web-store"
    if (store_dir / "CURRENT").exists():
        return store_dir
    t = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(data / "data.nq"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    print(f"bulk load: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return store_dir


def build_index(store_dir: Path) -> dict[str, Any]:
    import kb
    from kb.browse import get_index, list_speakers

    t = time.perf_counter()
    with kb.KnowledgeBase(store_dir) as knowledge:
        index = get_index(knowledge)
        built = time.perf_counter() - t
        con = index.db()
        claims = [r[0] for r in con.execute("SELECT iri FROM claims ORDER BY random() LIMIT 500")]
        texts = [r[0] for r in con.execute("SELECT text FROM claims ORDER BY random() LIMIT 300")]
        words = sorted({w.lower() for t in texts for w in re.findall(r"[A-Za-z]{5,}", t)})
        speakers, _ = list_speakers(knowledge, limit=500)
        documents = [r[0] for r in con.execute("SELECT DISTINCT doc FROM claims WHERE doc != '' ORDER BY random() LIMIT 300")]
        total = con.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    print(f"browse index: {total} claims in {built:.1f} s", file=sys.stderr)
    return {"index_seconds": round(built, 1), "claims": claims, "words": words, "speakers": [s.iri for s in speakers],
            "documents": documents, "indexed": total}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(store_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """`kb serve` (waitress) on the store, as a user starts it: the installed `kb` command beside this
    Python, else the checkout's ``python -m web.cli`` (the same server without the entry point)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    kb_bin = Path(sys.executable).with_name("kb")
    command = [str(kb_bin)] if kb_bin.exists() else [sys.executable, "-m", "web.cli"]
    return subprocess.Popen([*command, "--store", str(store_dir), "serve", "--port", str(port)], cwd=ROOT, env=env)


def serve(store_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = spawn(store_dir, port)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the server did not start")


def timed_get(con: http.client.HTTPConnection, path: str) -> float:
    t = time.perf_counter()
    con.request("GET", path, headers={"Accept": "text/html"})
    response = con.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - t) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    return elapsed


def local(iri: str) -> str:
    return iri.replace("https://w3id.org/claimkb", "")


def summarize(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return {"n": len(samples), "p50": round(statistics.median(samples), 1), "p95": round(p95, 1),
            "max": round(samples[-1], 1)}


def next_page(con: http.client.HTTPConnection, path: str) -> str:
    """The HTML path of the page after ``path``'s first (from its JSON twin; not timed)."""
    con.request("GET", path.replace("/claims", "/claims.json"))
    nxt = json.loads(con.getresponse().read())["next"]
    return str(nxt).replace("/claims.json", "/claims")


def page_paths(con: http.client.HTTPConnection, info: dict[str, Any], rng: random.Random) -> dict[str, Callable[[], str]]:
    """Per page type, a maker of a varied path to request (from ``build_index``'s samples)."""
    return {
        "claims list": lambda: "/claims",
        "claims list, page 2+": lambda: next_page(con, "/claims?sort=" + rng.choice(["newest", "oldest", "speaker"])),
        "search": lambda: "/claims.json?q=" + quote(" ".join(rng.sample(info["words"], rng.choice([1, 2])))),
        "search page (with facets)": lambda: "/claims?q=" + quote(rng.choice(info["words"])),
        "facets (filtered list)": lambda: "/claims?kind=" + rng.choice(
            ["direct-quote", "partial-quote", "paraphrase", "reported-fact"]) + "&speaker=" + quote(rng.choice(info["speakers"])),
        "claim page": lambda: local(rng.choice(info["claims"])),
        "speaker page": lambda: local(rng.choice(info["speakers"])),
        "home": lambda: "/",
        "document page": lambda: local(rng.choice(info["documents"])),
    }


def bench_server(port: int, info: dict[str, Any], n: int, rng: random.Random) -> dict[str, dict[str, float]]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timed_get(con, "/claims")  # warm the worker threads' index connections
    results = {}
    for name, make in page_paths(con, info, rng).items():
        results[name] = summarize([timed_get(con, make()) for _ in range(n)])
    return results


NAIVE = {
    "claims list": """SELECT ?c ?text ?date ?name WHERE { ?c a schema:Claim ; schema:text ?text .
        OPTIONAL { ?c schema:dateCreated ?date } OPTIONAL { ?c schema:author/schema:name ?name } }
        ORDER BY DESC(?date) LIMIT 25""",
    "search": """SELECT ?c ?text WHERE { ?c a schema:Claim ; schema:text ?text .
        FILTER(CONTAINS(LCASE(?text), "WORD")) } LIMIT 25""",
    "facets (filtered list)": """SELECT ?s (COUNT(?c) AS ?n) WHERE { ?c a schema:Claim ; schema:author ?s }
        GROUP BY ?s ORDER BY DESC(?n) LIMIT 10""",
    "claim page": """SELECT * WHERE { ?c schema:text ?text ; schema:appearance ?doc . ?doc schema:text ?doctext .
        OPTIONAL { ?c schema:author ?s . ?s schema:name ?name } }""",
    "speaker page": """SELECT ?c ?text ?date WHERE { ?c schema:author ?s ; schema:text ?text .
        OPTIONAL { ?c schema:dateCreated ?date } } ORDER BY DESC(?date)""",
}


def bench_naive(data: Path, n: int, rng: random.Random) -> dict[str, Any]:
    from rdflib import Dataset, URIRef

    from kb.vocab import SPARQL_PREFIXES

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(str(data / "data.nq"), format="nquads")
    load = time.perf_counter() - t
    claims = [str(c) for c in ds.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                          URIRef("http://schema.org/Claim"))]
    speakers = list({str(o) for o in ds.objects(None, URIRef("http://schema.org/author"))})
    results: dict[str, Any] = {"load_seconds": round(load, 1), "claims": len(set(claims))}
    for name, query in NAIVE.items():
        samples = []
        for _ in range(n):
            text, bindings = SPARQL_PREFIXES + query, {}
            if name == "search":
                text = text.replace("WORD", rng.choice(WORDS[:5]))
            if name == "claim page":
                bindings = {"c": URIRef(rng.choice(claims))}
            if name == "speaker page":
                bindings = {"s": URIRef(rng.choice(speakers))}
            t = time.perf_counter()
            list(ds.query(text, initBindings=bindings))
            samples.append((time.perf_counter() - t) * 1000)
        results[name] = summarize(samples)
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="bench/data/100k", help="a bench/generate.py output folder")
    ap.add_argument("--requests", type=int, default=200, help="requests per page type")
    ap.add_argument("--naive-data", default="bench/data/10k", help="data for the naive rdflib runs ('' to skip)")
    ap.add_argument("--naive-requests", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(1)
    data = Path(args.data)
    store_dir = load_store(data)
    info = build_index(store_dir)
    proc, port = serve(store_dir)
    try:
        served = bench_server(port, info, args.requests, rng)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    naive = bench_naive(Path(args.naive_data), args.naive_requests, rng) if args.naive_data else {}
    out = {"data": str(data), "indexed_claims": info["indexed"], "index_seconds": info["index_seconds"],
           "served": served, "naive_data": args.naive_data, "naive": naive}
    Path(ROOT / "bench/results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench/results/web_pages.json").write_text(json.dumps(out, indent=1))
    print(f"| page | p50 ms | p95 ms | max ms | naive p95 ms ({args.naive_data}) |")
    print("|---|---:|---:|---:|---:|")
    for name, s in served.items():
        nv = naive.get(name, {}).get("p95", "—") if naive else "—"
        print(f"| {name} | {s['p50']} | {s['p95']} | {s['max']} | {nv} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
