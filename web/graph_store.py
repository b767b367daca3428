"""/rdf-graphs/service: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

``?graph=IRI`` names a graph, ``?default`` the default graph (the union of
the content graphs). GET and HEAD are open to all; PUT, POST and DELETE need
the write token (``Authorization: Bearer``) or a logged-in session, and are
validated against the shapes like every write (see :mod:`kb.graphstore`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from rdflib import URIRef

import kb
from kb import graphstore
from kb.formats import RDF_FORMATS

from .app import get_kb
from .security import require_writer, writer_agent

bp = Blueprint("graph_store", __name__)

_MEDIA = [spec[0] for spec in RDF_FORMATS.values()]
_DEFAULT_MEDIA = "text/turtle"


def _target() -> URIRef | None:
    graph = request.args.getlist("graph")
    has_default = "default" in request.args
    if has_default == bool(graph) or len(graph) > 1:
        abort(400, "name exactly one graph: ?graph=IRI, or ?default for the default graph")
    if has_default:
        return None
    try:
        return graphstore.graph_iri(graph[0])
    except kb.InputError as err:
        abort(400, str(err))


def _negotiated() -> str:
    if not request.headers.get("Accept"):
        return _DEFAULT_MEDIA
    best = request.accept_mimetypes.best_match(_MEDIA)
    if best is None:
        abort(406, "this graph can be sent as " + ", ".join(_MEDIA))
    return best


def _content_type() -> str:
    raw = request.headers.get("Content-Type", "")
    ctype = (request.mimetype or "").lower()
    if not raw or not ctype or ctype.count("/") != 1 or " " in ctype:
        abort(415, "send the graph with a Content-Type: " + ", ".join(_MEDIA))
    if ctype not in _MEDIA:
        abort(415, f"{ctype} is not an RDF format kb reads; use one of " + ", ".join(_MEDIA))
    return ctype


def _body() -> bytes:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    data = request.get_data(cache=False)
    if limit and len(data) > limit:
        abort(413)
    return data


def _reason() -> str | None:
    """Why, for the provenance and the archived versions: an ``X-KB-Reason`` header or ``?reason=``."""
    return request.headers.get("X-KB-Reason") or request.args.get("reason") or None


def _written(result: Any, graph: URIRef | None) -> Response:
    status = 201 if graph is not None and result.graphs.get(graph) == "added" else 204
    response = Response(status=status)
    if status == 201:
        response.headers["Location"] = request.url
    return response


@bp.route("/rdf-graphs/service", methods=["GET", "HEAD"])
def read() -> Response:
    graph = _target()
    media = _negotiated()
    knowledge = get_kb()
    if request.method == "HEAD":
        info = graphstore.head(knowledge, graph, media)
        if not info.exists:
            abort(404, f"no graph {graph} in the knowledge base")
        response = Response(status=200, mimetype=info.media_type)
        response.headers["X-KB-Triples"] = str(info.triples)
        return response
    body = graphstore.get(knowledge, graph, media)
    return Response(body, mimetype=media)


@bp.route("/rdf-graphs/service", methods=["PUT"])
@require_writer
def replace() -> Response:
    graph = _target()
    if graph is None:
        abort(405, "PUT to the default graph would replace the whole knowledge base; PUT to ?graph=IRI")
    result = graphstore.put(get_kb(), graph, _body(), _content_type(), agent=writer_agent(), reason=_reason())
    return _written(result, graph)


@bp.route("/rdf-graphs/service", methods=["POST"])
@require_writer
def merge() -> Response:
    graph = _target()
    result = graphstore.post(get_kb(), graph, _body(), _content_type(), agent=writer_agent())
    return _written(result, graph)


@bp.route("/rdf-graphs/service", methods=["DELETE"])
@require_writer
def remove() -> Response:
    graph = _target()
    if graph is None:
        abort(405, "DELETE of the default graph would empty the whole knowledge base; DELETE ?graph=IRI")
    graphstore.delete(get_kb(), graph, agent=writer_agent(), reason=_reason())
    return Response(status=204)
