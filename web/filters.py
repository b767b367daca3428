"""Jinja filters: short IRIs, dates, numbers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kb.browse import short_iri

#: The only schemes stored URLs may link to: a document's url of ``javascript:...`` stays text.
LINK_SCHEMES = ("http", "https", "mailto")

KIND_LABELS = {
    "direct-quote": "direct quote",
    "partial-quote": "partial quote",
    "paraphrase": "paraphrase",
    "reported-fact": "reported fact",
}


def thousands(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def linkable(url: Any) -> bool:
    """True for an http, https or mailto URL (browsers drop tabs and newlines, and so do we)."""
    if not isinstance(url, str):
        return False
    cleaned = "".join(c for c in url if c not in "\t\n\r").strip()
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES and not any(ord(c) < 32 for c in cleaned)


def register(app: Any) -> None:
    app.jinja_env.filters.update(
        short_iri=short_iri,
        kind_label=lambda k: KIND_LABELS.get(k, k or "—"),
        thousands=thousands,
        linkable=linkable,
    )
    app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS)
