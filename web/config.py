"""Settings, read from the environment when the app is created."""

from __future__ import annotations

import os
import secrets
from typing import Any, Mapping


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def load_config(test_config: Mapping[str, Any] | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "KB_STORE": os.environ.get("KB_STORE") or "./kb-data",
        "KB_WRITE_TOKEN": os.environ.get("KB_WRITE_TOKEN") or "",
        # A random key means sessions (logins) do not survive a restart: safe by default.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        "KB_QUERY_TIMEOUT": _float("KB_QUERY_TIMEOUT", 10.0),
        "KB_MAX_ROWS": int(_float("KB_MAX_ROWS", 10_000)),
        "MAX_CONTENT_LENGTH": int(_float("KB_MAX_UPLOAD_MB", 16) * 1024 * 1024),
        "KB_SPARQL_MAX_BODY": 512 * 1024,
        # Queries that run at once (0: kb.querying.sandbox.default_workers(), twice the cores, at least 4).
        "KB_QUERY_WORKERS": int(_float("KB_QUERY_WORKERS", 0)) or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "kb_session",
        # How many reverse proxies in front may set X-Forwarded-For/-Proto/-Host (0: trust none).
        "KB_PROXY_HOPS": int(_float("KB_PROXY_HOPS", 0)),
        # Access-Control-Allow-Origin of /sparql query answers ("": no CORS).
        "KB_CORS_ORIGIN": os.environ.get("KB_CORS_ORIGIN", "*"),
        "JSON_SORT_KEYS": False,
    }
    if test_config:
        config.update(test_config)
    return config
