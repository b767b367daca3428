"""/check: "has this been checked?" Paste a claim, get the stored fact-checks that best verify it."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from kb import matching
from kb.errors import InputError

from ..app import get_kb

bp = Blueprint("check", __name__)

MAX_TEXT = 5000  # characters: a claim or a tweet, not an article
MAX_TOP = 50


def _top() -> int:
    raw = request.args.get("top", "10")
    try:
        top = int(raw)
    except ValueError:
        raise InputError(f"top must be a whole number, not {raw!r}") from None
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"top must be between 1 and {MAX_TOP}, not {top}")
    return top


@bp.get("/check", defaults={"ext": None})
@bp.get("/check.<any(json):ext>")
def check(ext: str | None) -> ResponseReturnValue:
    text = " ".join(request.args.get("q", "").split())
    if len(text) > MAX_TEXT:
        raise InputError(f"the text is {len(text)} characters long; paste one claim (at most {MAX_TEXT})")
    top = _top()
    matches = matching.match(get_kb(), text, top) if text else []
    if ext == "json":
        return jsonify({"q": text, "top": top, "count": len(matches), "matches": [m.as_dict() for m in matches]})
    return render_template("check.html", q=text, top=top, matches=matches)
