"""Writes while `kb serve` runs: `kb ingest` on the served store is routed through the server.

A real `kb serve` (waitress) on a store folder, the real `kb` command in other
processes, real HTTP.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Iterator

import pytest

from behaviour import free_port
from kbtest import ROOT, kb_cli

DEMO = ROOT / "web" / "demo"


class Served:
    def __init__(self, store: Path, *options: str) -> None:
        self.store = store
        self.port = free_port()
        self.log = store.parent / f"serve-{self.port}.err"
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        for name in ("KB_STORE", "KB_WRITE_TOKEN"):
            env.pop(name, None)
        with open(self.log, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "web.cli", "--store", str(store), "serve", "--port", str(self.port), *options],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 90
        while "Ctrl-C stops" not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError("kb serve did not start: " + self.log.read_text()[-2000:])
            time.sleep(0.2)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[Served]:
    store = tmp_path / "store"
    assert kb_cli(store, "init").code == 0
    server = Served(store)
    try:
        yield server
    finally:
        server.stop()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def test_ingest_while_serving_goes_through_the_server_with_the_local_output(served: Served, tmp_path: Path) -> None:
    info = json.loads((served.store / "server.json").read_text())
    assert info == {"url": served.url + "/", "pid": served.process.pid}
    secret = served.store / "server.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert get_json(served.url + "/claims.json")["total"] == 0

    remote = kb_cli(served.store, "ingest", str(DEMO / "01_flood_barrier.json"))
    local = kb_cli(tmp_path / "other", "ingest", str(DEMO / "01_flood_barrier.json"))
    assert (remote.code, remote.out, remote.err) == (local.code, local.out, local.err)
    assert remote.code == 0 and "in use" not in remote.err
    claims = get_json(served.url + "/claims.json")
    assert claims["total"] == 5
    assert {c["kind"] for c in claims["items"]} >= {"partial-quote"}

    # A refused input: the same message (naming the file as typed) and exit code as a local run.
    remote = kb_cli(served.store, "ingest", "no-such-file.json")
    local = kb_cli(tmp_path / "other", "ingest", "no-such-file.json")
    assert remote.code == local.code == 1
    assert remote.err == local.err and "no-such-file.json" in remote.err and "/tmp" not in remote.err
    assert remote.out == local.out


def test_remove_history_and_restore_while_serving(served: Served) -> None:
    """kb remove and kb restore go through the running server; kb history reads the store itself."""
    assert kb_cli(served.store, "ingest", str(DEMO / "01_flood_barrier.json")).code == 0
    doc = get_json(served.url + "/claims.json")["items"][0]["doc"]
    removed = kb_cli(served.store, "remove", doc, "--reason", "test")
    assert removed.code == 0, removed.err
    assert removed.out.startswith("1 graph deleted; ")
    assert get_json(served.url + "/claims.json")["total"] == 0
    listed = json.loads(kb_cli(served.store, "history", doc, "--format", "json").out)
    assert [(v["action"], v["reason"]) for v in listed] == [("removed", "test")]
    restored = kb_cli(served.store, "restore", listed[0]["version"])
    assert (restored.code, restored.out.split(";")[0]) == (0, "1 graph added")
    assert get_json(served.url + "/claims.json")["total"] == 5


def test_the_report_file_of_a_rejected_ingest_is_written_where_the_user_asked(served: Served, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    record = json.loads((DEMO / "01_flood_barrier.json").read_text())
    record["claims"][0]["kind"] = "rumour"
    bad.write_text(json.dumps(record))
    remote = kb_cli(served.store, "ingest", str(bad), "--report", str(tmp_path / "remote.txt"))
    local = kb_cli(tmp_path / "other", "ingest", str(bad), "--report", str(tmp_path / "local.txt"))
    assert (remote.code, remote.out, remote.err) == (local.code, local.out, local.err)
    assert remote.code == 1
    if (tmp_path / "local.txt").exists():
        assert (tmp_path / "remote.txt").read_text() == (tmp_path / "local.txt").read_text()


def test_the_api_needs_the_secret(served: Served) -> None:
    request = urllib.request.Request(served.url + "/api/cli/ingest", data=b"args=%7B%7D", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Authorization": "Bearer wrong"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=30)
    assert err.value.code == 401


def test_the_server_file_goes_away_with_the_server(tmp_path: Path) -> None:
    store = tmp_path / "store"
    server = Served(store)
    assert (store / "server.json").exists()
    server.stop()
    assert not (store / "server.json").exists() and not (store / "server.secret").exists()
    # Without a server the command writes locally again.
    assert kb_cli(store, "ingest", str(DEMO / "01_flood_barrier.json")).code == 0


def test_the_one_time_login_link_lets_the_local_user_write(served: Served) -> None:
    link = re.search(r"open \(once\) (\S+)", served.log.read_text()).group(1)
    assert link.startswith(served.url + "/login/once/")
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(link, timeout=30)
    assert page.geturl() == served.url + "/"
    assert browser.open(served.url + "/ingest", timeout=30).status == 200
    with pytest.raises(urllib.error.HTTPError) as err:  # a second use of the link
        urllib.request.build_opener().open(link, timeout=30)
    assert err.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as err:  # another browser, no link: the token is needed
        urllib.request.build_opener().open(served.url + "/ingest", timeout=30)
    assert err.value.code == 401


def test_a_read_only_server_keeps_the_store_to_itself(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kb_cli(store, "init").code == 0
    server = Served(store, "--read-only")
    try:
        assert not (store / "server.json").exists()
        run = kb_cli(store, "ingest", str(DEMO / "01_flood_barrier.json"))
        assert run.code == 1 and "in use" in run.err and "Traceback" not in run.err
    finally:
        server.stop()


def test_a_big_input_is_not_held_to_the_web_upload_limit(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kb_cli(store, "init").code == 0
    server = Served(store)
    try:
        big = tmp_path / "big.nt"
        # ~20 MB of N-Triples: over the 16 MB limit of web uploads (KB_MAX_UPLOAD_MB).
        line = '<https://a.example/s{}> <http://schema.org/description> "' + "x" * 2000 + '" .\n'
        big.write_text("".join(line.format(i) for i in range(9_000)))
        assert big.stat().st_size > 17 * 1024 * 1024
        run = kb_cli(store, "ingest", str(big), timeout=600)
        assert run.code == 0, run.err
    finally:
        server.stop()


def test_the_web_write_token_does_not_open_the_command_api(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kb_cli(store, "init").code == 0
    server = Served(store, "--token", "web-token")
    try:
        request = urllib.request.Request(server.url + "/api/cli/ingest", data=b"args=%7B%7D", method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                                  "Authorization": "Bearer web-token"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=30)
        assert err.value.code == 401
        assert kb_cli(store, "ingest", str(DEMO / "01_flood_barrier.json")).code == 0  # the secret still works
    finally:
        server.stop()
