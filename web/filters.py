"""Jinja filters: short IRIs, dates, numbers."""

from __future__ import annotations

from typing import Any

from kb.browse import short_iri

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


def register(app: Any) -> None:
    app.jinja_env.filters.update(
        short_iri=short_iri,
        kind_label=lambda k: KIND_LABELS.get(k, k or "—"),
        thousands=thousands,
    )
    app.jinja_env.globals.update(KIND_LABELS=KIND_LABELS)
