"""/sparql (SPARQL 1.1 Protocol), the YASGUI workbench, and its completion API."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Response as BaseResponse

import kb
from kb import browse
from kb.formats import RDF_FORMATS, check_storable
from kb.querying.syntax import with_using

from ..app import get_kb
from ..security import is_authenticated, writer_agent, writes_enabled

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


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"], endpoint="endpoint")
def endpoint() -> Any:
    arrived = time.monotonic()  # the time limit counts from here, waiting for a worker included
    if request.method == "OPTIONS":
        return _cors(Response(status=204), preflight=True)
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
        if request.method != "POST":
            # A link (GET) must never change data: a cross-site page could make a logged-in browser follow it.
            raise MethodNotAllowed(valid_methods=["POST"], description="SPARQL Update is sent by POST only")
        return _update(updates, params)
    if not queries:
        if request.method == "GET" and not params:
            return _cors(_service_description())
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
        "base_iri": request.base_url,  # relative IRIs in the query resolve against the endpoint
        "arrived": arrived,
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
    return _cors(response)


def _cors(response: BaseResponse, *, preflight: bool = False) -> BaseResponse:
    """Reads from other origins (KB_CORS_ORIGIN, default ``*``; empty turns CORS off).

    Only queries: an update response never carries these headers, and a browser
    cannot send the bearer token cross-site without a preflight that lists it.
    """
    origin = current_app.config.get("KB_CORS_ORIGIN", "*")
    if not origin:
        if preflight:
            abort(405, "CORS is disabled on this server")
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = "X-KB-Rows, X-KB-Truncated"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    if origin != "*":
        response.headers.add("Vary", "Origin")
    if preflight:
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


_SD_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "text/html": "html"}


def _service_description() -> BaseResponse:
    """SPARQL 1.1 Service Description, by content negotiation (HTML: the workbench)."""
    from rdflib import BNode, Graph, URIRef

    from kb.vocab import FORMATS, RDF, SD

    accept = request.accept_mimetypes
    wanted = _SD_TYPES.get(accept.best_match(list(_SD_TYPES), default="text/turtle") or "", "turtle")
    if wanted == "html":
        return redirect(url_for("sparql.workbench"))
    graph = Graph()
    graph.bind("sd", str(SD._NS))
    graph.bind("formats", str(FORMATS))
    me = URIRef(request.base_url)
    dataset, default = BNode(), BNode()
    graph.add((me, RDF.type, SD.Service))
    graph.add((me, SD.endpoint, me))
    graph.add((me, SD.supportedLanguage, SD.SPARQL11Query))
    if writes_enabled():
        graph.add((me, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((me, SD.feature, SD.UnionDefaultGraph))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads"):
        graph.add((me, SD.resultFormat, FORMATS[name]))
    graph.add((me, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    media = "text/turtle; charset=utf-8" if wanted == "turtle" else "application/ld+json"
    response = Response(graph.serialize(format=wanted), content_type=media)
    response.headers["Vary"] = "Accept"
    return response


def _update(updates: list[str], params: dict[str, list[str]]) -> Any:
    if len(updates) > 1:
        abort(400, f"give exactly one 'update' parameter ({len(updates)} were given)")
    if not writes_enabled():
        abort(403, "SPARQL Update is disabled on this server (set KB_WRITE_TOKEN to enable writes)")
    if not is_authenticated():
        abort(401, "SPARQL Update needs the write token as an 'Authorization: Bearer' header")
    check_storable(updates[0], "the update")  # what an RDF/XML export could not carry is refused here too
    text = with_using(updates[0], params.get("using-graph-uri", []), params.get("using-named-graph-uri", []))
    # Relative IRIs resolve against the endpoint, as in queries (a BASE of the update's own comes later and wins).
    text = f"BASE <{request.base_url}>\n" + text
    knowledge = get_kb()
    try:
        result = knowledge.update(text, agent=writer_agent())
    except ImportError:
        abort(501, "SPARQL Update is not available in this version of kb")
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
