"""/reconcile: the W3C Entity Reconciliation API (0.2), so OpenRefine can match a column of names
to kb's people and organizations.

- ``GET /reconcile`` — the service manifest;
- ``POST /reconcile`` (or GET) with the form field ``queries`` — a batch of queries, answered by
  :func:`kb.tracking.reconcile.reconcile`; the older single ``query`` field is answered too;
- ``POST /reconcile`` (or GET) with the form field ``extend`` — data extension: property values of
  reconciled ids, answered by :func:`kb.tracking.extend.extend`;
- ``GET /reconcile/properties?type=…&limit=…`` — the properties data extension proposes for a type;
- ``GET /reconcile/suggest/{entity,type,property}?prefix=…&cursor=…`` — auto-completion;
- ``GET /reconcile/view/<id>`` — the manifest's view template: to the entity's page.

Every answer carries ``Access-Control-Allow-Origin: *`` (the spec requires CORS) and, with a
``callback`` parameter, comes as JSONP. These are reads: no session, no CSRF token.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from kb import KBError, iris
from kb.errors import InputError, ParseError
from kb.tracking import extend as E
from kb.tracking import reconcile as R

from ..app import get_kb
from ..security import status_of
from ..urls import resource_url

bp = Blueprint("reconcile", __name__)

# A JavaScript function name (dotted path allowed, as jQuery's): anything else could inject script.
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
MAX_SUGGEST = 50


def _callback() -> str | None:
    name = request.values.get("callback", "")
    if not name:
        return None
    if len(name) > 100 or not _CALLBACK.match(name):
        raise InputError("callback must be a JavaScript function name (letters, digits, _, $ and dots)")
    return name


def _answer(body: Any) -> ResponseReturnValue:
    """JSON, or JSONP when a callback is named."""
    name = _callback()
    if name is None:
        return jsonify(body)
    text = json.dumps(body, ensure_ascii=False)
    # The comment keeps a callback that is a known JSON-in-Flash trick from starting the body.
    return Response(f"/**/{name}({text});", mimetype="application/javascript")


def _json_field(name: str) -> Any:
    raw = request.values.get(name, "")
    try:
        return json.loads(raw)
    except ValueError as err:
        raise ParseError(f"{name} is not valid JSON: {err}") from None


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}, not {value}")
    return value


def manifest() -> dict[str, Any]:
    service = url_for("reconcile.service", _external=True)
    suggest = {kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
               for kind in ("entity", "type", "property")}
    return {
        "versions": ["0.2"],
        "name": "kb: people and organizations",
        "identifierSpace": iris.base(),
        "schemaSpace": R.SCHEMA_SPACE,
        "defaultTypes": [{"id": t, "name": n} for t, n in R.TYPES.items() if n in ("Person", "Organization")],
        # An id is relative to identifierSpace (person/esmail-qaani), or a full IRI for entities an
        # input named itself: the view route sends either to its page.
        "view": {"url": service + "/view/{{id}}"},
        "suggest": suggest,
        "batchSize": R.MAX_BATCH,
        "extend": {"propose_properties": {"service_url": service, "service_path": "/properties"},
                   "property_settings": E.PROPERTY_SETTINGS},
    }


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> ResponseReturnValue:
    if "extend" in request.values:
        return _answer(E.extend(get_kb(), E.parse_extend(_json_field("extend"))))
    if "queries" in request.values:
        return _answer(R.reconcile_batch(get_kb(), R.parse_batch(_json_field("queries"))))
    if "query" in request.values:  # version 0.1's single query: a name, or a query object
        raw = request.values["query"]
        single = _json_field("query") if raw.lstrip().startswith("{") else raw
        return _answer(R.reconcile_batch(get_kb(), {"q": R.parse_query(single)})["q"])
    return _answer(manifest())


@bp.get("/reconcile/properties")
def propose_properties() -> ResponseReturnValue:
    limit = _int("limit", 0, 0, 1000)
    return _answer(E.propose_properties(request.args.get("type", ""), limit))


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> ResponseReturnValue:
    types = [t for t in request.args.getlist("type") if t]
    found = R.suggest_entities(get_kb(), request.args.get("prefix", ""), types,
                               cursor=_int("cursor", 0, 0, 10_000), limit=_int("limit", 10, 1, MAX_SUGGEST))
    return _answer({"result": found})


@bp.get("/reconcile/suggest/type")
def suggest_type() -> ResponseReturnValue:
    return _answer({"result": R.suggest_types(request.args.get("prefix", ""))})


@bp.get("/reconcile/suggest/property")
def suggest_property() -> ResponseReturnValue:
    return _answer({"result": R.suggest_properties(request.args.get("prefix", ""))})


@bp.get("/reconcile/view/<path:entity>")
def view(entity: str) -> ResponseReturnValue:
    # A proxy that merges slashes turns the "//" of a full IRI id into "/": put it back.
    entity = re.sub(r"^(https?):/(?!/)", r"\1://", entity)
    return redirect(resource_url(R.iri_of(entity)), code=303)


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    # JSONP is loaded by a <script> of another origin: the app's default same-origin policy would block it.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.errorhandler(KBError)
def kb_error(err: KBError) -> ResponseReturnValue:
    status = status_of(err)
    return jsonify({"error": str(err), "status": status}), status


@bp.errorhandler(HTTPException)
def http_error(err: HTTPException) -> ResponseReturnValue:
    status = err.code or 500
    return jsonify({"error": err.description or err.name, "status": status}), status
