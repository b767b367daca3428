"""One browse index per open knowledge base, and the hook that keeps it current."""

from __future__ import annotations

import threading
import weakref
from typing import Any

from .index import BrowseIndex

__all__ = ["get_index", "refresh_index", "cached"]

_indexes: "weakref.WeakKeyDictionary[Any, BrowseIndex]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def get_index(kb: Any) -> BrowseIndex:
    """The index of ``kb``, opened (and brought up to date) on first use."""
    index = _indexes.get(kb)
    if index is None:
        with _lock:
            index = _indexes.get(kb)
            if index is None:
                index = BrowseIndex(kb)
                index.sync()
                _indexes[kb] = index
    return index


def refresh_index(kb: Any, *, force: bool = False) -> bool:
    """Bring the browse index in step with the store after a write; returns whether it changed.

    Call it after every ingest (``kb ingest`` and the web app do); ``force``
    after a SPARQL Update, which can change graphs without new provenance.
    """
    index = _indexes.get(kb)
    if index is None:
        index = get_index(kb)
        if not force:
            return True
    changed = index.sync(force=force)
    if changed and getattr(index, "_facet_columns", None) is not None:
        # A long-running process (the web app) has been counting facets: rebuild the in-memory
        # facet columns and the unfiltered facets now, off the request path (~0.7 s at 100k claims),
        # so the first claims page after a write does not pay for them.
        threading.Thread(target=_warm_facets, args=(kb,), name="kb-facets-warm", daemon=True).start()
    return changed


def _warm_facets(kb: Any) -> None:
    from .claims import ClaimFilter
    from .facets import facets

    try:
        facets(kb, ClaimFilter())
    except Exception:  # noqa: BLE001 - a warm-up only: the next request computes them anyway
        pass


_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()


def cached(kb: Any, name: str, args: tuple[Any, ...], compute: Any) -> Any:
    """``compute()`` once per index version: derived data only changes when the store does."""
    index = get_index(kb)
    key = (index.path, index.version, name, args)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    value = compute()
    with _cache_lock:
        if len(_cache) > 1024:
            _cache.clear()
        _cache[key] = value
    return value
