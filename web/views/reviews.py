"""The reviews page (``/reviews``, ``.json``, ``.csv``: every stored fact-check, faceted by fact-checker,
verdict, rating and year; the JSON's keys are in :mod:`kb.browse.reviews`), and the ClaimReview feeds:
every fact-check in the knowledge base, or of one speaker's claims, as the JSON-LD fact-checkers publish
and search engines read (``kb.importing.claimreview.feed_json``, the same bytes as
``kb export --format claimreview``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from kb.browse.reviews import ReviewFilter, list_reviews
from kb.importing.claimreview import feed_json
from kb.formats import EXPORT_FORMATS
from kb.vocab import ID_BASE

from ..app import get_kb
from ..listing import csv_response, facet_size, int_arg, json_response
from ..urls import reviews_url
from .claims import page_numbers

bp = Blueprint("reviews", __name__)

_MEDIA = EXPORT_FORMATS["claimreview"][0]


def _feed(body: bytes) -> Response:
    response = Response(body, mimetype=_MEDIA)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/reviews/feed.jsonld")
def feed() -> Response:
    """Every review in the knowledge base."""
    return _feed(feed_json(get_kb()))


# A static last segment: Werkzeug ranks it above the linked-data catch-all /id/<path:path>.
@bp.get("/id/<any(person, org):kind>/<name>/claimreview.jsonld")
def speaker_feed(kind: str, name: str) -> Response:
    """The reviews of one person's or organization's claims (404 for an unknown speaker)."""
    return _feed(feed_json(get_kb(), speaker=f"{ID_BASE}{kind}/{name}"))


CSV_COLUMNS = ["iri", "date", "checker_name", "checker", "verdict", "rating", "claim_reviewed", "headline", "url",
               "claim"]


@bp.get("/reviews", defaults={"ext": None})
@bp.get("/reviews.<any(json, csv):ext>")
def reviews(ext: str | None) -> Any:
    """Every stored review, newest first, with facets; each facet value links to the list it filters."""
    f = ReviewFilter.from_args(request.args)
    limit = int_arg("limit", 25)
    size = facet_size()
    page = list_reviews(get_kb(), f, page=int_arg("page", 1), limit=limit, facet_size=size)
    if ext == "csv":  # the page, as /claims.csv (limit up to 500)
        return csv_response((r.as_dict() for r in page.reviews), CSV_COLUMNS, "reviews.csv")
    params: dict[str, Any] = {**f.active(), "limit": limit if limit != 25 else None,
                              "_facet_size": request.args.get("_facet_size") or None}
    next_url = reviews_url(ext, **params, page=page.page + 1) if page.page < page.pages else None
    if ext == "json":
        body = page.as_dict()
        items = body.pop("items")
        return json_response(items, next_url=next_url, **body)
    return render_template(
        "reviews.html", page=page, f=f, params=params, next_url=next_url,
        first_url=reviews_url(**params) if page.page > 1 else None, numbers=page_numbers(page.page, page.pages),
        json_url=reviews_url("json", **params), csv_url=reviews_url("csv", **params),
    )
