"""Download the whole knowledge base, or one document, in any RDF format."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, request

from kb import browse
from kb.formats import RDF_FORMATS

from ..app import get_kb

bp = Blueprint("export", __name__)
_DOC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

FORMAT_LABELS = {"turtle": "Turtle", "trig": "TriG", "nt": "N-Triples", "nquads": "N-Quads", "jsonld": "JSON-LD",
                 "xml": "RDF/XML"}


@bp.get("/export")
def export_page() -> str:
    docs, _ = browse.list_documents(get_kb(), limit=200)
    return render_template("export.html", formats=FORMAT_LABELS, docs=docs)


@bp.get("/export/download")
def download() -> Response:
    fmt = request.args.get("format", "trig")
    if fmt not in RDF_FORMATS:
        abort(400, f"unknown format {fmt!r} (use one of: {', '.join(RDF_FORMATS)})")
    document = request.args.get("document") or None
    if document is not None and not _DOC_ID.fullmatch(document.rstrip("/").rsplit("/", 1)[-1]):
        abort(400, "document: give a document id or IRI (letters, digits, '-' and '_')")
    body = get_kb().export(fmt, document=document)
    media, suffix = RDF_FORMATS[fmt][0], RDF_FORMATS[fmt][1]
    name = "claimkb" if document is None else "document-" + document.rstrip("/").rsplit("/", 1)[-1][:40]
    response = Response(body, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response
