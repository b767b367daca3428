"""Shared fixtures. Web fixtures: a store holding the seed (when ../shared is present) and the demo data.

The session store is built once and only read; tests that write get ``fresh_web``,
a store of their own holding the demo data only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
for path in (str(ROOT), str(TESTS)):
    if path not in sys.path:
        sys.path.insert(0, path)

WRITE_TOKEN = "test-write-token"


def _demo_files() -> list[str]:
    from web.cli import demo_files

    return demo_files()


@pytest.fixture(autouse=True, scope="session")
def user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """kb keeps a SPARQL server's history and indexes in the user's data and cache folders
    (kb/store/beside.py): the tests' go to folders of their own, and so do their servers'."""
    import os

    saved = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME")}
    base = tmp_path_factory.mktemp("user")
    os.environ["XDG_DATA_HOME"] = str(base / "data")
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True, scope="session")
def shared_data_beside_the_checkout() -> None:
    """The tests read the seed (and PolNeAR, the CLEF claims) from ../shared: without it, every test
    fails here, loudly, instead of skipping."""
    from gold import SEED_AVAILABLE, SHARED

    assert SEED_AVAILABLE, f"{SHARED}/seed is missing: the tests need ../shared beside the checkout"


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A KnowledgeBase with the demo data and, when available, the seed article (read-only use)."""
    import kb
    from gold import SEED_AVAILABLE, seed_record

    location = tmp_path_factory.mktemp("web-store")
    knowledge = kb.KnowledgeBase(location, query_timeout=5.0, max_rows=1000)
    knowledge.ingest_files(_demo_files())
    if SEED_AVAILABLE:
        knowledge.ingest_record(seed_record(), name="seed.json")
    knowledge.has_seed = SEED_AVAILABLE  # type: ignore[attr-defined]
    yield knowledge
    knowledge.close()


def _app(knowledge: Any, **extra: Any) -> Any:
    from web import create_app

    config = {"TESTING": True, "KB": knowledge, "KB_WRITE_TOKEN": WRITE_TOKEN, "SECRET_KEY": "test-secret"}
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session")
def web_app(web_store: Any) -> Any:
    return _app(web_store)


@pytest.fixture()
def client(web_app: Any) -> Any:
    return web_app.test_client()


@pytest.fixture()
def fresh_web(tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """(app, KnowledgeBase) over a new store with the demo data: for tests that write."""
    import kb

    knowledge = kb.KnowledgeBase(tmp_path / "store", query_timeout=5.0)
    knowledge.ingest_files(_demo_files())
    yield _app(knowledge), knowledge
    knowledge.close()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Virtuoso (tests/behaviour.py starts it) for the whole session: here, not in behaviour.py,
    because every module that star-imports a fixture gets a session of its own (and a server of its own)."""
    from behaviour import start_virtuoso

    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()
