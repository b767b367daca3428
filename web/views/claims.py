"""The claims list: search, facets, sorting, keyset pages; as HTML, JSON and CSV."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from kb import browse

from ..app import get_kb
from ..listing import csv_response, json_response
from ..urls import claims_url

bp = Blueprint("claims", __name__)

CSV_COLUMNS = ["iri", "date", "kind", "speaker_name", "speaker", "text", "doc", "doc_title", "outlet_name",
               "via_name", "verdict"]


def _limit() -> int:
    try:
        return int(request.args.get("limit", 25))
    except ValueError:
        return 25


@bp.get("/claims")
def claims() -> object:
    return _claims(None)


def _claims(ext: str | None) -> object:
    knowledge = get_kb()
    f = browse.ClaimFilter.from_args(request.args)
    limit = _limit()
    page = browse.list_claims(knowledge, f, after=request.args.get("after"), limit=limit)
    params = {**f.active(), "sort": f.sort if f.sort != "newest" else None}
    endpoint = {"json": "claims.claims_json", "csv": "claims.claims_csv"}.get(ext or "", "claims.claims")
    next_url = claims_url(endpoint, **params, after=page.next_cursor, limit=limit if limit != 25 else None) \
        if page.next_cursor else None
    items = [c.as_dict() for c in page.claims]
    if ext == "json":
        return json_response(items, next_url=next_url, total=page.total, filter=f.active(), sort=f.sort)
    if ext == "csv":
        return csv_response(items, CSV_COLUMNS, "claims.csv")
    facets = browse.facets(knowledge, f)
    return render_template(
        "claims.html", page=page, f=f, facets=facets, next_url=next_url, params=params,
        first_url=claims_url(**params) if request.args.get("after") else None,
        json_url=claims_url("claims.claims_json", **params), csv_url=claims_url("claims.claims_csv", **params),
    )


# Named endpoints for the .json and .csv variants, so urls.claims_url can build them.
@bp.get("/claims.json", endpoint="claims_json")
def claims_json() -> object:
    return _claims("json")


@bp.get("/claims.csv", endpoint="claims_csv")
def claims_csv() -> object:
    return _claims("csv")
