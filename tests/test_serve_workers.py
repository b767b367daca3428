"""`kb serve --workers 2` for real: a write through one worker is visible through the other at once,
in the store (SPARQL) and in the browse index (claims list, cached counts)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from behaviour import OTHER_RECORD, free_port, oxigraph_binary, small_record

KB = str(Path(sys.executable).with_name("kb"))
TOKEN = "workers-test-token"


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str, store: Path) -> None:
        self.process, self.url, self.store = process, url, store

    def get(self, path: str) -> requests.Response:
        # A new connection each time: the kernel hands each to one of the workers.
        return requests.get(self.url + path, headers={"Connection": "close"}, timeout=30)

    def workers(self, path: str = "/claims.json", tries: int = 200) -> set[str]:
        seen: set[str] = set()
        for _ in range(tries):
            seen.add(self.get(path).headers["X-KB-Worker"])
            if len(seen) == 2:
                break
        return seen

    def through_other(self, worker: str, path: str, check: Callable[[requests.Response], Any]) -> str:
        """GET ``path`` until another worker than ``worker`` answers; check that answer."""
        for _ in range(400):
            response = self.get(path)
            other = response.headers["X-KB-Worker"]
            if other != worker:
                assert response.status_code == 200, response.text[:500]
                check(response)
                return other
        pytest.fail(f"no other worker than {worker} answered {path}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    assert oxigraph_binary(), "kb serve --workers needs the oxigraph CLI (PyPI package oxigraph)"
    store, port = tmp_path / "store", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    process = subprocess.Popen(
        [KB, "--store", str(store), "serve", "--workers", "2", "--port", str(port), "--token", TOKEN, "--threads", "4"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kb serve --workers stopped: {process.stderr.read() if process.stderr else ''}")
        try:
            urllib.request.urlopen(url + "/claims.json", timeout=2).close()
            break
        except urllib.error.HTTPError as err:
            pytest.fail(f"kb serve --workers answered {err.code}")
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    served = Served(process, url, store)
    try:
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def upload(served: Served, record: dict[str, Any], name: str) -> str:
    response = requests.post(
        served.url + "/ingest/upload", files={"file": (name, json.dumps(record), "application/json")},
        headers={"Authorization": f"Bearer {TOKEN}", "Connection": "close"}, allow_redirects=False, timeout=120,
    )
    assert response.status_code in (200, 303), response.text[:500]
    return response.headers["X-KB-Worker"]


def ask(text: str) -> str:
    return "/sparql?query=" + urllib.request.quote('PREFIX schema: <http://schema.org/> ASK { ?c schema:text "%s" }' % text)


def test_a_write_through_one_worker_is_read_through_the_other(served):
    assert len(served.workers()) == 2
    assert json.loads(served.get(ask("the bridge will reopen in May")).text)["boolean"] is False
    assert len(served.workers("/claims/facets/kind.json")) == 2  # both have cached the empty store's facets
    assert served.get("/claims/facets/kind.json").json()["items"] == []

    writer = upload(served, small_record(), "bridge.json")
    reader = served.through_other(
        writer, ask("the bridge will reopen in May"), lambda r: json.loads(r.text)["boolean"] is True or pytest.fail(r.text))
    served.through_other(writer, "/claims.json", lambda r: "the bridge will reopen in May" in r.text or pytest.fail(r.text))

    # And back: a write through the other worker, read through the first, caches included.
    second = upload(served, OTHER_RECORD, "other.json")
    assert second in (writer, reader)
    first = served.through_other(second, "/claims.json",
                                 lambda r: "the bridge will reopen in June" in r.text or pytest.fail(r.text))
    assert first != second
    # The facet counts are cached per index version in each worker: the other worker's write shows at once.
    served.through_other(second, "/claims/facets/kind.json", lambda r: r.json()["items"] == [
        {"value": "direct-quote", "label": "direct-quote", "count": 2},
        {"value": "reported-fact", "label": "reported-fact", "count": 2}] or pytest.fail(r.text))
    served.through_other(second, "/claims.json", lambda r: r.json()["total"] == 4 or pytest.fail(r.text))


def test_stopping_the_server_stops_every_worker_and_the_store_server(served):
    assert len(served.workers()) == 2
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=60) == 0
    assert not (served.store / "server.json").exists()
    # The store is free again: a writer can open it.
    from kb import KnowledgeBase

    with KnowledgeBase(served.store) as kb:
        assert kb.stats()["claims"] == 0


def _login_link(served: Served) -> str:
    assert served.process.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = served.process.stderr.readline()
        if "open (once)" in line:
            return line.rsplit(" ", 1)[1].strip()
    pytest.fail("kb serve --workers printed no login link")


def test_the_one_time_login_link_works_once_across_workers(served):
    link = _login_link(served)
    assert link.startswith(served.url + "/login/once/")
    session = requests.Session()
    first = session.get(link, headers={"Connection": "close"}, allow_redirects=False, timeout=30)
    assert first.status_code == 302, first.text[:300]
    # The session cookie is signed with one key for all workers: each of them lets this browser write.
    seen: set[str] = set()
    for _ in range(200):
        page = session.get(served.url + "/ingest", headers={"Connection": "close"}, timeout=30)
        assert page.status_code == 200, page.text[:300]
        seen.add(page.headers["X-KB-Worker"])
        if len(seen) == 2:
            break
    assert len(seen) == 2
    for _ in range(6):  # a second use fails, whichever worker answers
        again = requests.get(link, headers={"Connection": "close"}, allow_redirects=False, timeout=30)
        assert again.status_code == 403
    assert requests.get(served.url + "/ingest", headers={"Connection": "close"}, timeout=30).status_code == 401
