"""The claims list: search, facets, sorting, keyset and numbered pages; as HTML, JSON and CSV.

Each facet also has a page of its own with every value ("show more"), in the same three forms.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from kb import browse

from ..app import get_kb
from ..listing import csv_response, facet_size, int_arg, json_response
from ..urls import claims_url

bp = Blueprint("claims", __name__)

CSV_COLUMNS = ["iri", "date", "kind", "speaker_name", "speaker", "text", "doc", "doc_title", "outlet_name",
               "via_name", "verdict"]


@bp.get("/claims", defaults={"ext": None})
@bp.get("/claims.<any(json, csv):ext>")
def claims(ext: str | None) -> Any:
    knowledge = get_kb()
    f = browse.ClaimFilter.from_args(request.args)
    limit = int_arg("limit", 25) or 25
    number = int_arg("page", None)
    page = browse.list_claims(knowledge, f, after=request.args.get("after"), page=number, limit=limit)
    params: dict[str, Any] = {**f.active(), "sort": f.sort if f.sort != "newest" else None,
                              "limit": limit if limit != 25 else None}
    next_url = claims_url(ext=ext, **params, after=page.next_cursor) if page.next_cursor else None
    items = [c.as_dict() for c in page.claims]
    if ext == "json":
        return json_response(items, next_url=next_url, total=page.total, page=page.page, pages=page.pages,
                             filter=f.active(), sort=f.sort)
    if ext == "csv":
        return csv_response(items, CSV_COLUMNS, "claims.csv")
    return render_template(
        "claims.html", page=page, f=f, facets=browse.facets(knowledge, f, size=facet_size()), next_url=next_url,
        params=params,
        first_url=claims_url(**params) if page.page > 1 else None, numbers=page_numbers(page.page, page.pages),
        json_url=claims_url(ext="json", **params), csv_url=claims_url(ext="csv", **params),
    )


def page_numbers(current: int, pages: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last, and ``around`` either side of the current (None: a gap)."""
    shown = sorted({1, pages, *range(max(1, current - around), min(pages, current + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/claims/facets/<key>", defaults={"ext": None})
@bp.get("/claims/facets/<key>.<any(json, csv):ext>")
def facet(key: str, ext: str | None) -> Any:
    """Every value of one facet, with its count, under the list's filters ("show more")."""
    if key not in browse.FACET_KEYS:
        abort(404, f"there is no facet {key!r} (facets: {', '.join(browse.FACET_KEYS)})")
    f = browse.ClaimFilter.from_args(request.args)
    found, counted = browse.facet(get_kb(), f, key)
    items = [{"value": v.value, "label": v.label, "count": v.count} for v in found.values]
    if ext == "json":
        return json_response(items, next_url=None, facet=key, title=found.title, filter=f.active(),
                             matches=counted.matches, counted=counted.counted)
    if ext == "csv":
        return csv_response(items, ["value", "label", "count"], f"facet-{key}.csv")
    params = {**f.active(), "sort": f.sort if f.sort != "newest" else None}
    return render_template("facet.html", facet=found, counted=counted, f=f, params=params,
                           json_url=claims_url("claims.facet", key=key, ext="json", **params),
                           csv_url=claims_url("claims.facet", key=key, ext="csv", **params))
