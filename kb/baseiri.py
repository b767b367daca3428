"""The deployment's own IRIs: which base a store's minted IRIs use, and keeping it fixed.

A newsroom hosting kb at https://news.example/kb/ sets ``KB_BASE_IRI`` (or
``kb --base-iri``) to ``https://news.example/kb/id/`` so that every claim,
person and document IRI dereferences at its own server (``/id/...``). The
store folder records the base it was written with (the file ``base-iri``); a
store written before that record existed used the default. Opening a store
with another base is refused: its IRIs would silently split into two namespaces.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from . import iris
from .errors import InputError, StoreError
from .vocab import ID_BASE

__all__ = ["requested", "resolve", "record", "BASE_FILE"]

BASE_FILE = "base-iri"


def requested() -> str | None:
    """``$KB_BASE_IRI`` (``kb --base-iri`` sets it), checked; None when unset."""
    value = (os.environ.get("KB_BASE_IRI") or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or not value.endswith(("/", "#")) \
            or any(c in value for c in ' <>"{}|\\^`'):
        raise InputError(f"KB_BASE_IRI {value!r} is not an http(s) IRI ending in '/' or '#' "
                         "(e.g. https://news.example/kb/id/)")
    return value


def _recorded(location: str) -> str | None:
    try:
        with open(os.path.join(location, BASE_FILE), encoding="utf-8") as f:
            return f.read().strip() or None
    except FileNotFoundError:
        # A store written before kb recorded its base used the default one.
        return ID_BASE if os.path.exists(os.path.join(location, "CURRENT")) else None
    except OSError as err:
        raise StoreError(f"cannot read {os.path.join(location, BASE_FILE)}: {err.strerror}") from None


def resolve(location: str, *, embedded: bool) -> str:
    """The base for this store, made current in :mod:`kb.iris`; refuse a mismatch."""
    wanted = requested()
    have = _recorded(location) if embedded else None
    if wanted and have and wanted != have:
        raise StoreError(f"the store at {location} was written with base IRI {have}, not {wanted}: "
                         f"open it with KB_BASE_IRI={have} (or --base-iri), or use another store")
    chosen = wanted or have or ID_BASE
    iris.set_base(chosen)
    return chosen


def record(location: str, base: str) -> None:
    """Write the base into a writable embedded store's folder, once."""
    path = os.path.join(location, BASE_FILE)
    if os.path.exists(path) or not os.path.isdir(location):
        return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(base + "\n")
    os.replace(tmp, path)
