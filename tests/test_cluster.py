"""Extraction on a real Dask LocalCluster with 2 worker processes: the same
records as one process, in input order, with per-file errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from kb import KnowledgeBase
from kb.errors import ExtractionError, KBError
from kb.extract import extract_files
from kb.extract.cluster import extract_on_cluster, extraction_cluster

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(str(p) for p in (ROOT / "tests" / "data" / "cluster").glob("00[123]_*.txt"))
NOT_UTF8 = str(ROOT / "tests" / "data" / "cluster" / "004_not_utf8.txt")
SEED = ROOT.parent / "shared" / "seed" / "000_f57c619f6558e8b6.txt"
KB = str(Path(sys.executable).with_name("kb"))


def corpus() -> list[str]:
    assert SEED.is_file(), f"the seed article is missing: {SEED} (../shared must be beside the repository)"
    # The seed twice, at both ends, so two chunks of one run hold the same article.
    return [str(SEED), *EXAMPLES, str(SEED)]


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    with extraction_cluster(workers=2) as c:
        yield c


def test_two_workers_give_the_single_process_records_in_order(dask_client):
    paths = corpus()
    single = extract_files(paths)
    seen: list[int] = []
    got = list(extract_on_cluster(dask_client, paths, chunk=2, progress=seen.append))
    assert [name for name, _ in got] == paths
    assert [record for _, record in got] == single
    assert sum(seen) == len(paths) and len(seen) == 3  # three chunks of two
    assert len(dask_client.scheduler_info()["workers"]) == 2
    assert sum(len(r["claims"]) for r in single) > 20


def test_the_model_is_loaded_once_per_worker(dask_client):
    def model_id() -> tuple[int, int]:
        from kb.extract import pipeline

        assert pipeline._nlp is not None  # loaded by the LoadModel plugin when the worker started
        return os.getpid(), id(pipeline._nlp)

    first = dask_client.run(model_id)
    list(extract_on_cluster(dask_client, EXAMPLES, chunk=1))
    assert dask_client.run(model_id) == first
    assert len({pid for pid, _ in first.values()}) == 2


def test_one_bad_file_costs_only_itself(dask_client, tmp_path):
    missing = str(tmp_path / "missing.txt")
    paths = [EXAMPLES[0], NOT_UTF8, EXAMPLES[1], missing, EXAMPLES[2]]
    got = dict(extract_on_cluster(dask_client, paths, chunk=5))
    assert list(got) == paths
    good = extract_files(EXAMPLES)
    assert [got[p] for p in EXAMPLES] == good
    for bad in (NOT_UTF8, missing):
        with pytest.raises(KBError) as single:
            extract_files([bad])
        assert isinstance(got[bad], ExtractionError)
        assert str(got[bad]) == str(single.value)


def run_kb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    return subprocess.run([KB, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_kb_extract_with_two_jobs_prints_what_one_process_prints(tmp_path):
    paths = [*EXAMPLES, NOT_UTF8]
    one = run_kb("extract", "--format", "jsonl", *EXAMPLES, cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    two = run_kb("extract", "-j", "2", "--format", "jsonl", *paths, cwd=tmp_path)
    assert two.returncode == 1
    assert two.stdout == one.stdout
    assert [json.loads(line)["file"] for line in two.stdout.splitlines()] == EXAMPLES
    errors = [line for line in two.stderr.splitlines() if line.startswith("kb: ")]
    assert len(errors) == 1 and NOT_UTF8 in errors[0], two.stderr
    assert "Traceback" not in two.stderr


def test_kb_ingest_with_two_jobs_stores_what_one_process_stores(tmp_path):
    paths = [EXAMPLES[0], NOT_UTF8, *EXAMPLES[1:]]
    one = run_kb("--store", str(tmp_path / "one"), "ingest", *paths, cwd=tmp_path)
    assert one.returncode == 1, one.stderr  # the file that is not UTF-8 is refused, the others written
    two = run_kb("--store", str(tmp_path / "two"), "ingest", "-j", "2", *paths, cwd=tmp_path)
    assert two.returncode == 1, two.stderr
    assert (two.stdout, two.stderr) == (one.stdout, one.stderr)
    assert NOT_UTF8 in two.stderr and len(two.stdout.splitlines()) == 4
    with KnowledgeBase(tmp_path / "one", read_only=True) as a, KnowledgeBase(tmp_path / "two", read_only=True) as b:
        assert a.stats() == b.stats() and a.stats()["claims"] > 8
        assert sorted(a.backend.graphs()) == sorted(b.backend.graphs())
        query = "SELECT ?c ?t WHERE { ?c a schema:Claim ; schema:text ?t } ORDER BY ?c"
        assert a.select(query) == b.select(query)


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    from behaviour import free_port

    out = run_kb("extract", "--cluster", f"tcp://127.0.0.1:{free_port()}", EXAMPLES[0], cwd=tmp_path)
    assert out.returncode != 0
    assert out.stderr.startswith("kb: error: cannot reach the Dask scheduler at tcp://127.0.0.1:")
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_ingest_goes_in_rounds_in_order_and_stores_what_one_process_stores(dask_client, tmp_path, monkeypatch):
    import argparse

    from kb.extract import cluster

    monkeypatch.setattr(cluster, "WINDOW", 2)
    paths = [*EXAMPLES, NOT_UTF8]
    args = argparse.Namespace(date=None, format=None, files=paths)
    with KnowledgeBase(tmp_path / "two") as b:
        report = cluster.ingest_with_client(b, dask_client, paths, args, None)
        assert [(Path(i.name).name, i.status) for i in report.inputs] == [
            ("001_harbour.txt", "written"), ("002_school.txt", "written"), ("003_river.txt", "written"),
            ("004_not_utf8.txt", "refused")]
        with KnowledgeBase(tmp_path / "one") as a:
            single = a.ingest_files(paths)
            assert report.totals() == single.totals()
            assert a.stats() == b.stats()
