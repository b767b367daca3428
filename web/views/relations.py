"""A claim's spread and relations: its ``.json`` page, and the form that relates it to another claim."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request
from flask.typing import ResponseReturnValue

import kb
from kb import iris
from kb.browse.detail import claim_detail, claim_json
from kb.tracking import RELATIONS, relate

from ..app import get_kb
from ..charts import spread_chart
from ..security import require_writer, wants_json, writer_agent
from ..urls import resource_url
from .resources import _gone_or_version

bp = Blueprint("relations", __name__)

_ACTIONS = {"assert": "asserted", "confirm": "confirmed", "reject": "rejected"}


@bp.app_context_processor
def _chart_helpers() -> dict[str, object]:
    """The claim page draws its quote's spread with this (web/templates/claim.html)."""
    return {"spread_chart": spread_chart, "relation_names": list(RELATIONS)}


@bp.get("/id/claim/<cid>.json")
def claim_page_json(cid: str) -> ResponseReturnValue:
    iri = iris.base() + "claim/" + cid
    knowledge = get_kb()
    try:
        detail = claim_detail(knowledge, iri)
    except kb.NotFoundError:
        gone: ResponseReturnValue = _gone_or_version(knowledge, iri + ".json", f"claim/{cid}.json")  # type: ignore[assignment]
        return gone
    return jsonify(claim_json(detail))


@bp.post("/id/claim/<cid>/relate")
@require_writer
def relate_claim(cid: str) -> ResponseReturnValue:
    """Assert, confirm or reject ``this claim RELATION other`` (the form on the claim page)."""
    iri = iris.base() + "claim/" + cid
    relation = request.form.get("relation", "")
    other = request.form.get("other", "").strip()
    action = request.form.get("action", "assert")
    if relation not in RELATIONS:
        raise kb.InputError(f"unknown relation {relation!r} (use one of: {', '.join(RELATIONS)})")
    if action not in _ACTIONS:
        raise kb.InputError(f"unknown action {action!r} (assert, confirm or reject)")
    if other and ":" not in other:
        other = iris.base() + "claim/" + other.rsplit("/", 1)[-1]
    if request.form.get("direction") == "from":
        src, dst = other, iri
    else:
        src, dst = iri, other
    done = relate(get_kb(), src, relation, dst, status=_ACTIONS[action], agent=writer_agent(),
                  reason=request.form.get("reason") or None)
    if wants_json():
        return jsonify({"relation": done.iri, "from": done.src, "type": relation, "to": done.dst,
                        "status": done.status, "by": done.agent, "when": done.when})
    return redirect(resource_url(iri) + "#related", code=303)
