"""Home, speakers and documents."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for

from kb import browse

from ..app import get_kb
from ..charts import month_bars, ranked_bars
from ..listing import csv_response, json_response

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    data = browse.home(get_kb())
    return render_template("home.html", data=data, chart=month_bars(data.months),
                           speaker_chart=ranked_bars(data.speakers))


def _limit(default: int) -> int:
    try:
        return int(request.args.get("limit", default))
    except ValueError:
        return default


@bp.get("/speakers", defaults={"ext": None})
@bp.get("/speakers.<any(json, csv):ext>")
def speakers(ext: str | None) -> Any:
    q = request.args.get("q", "").strip()
    rows, cursor = browse.list_speakers(get_kb(), q=q, after=request.args.get("after"), limit=_limit(50))
    next_url = url_for("pages.speakers", ext=ext, q=q or None, after=cursor) if cursor else None
    items = [r.as_dict() for r in rows]
    if ext == "json":
        return json_response(items, next_url=next_url, q=q)
    if ext == "csv":
        return csv_response(items, ["iri", "name", "type", "claims", "first", "last"], "speakers.csv")
    return render_template("speakers.html", rows=rows, q=q, next_url=next_url)


@bp.get("/documents", defaults={"ext": None})
@bp.get("/documents.<any(json, csv):ext>")
def documents(ext: str | None) -> Any:
    rows, cursor = browse.list_documents(get_kb(), after=request.args.get("after"), limit=_limit(50))
    next_url = url_for("pages.documents", ext=ext, after=cursor) if cursor else None
    items = [r.as_dict() for r in rows]
    if ext == "json":
        return json_response(items, next_url=next_url)
    if ext == "csv":
        return csv_response(items, ["iri", "title", "date", "outlet", "outlet_name", "claims"], "documents.csv")
    return render_template("documents.html", rows=rows, next_url=next_url)
