"""``kb serve --workers N``: several web processes over one store and one browse index.

RocksDB lets one process open a store for writing, and a read-only opener does
not see later writes. So with N workers no web process opens the store itself:

- on an embedded store, ``oxigraph serve`` (the PyPI package ``oxigraph``, the
  same engine and on-disk format as pyoxigraph) owns it, on 127.0.0.1 only, and
  every worker reaches it through :class:`kb.store.remote.RemoteBackend`; on a
  remote store (``KB_STORE=http://…``) the workers use that server directly;
- the browse index (SQLite in WAL mode) and the history stay where a single
  process keeps them (``KB_BROWSE_INDEX``, ``KB_HISTORY`` point every worker at
  them); the index version is read from the file, so one worker's write reaches
  every worker's caches with its next request;
- writes are serialized across the workers by a lock file held from validation
  to the index refresh (:class:`SharedWriterKB`), so no two validate against
  the same state;
- the workers share one listening socket (made here, inherited by each), and the
  kernel hands each connection to one of them. Responses name the worker that
  answered in ``X-KB-Worker`` (its pid).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any

from kb import KnowledgeBase
from kb.errors import InputError, StoreError

__all__ = ["serve_workers", "SharedWriterKB", "oxigraph_server_binary"]

LISTEN_FD = "KB_SERVE_LISTEN_FD"


class SharedWriterKB(KnowledgeBase):
    """A KnowledgeBase whose writes hold a lock file shared by every process on the
    machine that serves this store, from validation to the index refresh."""

    def __init__(self, location: str, *, lock_path: str, **options: Any) -> None:
        super().__init__(location, **options)
        self._lock_path = lock_path

    def commit(self, *args: Any, **kwargs: Any) -> Any:
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return super().commit(*args, **kwargs)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def oxigraph_server_binary() -> str | None:
    """The ``oxigraph`` CLI (PyPI package ``oxigraph``), beside this Python or on PATH."""
    import shutil

    beside = os.path.join(os.path.dirname(sys.executable), "oxigraph")
    return beside if os.path.isfile(beside) else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_store_server(store: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = oxigraph_server_binary()
    if binary is None:
        raise InputError("kb serve --workers on a store folder needs the Oxigraph server: pip install 'oxigraph>=0.5,<0.6'")
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--location", store, "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = (process.stderr.read() if process.stderr else b"").decode("utf-8", "replace").strip()
            raise StoreError(f"the Oxigraph server could not open {store}: {message.splitlines()[-1] if message else 'it stopped'}")
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise StoreError(f"the Oxigraph server did not open {store} within 60 s")


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _shared_paths(store: str) -> dict[str, str]:
    """Where every worker finds the index, the history and the write lock."""
    from kb.browse.index import index_path
    from kb.store.beside import beside
    from kb.writing.history import history_location

    return {"KB_BROWSE_INDEX": index_path(store), "KB_HISTORY": history_location(store),
            "KB_WRITE_LOCK": beside(store, "write.lock")}


def serve_workers(args: argparse.Namespace, token: str | None) -> int:
    """The parent: prepare the store, start its server, the socket and the workers; wait."""
    from kb.store import is_remote

    from .cli import demo_files

    if args.workers < 1:
        raise InputError("--workers needs at least 1")
    read_only = bool(getattr(args, "read_only", False))
    local = not is_remote(args.store)
    store = os.path.abspath(args.store) if local else args.store
    with KnowledgeBase(store) as knowledge:  # create or upgrade it, record its base IRI, build the index
        base = knowledge.base_iri
        if args.demo:
            print(f"kb: demo data: {knowledge.ingest_files(demo_files()).totals()}", file=sys.stderr)
        from kb.browse import refresh_index

        refresh_index(knowledge)
    env = dict(os.environ, KB_BASE_IRI=base, **_shared_paths(store))
    # One session key for all workers: a login made through one is valid at every other.
    env.setdefault("SECRET_KEY", secrets.token_hex(32))
    store_server: subprocess.Popen[bytes] | None = None
    children: list[subprocess.Popen[bytes]] = []
    sock = _listen(args.host, args.port)
    url = f"http://{args.host if ':' not in args.host else '[' + args.host + ']'}:{sock.getsockname()[1]}/"
    secret = None
    try:
        env["KB_STORE"] = store
        if local:
            store_server, env["KB_STORE"] = _start_store_server(store)
            for name in ("KB_STORE_QUERY", "KB_STORE_UPDATE", "KB_STORE_UNION", "KB_STORE_TOKEN"):
                env.pop(name, None)
        if local and not read_only:
            from kb.service import announce

            from .security import issue_shared_login_link

            own = url.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://[::1]:")
            secret = announce(store, own)  # `kb ingest` on this store is routed to the workers
            env["KB_SERVICE_SECRET"] = secret
            token = token or secret
            env["KB_LOGIN_ONCE_FILE"] = login_file = os.path.join(store, "login.once")
            link = f"{own}login/once/{issue_shared_login_link(login_file)}"
        if token and not read_only:
            env["KB_WRITE_TOKEN"] = token
        env[LISTEN_FD] = str(sock.fileno())
        command = [sys.executable, "-m", "web.workers", "--threads", str(args.threads)]
        for _ in range(args.workers):
            children.append(subprocess.Popen(command, env=env, pass_fds=(sock.fileno(),)))
        writes = "writes enabled (token)" if token else "read-only"
        print(f"kb: serving {args.store} at {url} with {args.workers} worker processes ({writes}); Ctrl-C stops",
              file=sys.stderr, flush=True)
        if secret is not None:
            print(f"kb: to add and correct articles from this browser, open (once) {link}", file=sys.stderr, flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("kb: a worker stopped; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        sock.close()
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        if store_server is not None:
            store_server.terminate()
            store_server.wait(timeout=30)
        if secret is not None:
            from kb.service import withdraw

            withdraw(store)
            if os.path.exists(os.path.join(store, "login.once")):
                os.unlink(os.path.join(store, "login.once"))


def _sync_index(knowledge: KnowledgeBase, every: float) -> None:
    """Catch the browse index up with writes made by other machines (``KB_INDEX_SYNC``)."""
    from kb.browse import refresh_index
    from kb.errors import KBError

    while True:
        time.sleep(every)
        try:
            refresh_index(knowledge)
        except KBError as err:  # the store is unreachable for now: the next round tries again
            print(f"kb: browse index sync: {err}", file=sys.stderr)


def _worker(threads: int) -> None:
    """One worker: the app over the shared store, serving on the inherited socket."""
    import waitress

    from . import create_app

    location = os.environ["KB_STORE"]
    knowledge = SharedWriterKB(location, lock_path=os.environ["KB_WRITE_LOCK"])
    config: dict[str, Any] = {"KB": knowledge, "KB_STORE": location}
    if os.environ.get("KB_WRITE_TOKEN"):
        config["KB_WRITE_TOKEN"] = os.environ["KB_WRITE_TOKEN"]
    app = create_app(config)
    if os.environ.get("KB_SERVICE_SECRET"):
        app.config["KB_SERVICE_SECRET"] = os.environ["KB_SERVICE_SECRET"]
    if os.environ.get("KB_LOGIN_ONCE_FILE"):
        app.config["KB_LOGIN_ONCE_FILE"] = os.environ["KB_LOGIN_ONCE_FILE"]
    pid = str(os.getpid())

    @app.after_request
    def name_the_worker(response: Any) -> Any:
        response.headers["X-KB-Worker"] = pid
        return response

    every = float(os.environ.get("KB_INDEX_SYNC") or 0)
    if every > 0:
        threading.Thread(target=_sync_index, args=(knowledge, every), name="kb-index-sync", daemon=True).start()
    sock = socket.socket(fileno=int(os.environ[LISTEN_FD]))
    server = waitress.create_server(app, sockets=[sock], threads=threads, ident="claimkb",
                                    clear_untrusted_proxy_headers=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        knowledge.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m web.workers")
    parser.add_argument("--threads", type=int, default=8)
    _worker(parser.parse_args().threads)
