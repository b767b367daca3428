"""ClaimReview feeds: every fact-check in the knowledge base, or of one speaker's claims, as the
JSON-LD fact-checkers publish and search engines read (``kb.importing.claimreview.feed_json``, the same
bytes as ``kb export --format claimreview``)."""

from __future__ import annotations

from flask import Blueprint, Response

from kb.importing.claimreview import feed_json
from kb.formats import EXPORT_FORMATS
from kb.vocab import ID_BASE

from ..app import get_kb

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
