"""One browse index per open knowledge base, and the hook that keeps it current."""

from __future__ import annotations

import threading
import weakref
from typing import Any, Iterable

from .index import BrowseIndex

__all__ = ["get_index", "refresh_index", "cached", "keep_reviews_warm", "close_index", "warm"]

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


def close_index(kb: Any) -> None:
    """Forget ``kb``'s browse index and close its connections (``KnowledgeBase.close``)."""
    with _lock:
        index = _indexes.pop(kb, None)
    if index is not None:
        index.close()


def refresh_index(kb: Any, *, force: bool = False, graphs: Iterable[str] | None = None) -> bool:
    """Bring the browse index in step with the store after a write; returns whether it changed.

    Call it after every ingest (``kb ingest`` and the web app do); ``force``
    after a SPARQL Update, which can change graphs without new provenance; ``graphs``:
    the graphs the write changed, when known (then only theirs are compared).
    """
    index = _indexes.get(kb)
    if index is None:
        index = get_index(kb)
        if not force:
            return True
    changed = index.sync(force=force, graphs=graphs)
    if changed and (getattr(index, "_facet_columns", None) is not None or kb in _reviews_read):
        # A long-running process (the web app) has been counting facets or listing reviews:
        # rebuild the in-memory facet columns, the unfiltered facets and the review rows now, off
        # the request path (~0.7 s at 100k claims, ~1 s at 10k reviews), so the first claims or
        # reviews page after a write does not pay for them.
        warm(kb)
    return changed


#: The knowledge bases whose reviews this process has listed (:func:`keep_reviews_warm`).
_reviews_read: "weakref.WeakSet[Any]" = weakref.WeakSet()


def keep_reviews_warm(kb: Any) -> None:
    """From now on, read ``kb``'s reviews again in the background after each write."""
    _reviews_read.add(kb)


def warm(kb: Any, *, facets: bool = False) -> None:
    """Compute, in a thread beside the caller, what the next pages would otherwise compute: the
    unfiltered facets (with ``facets``, or once this process has counted facets) and the review
    rows (once it has listed reviews). A warm-up only: a page asked for meanwhile computes its own."""
    threading.Thread(target=_warm, args=(kb, facets), name="kb-browse-warm", daemon=True).start()


def _warm(kb: Any, facets_too: bool) -> None:
    from .claims import ClaimFilter
    from .facets import facets
    from .reviews import all_reviews

    try:
        if facets_too or getattr(_indexes.get(kb), "_facet_columns", None) is not None:
            facets(kb, ClaimFilter())
        if kb in _reviews_read:
            all_reviews(kb)
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
