"""The claimkb web UI: a Flask app over :class:`kb.KnowledgeBase`.

``create_app()`` reads its settings when called (never at import time)::

    KB_STORE        store folder or SPARQL endpoint URL (default ./kb-data)
    KB_WRITE_TOKEN  enables writes (ingest, SPARQL Update) for whoever presents it
    SECRET_KEY      signs session cookies (a random one is made if unset)
    KB_QUERY_TIMEOUT, KB_MAX_ROWS, KB_MAX_UPLOAD_MB   limits of /sparql and uploads
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["create_app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Any:
    from .app import build_app

    return build_app(test_config)
