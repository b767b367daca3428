"""/sparql (SPARQL 1.1 Protocol), the YASGUI workbench, and its completion API."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for

import kb
from kb import browse
from kb.formats import RDF_FORMATS

from ..app import get_kb
from ..security import is_authenticated, writes_enabled

bp = Blueprint("sparql", __name__)

#: SELECT/ASK result formats: media type → kb result format name.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RESULT_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
RDF_TYPES = {spec[0]: name for name, spec in RDF_FORMATS.items()}
_FORMAT_PARAM = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
                 **{name: name for name in RDF_FORMATS}, "ttl": "turtle", "n-triples": "nt", "json-ld": "jsonld"}
_FORM = "application/x-www-form-urlencoded"


def _params() -> tuple[dict[str, list[str]], str | None]:
    """The protocol parameters (URL and form) and the query or update text of a direct POST."""
    url = parse_qs(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if request.method == "GET":
        return url, None
    if request.content_length and request.content_length > current_app.config["KB_SPARQL_MAX_BODY"]:
        abort(413, f"the request body is larger than {current_app.config['KB_SPARQL_MAX_BODY'] // 1024} KB")
    raw_type = request.headers.get("Content-Type", "")
    ctype = (request.mimetype or "").lower()
    if not raw_type or not ctype or "/" not in ctype or ctype.count("/") != 1 or " " in ctype:
        abort(415, "a POST to /sparql needs a Content-Type: application/sparql-query, "
                   "application/sparql-update or application/x-www-form-urlencoded")
    body = request.get_data(cache=True)
    if len(body) > current_app.config["KB_SPARQL_MAX_BODY"]:
        abort(413, "the request body is too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        abort(400, "the request body is not UTF-8")
    if ctype == _FORM:
        form = parse_qs(text, keep_blank_values=True)
        for key, values in form.items():
            url.setdefault(key, []).extend(values)
        return url, None
    if ctype in ("application/sparql-query", "application/sparql-update"):
        return url, text
    abort(415, f"unsupported Content-Type {ctype!r} (use application/sparql-query, "
               "application/sparql-update or application/x-www-form-urlencoded)")


def _formats(params: dict[str, list[str]]) -> tuple[str, str]:
    """The result format for SELECT/ASK and for CONSTRUCT/DESCRIBE: the ``format`` parameter, else Accept."""
    wanted = (params.get("format") or params.get("output") or [""])[0].lower()
    if wanted:
        if wanted in _FORMAT_PARAM:
            fmt = _FORMAT_PARAM[wanted]
            return (fmt, "turtle") if fmt in RESULT_MEDIA else ("json", fmt)
        if wanted in RESULT_TYPES:
            return RESULT_TYPES[wanted], "turtle"
        if wanted in RDF_TYPES:
            return "json", RDF_TYPES[wanted]
        abort(400, f"unknown format {wanted!r} (use json, xml, csv, tsv or an RDF format)")
    accept = request.accept_mimetypes
    select = RESULT_TYPES.get(accept.best_match(list(RESULT_TYPES)) or "", "json") if accept else "json"
    rdf = RDF_TYPES.get(accept.best_match(list(RDF_TYPES)) or "", "turtle") if accept else "turtle"
    return select, rdf


@bp.route("/sparql", methods=["GET", "POST"], endpoint="endpoint")
def endpoint() -> Any:
    params, direct = _params()
    ctype = (request.mimetype or "").lower() if request.method == "POST" else ""
    queries = params.get("query", [])
    updates = params.get("update", [])
    if ctype == "application/sparql-update":
        updates = [direct or ""]
    elif ctype == "application/sparql-query":
        if queries:
            abort(400, "a direct POST carries the query in its body, not also in a 'query' parameter")
        queries = [direct or ""]
    if updates:
        if queries:
            abort(400, "send either a query or an update, not both")
        return _update(updates)
    if not queries:
        if request.method == "GET" and request.accept_mimetypes.best == "text/html":
            return redirect(url_for("sparql.workbench"))
        abort(400, "give exactly one 'query' parameter (none was given)")
    if len(queries) > 1:
        abort(400, f"give exactly one 'query' parameter ({len(queries)} were given)")
    query = queries[0]
    if not query.strip():
        abort(400, "the query is empty")
    select_fmt, rdf_fmt = _formats(params)
    options: dict[str, Any] = {
        "default_graphs": params.get("default-graph-uri") or None,
        "named_graphs": params.get("named-graph-uri") or None,
        "timeout": current_app.config["KB_QUERY_TIMEOUT"],
        "max_rows": current_app.config["KB_MAX_ROWS"],
    }
    knowledge = get_kb()
    try:
        outcome = knowledge.query(query, result_format=select_fmt, **options)
    except kb.UnknownFormatError:
        # CONSTRUCT and DESCRIBE answer in an RDF format; kb checks the form before running anything.
        outcome = knowledge.query(query, result_format=rdf_fmt, **options)
    if outcome.form in ("SELECT", "ASK"):
        media = RESULT_MEDIA[outcome.result_format]
    else:
        media = RDF_FORMATS[outcome.result_format][0]
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    response = Response(outcome.body, content_type=media + charset)
    response.headers["X-KB-Rows"] = str(outcome.rows)
    response.headers["X-KB-Truncated"] = "true" if outcome.truncated else "false"
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "no-store"
    return response


def _update(updates: list[str]) -> Any:
    if len(updates) > 1:
        abort(400, f"give exactly one 'update' parameter ({len(updates)} were given)")
    if not writes_enabled():
        abort(403, "SPARQL Update is disabled on this server (set KB_WRITE_TOKEN to enable writes)")
    if not is_authenticated():
        abort(401, "SPARQL Update needs the write token as an 'Authorization: Bearer' header")
    knowledge = get_kb()
    try:
        result = knowledge.update(updates[0])
    except ImportError:
        abort(501, "SPARQL Update is not available in this version of kb")
    browse.refresh_index(knowledge, force=True)
    return jsonify({"status": "ok", "summary": result.summary(), "triples": result.triples,
                    "graphs": {str(g): s for g, s in result.graphs.items()}})


# -- the workbench -------------------------------------------------------------------
@bp.get("/workbench")
def workbench() -> str:
    return render_template("workbench.html", queries=browse.CANNED_QUERIES)


@bp.get("/api/sparql/prefixes")
def prefixes() -> Response:
    return jsonify(browse.prefixes())


@bp.get("/api/sparql/complete")
def complete() -> Response:
    kind = request.args.get("type", "property")
    if kind not in ("class", "property"):
        abort(400, "type must be 'class' or 'property'")
    return jsonify(browse.completions(get_kb(), kind, request.args.get("q", "")[:200]))


@bp.get("/api/sparql/examples")
def examples() -> Response:
    return jsonify([{"id": q.id, "title": q.title, "question": q.question, "query": q.text}
                    for q in browse.CANNED_QUERIES])
