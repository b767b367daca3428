"""The README runs as written: every command in it is run here, in order, by a shell, on a
store made from the seed (../shared/seed, required: the test fails without it). The two
exceptions run elsewhere: `bash scripts/setup.sh` built the environment these tests run in,
and the test command is the one CI runs (checked below)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


from behaviour import free_port
from gold import SEED_TXT

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VENV_BIN = Path(sys.executable).parent  # the environment running the tests: where `kb` is installed


def _section(title: str) -> str:
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def _blocks(title: str) -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", _section(title), flags=re.S)


def _quick_start() -> list[str]:
    """The quick start's commands, their comments cut off."""
    (block,) = _blocks("Quick start")
    return [re.split(r"\s+# ", line, maxsplit=1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_has_exactly_two_setup_commands():
    commands = _blocks("Set up and run")
    assert len(commands) == 2
    main_job, tests = commands
    assert main_job.startswith("bash scripts/setup.sh && ") and main_job.endswith("kb serve")
    assert "ingest ../shared/seed/000_f57c619f6558e8b6.txt" in main_job
    assert tests == "bash scripts/setup.sh --test && .venv/bin/python -m pytest -q"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _blocks("Set up and run")[1] in ci.splitlines()


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), HOME=str(tmp))
    env.pop("KB_STORE", None)
    env.pop("KB_WRITE_TOKEN", None)
    return env


def _sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command!r} failed:\n{done.stderr[-2000:]}"
    return done


def _serving(command: str, cwd: Path, env: dict[str, str], port: int) -> str:
    """Start a serving command, fetch its home page, stop it; return the page."""
    # Its own process group: the shell and the server it starts are stopped together.
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    return response.read().decode("utf-8")
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise AssertionError(f"{command!r} did not serve: {err[-2000:]}") from None
                time.sleep(0.3)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the group may have ended already
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def test_the_setup_command_ingests_the_seed_and_serves_it(tmp_path):
    """The first set-up command, from a clone with ../shared beside it; its `bash scripts/setup.sh`
    is what built this environment (CI runs it), so the rest runs as written."""
    assert SEED_TXT.is_file(), f"the seed is missing: {SEED_TXT}"
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".venv").symlink_to(VENV_BIN.parent)
    (tmp_path / "shared").symlink_to(SEED_TXT.parents[1])
    command = _blocks("Set up and run")[0].removeprefix("bash scripts/setup.sh && ")
    port = free_port()
    env = dict(_env(tmp_path), PORT=str(port))  # `kb serve` takes its port from $PORT
    home = _serving(command, clone, env, port)
    assert "Esmail Qaani" in home
    assert (clone / "kb-data").is_dir()


def test_every_quick_start_command_runs_on_the_seed(tmp_path):
    assert SEED_TXT.is_file(), f"the seed is missing: {SEED_TXT}"
    commands = _quick_start()
    assert [c.split()[1] for c in commands] == [
        "init", "extract", "extract", "ingest", "ingest", "ingest", "query", "query", "validate", "export", "export",
        "stats", "match", "serve"]
    env = _env(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    # The files the commands name: the seed article, a ClaimsKG dump, an export of another kb
    # (the demo's flood-barrier article), a ClaimReview, and a query.
    shutil.copy(SEED_TXT, work / "article.txt")
    shutil.copy(ROOT / "tests" / "data" / "claimskg" / "sample.ttl", work / "reviews.ttl")
    other = tmp_path / "other"
    demo = ROOT / "web" / "demo"
    _sh(f"kb --store {other} ingest {demo / '01_flood_barrier.json'} {demo / '04_review.ttl'}", work, env)
    _sh(f"kb --store {other} export --format trig -o export.trig", work, env)
    shutil.copy(ROOT / "tests" / "data" / "claimreview" / "factcheck.jsonld", work / "factcheck.json")
    (work / "question.rq").write_text(
        "SELECT ?kind (COUNT(*) AS ?n) WHERE { ?c kb:kind ?kind } GROUP BY ?kind ORDER BY ?kind\n", encoding="utf-8")

    out = {}
    for command in commands[:-1]:
        out[command] = _sh(command, work, env).stdout

    init, extract, _, ingest_claims, ingest_rdf, ingest_review, names, kinds, validate, _, _, stats, match = commands[:-1]
    assert out[init] == "knowledge base ready at ./kb-data (empty)\n"
    record = json.loads(out[extract])
    assert len(record["claims"]) >= 10
    assert json.loads((work / "claims.json").read_text(encoding="utf-8")) == record
    assert out[ingest_claims].startswith("written claims.json: 1 graph added; ")
    assert re.search(r": \d+ graphs added; ", out[ingest_rdf])
    assert ": 1 graph added; " in out[ingest_review]
    # The README's query, without PREFIX lines: the seed's speakers, the busiest first.
    table = out[names].splitlines()
    assert table[0].split() == ["name", "n"] and table[-1].endswith("rows)")
    speakers = [line.rsplit(None, 1)[0].strip() for line in table[2:-1]]
    assert speakers[0] == "Esmail Qaani" and "Hossein Salami" in speakers and "Jane Roe" in speakers
    counts = [int(line.rsplit(None, 1)[1]) for line in table[2:-1]]
    assert counts == sorted(counts, reverse=True)
    assert out[kinds].splitlines()[0] == "kind,n" and "https://w3id.org/claimkb/ns#DirectQuote" in out[kinds]
    assert out[validate].endswith("\n") and validate == "kb validate"
    assert (work / "all.ttl").read_text(encoding="utf-8").startswith("@prefix")
    feed = json.loads((work / "reviews.json").read_text(encoding="utf-8"))
    assert len(feed) == 4 + 1 + 1  # the ClaimsKG sample's, the demo article's, the fact-check's
    assert all({"claimReviewed", "reviewRating", "url", "author", "itemReviewed"} <= set(r) for r in feed)
    assert json.loads(out[stats])["reviews"] == 6
    # The claim itself, then its ranked fact-checks (or a line saying there are none).
    assert out[match].splitlines()[0] == "Vaccines contain microchips" and len(out[match].splitlines()) >= 2

    port = free_port()
    serve = commands[-1].replace("--port 5000", f"--port {port}")  # 5000 may be taken on a test machine
    assert serve != commands[-1]
    home = _serving(f"{serve}", work, env, port)
    assert "claimkb" in home
