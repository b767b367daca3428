"""Every list page also answers as .json and .csv: one helper for both."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence, TypeVar

from flask import Response, jsonify, request

from kb.errors import InputError

_D = TypeVar("_D", int, None)


def csv_response(rows: Iterable[dict[str, Any]], columns: Sequence[str], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _safe(str(row.get(c))) for c in columns])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _safe(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheets (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def json_response(items: list[dict[str, Any]], *, next_url: str | None, **meta: Any) -> Response:
    return jsonify({**meta, "count": len(items), "next": next_url, "items": items})


def int_arg(name: str, default: _D) -> int | _D:
    """A whole-number query argument (``?page=2``), ``default`` when absent; anything else is a 400."""
    value = request.args.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a whole number") from None


def facet_size() -> int | None:
    """``?_facet_size=N`` values per facet (default 10), or ``max`` for every value (as in Datasette)."""
    if request.args.get("_facet_size", "").strip() == "max":
        return None
    size = int_arg("_facet_size", 10)
    if size < 1:
        raise InputError("_facet_size: use a number from 1, or max")
    return size

