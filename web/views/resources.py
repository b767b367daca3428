"""Linked data: every minted IRI resolves under /id/, as a page or as RDF (by Accept or suffix)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

import kb
from kb import browse
from kb.writing.history import version_turtle
from kb.formats import RDF_FORMATS
from kb import iris

from ..app import get_kb
from ..charts import chain_boxes, month_bars, role_timeline
from ..security import wants_json
from ..urls import RDF_SUFFIXES, resource_path, resource_url

bp = Blueprint("resources", __name__)

_BY_MEDIA_TYPE = {spec[0]: name for name, spec in RDF_FORMATS.items()}
_OFFERS = ["text/html", "application/xhtml+xml"] + list(_BY_MEDIA_TYPE)


def _negotiate(path: str) -> tuple[str, str | None]:
    """(path without RDF suffix, RDF format or None for HTML)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in RDF_SUFFIXES and "/" in stem:
        return stem, RDF_SUFFIXES[suffix]
    best = request.accept_mimetypes.best_match(_OFFERS, default="text/html")
    return path, _BY_MEDIA_TYPE.get(best or "")


def _entity_view(knowledge: kb.KnowledgeBase, iri: str) -> tuple[Any, Any, Any, list[tuple[str, int]]]:
    """What a person's or organization's page shows, as HTML or JSON: the entity, the claim filter,
    the newest claims (``?after=`` for older ones) and the claims per month."""
    entity = browse.entity_detail(knowledge, iri)
    org = entity.is_organization
    f = browse.ClaimFilter(org=iri) if org else browse.ClaimFilter(speaker=iri)
    page = browse.list_claims(knowledge, f, after=request.args.get("after"), limit=25)
    months = browse.timeline(knowledge, org=iri) if org else browse.timeline(knowledge, speaker=iri)
    return entity, f, page, months


# A static suffix: Werkzeug ranks this rule above the linked-data catch-all below.
@bp.get("/id/<any(person, org):kind>/<name>.json")
def entity_json(kind: str, name: str) -> Response | WerkzeugResponse:
    """A person's or organization's page as JSON: the entity (its ``roles`` with ``start`` and ``end``,
    YYYY-MM-DD or ''), ``claims_per_month`` ([YYYY-MM, count]) and the newest claims (``claims``,
    ``next``: the older ones, as on the page). 404 for an unknown entity."""
    knowledge = get_kb()
    iri = f"{iris.base()}{kind}/{name}"
    if (moved := _merged(knowledge, iri)) is not None:
        return moved
    entity, _f, page, months = _entity_view(knowledge, iri)
    next_url = url_for("resources.entity_json", kind=kind, name=name, after=page.next_cursor) if page.next_cursor else None
    return jsonify({**asdict(entity), "is_organization": entity.is_organization,
                    "claims_per_month": [list(m) for m in months], "claims": [c.as_dict() for c in page.claims],
                    "next": next_url})


@bp.app_context_processor
def _entity_charts() -> dict[str, object]:
    """The person's and organization's page draws its roles over time with this (web/templates/entity.html)."""
    return {"role_timeline": role_timeline, "today": date.today}


@bp.get("/id/<path:path>")
def resource(path: str) -> Any:
    path, fmt = _negotiate(path)
    iri = iris.base() + path  # the deployment's own base (KB_BASE_IRI): its IRIs resolve here
    knowledge = get_kb()
    try:
        kind = browse.page_kind(knowledge, iri)
    except kb.NotFoundError:
        return _merged(knowledge, iri, fmt) or _gone_or_version(knowledge, iri, path)  # 404 for IRIs that never were
    if kind == "resource" and (moved := _merged(knowledge, iri, fmt)) is not None:
        return moved  # named still, by the merge's own record, but described no more
    if fmt:
        body = browse.describe_rdf(knowledge, iri, fmt)
        response = Response(body, mimetype=RDF_FORMATS[fmt][0])
        response.headers["Vary"] = "Accept"
        return response
    if kind == "claim":
        detail = browse.claim_detail(knowledge, iri)
        width, boxes = chain_boxes(detail.chain)
        html = render_template("claim.html", c=detail, chain_width=width, chain_boxes=boxes)
    elif kind == "entity":
        entity, f, page, months = _entity_view(knowledge, iri)
        html = render_template("entity.html", e=entity, page=page, f=f, chart=month_bars(months, height=120))
    elif kind == "document":
        html = render_template("document.html", d=browse.document_detail(knowledge, iri))
    else:
        outgoing, incoming = browse.statements(knowledge, iri)
        html = render_template("resource.html", iri=iri, kind=kind, label=browse.label_of(knowledge, iri),
                               outgoing=outgoing, incoming=incoming)
    response = Response(html, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


def _merged(knowledge: kb.KnowledgeBase, iri: str, fmt: str | None = None) -> WerkzeugResponse | None:
    """A permanent redirect from an entity merged into another to the one it now lives on as
    (its page, its .json or its RDF), so that links made to it before the merge keep working."""
    target = knowledge.merged_into(iri)
    if target is None:
        return None
    if request.path.endswith(".json"):
        kind, _slash, name = resource_path(target).partition("/")
        return redirect(url_for("resources.entity_json", kind=kind, name=name), 301)
    return redirect(resource_url(target, fmt), 301)


def _gone_or_version(knowledge: kb.KnowledgeBase, iri: str, path: str) -> object:
    """Nothing is hard-deleted: an archived version has a page of its own, and a removed
    or replaced node answers 410 Gone with the record of its removal."""
    json_asked = path.endswith(".json") or wants_json()
    if path.endswith(".json"):
        iri = iri[: -len(".json")]
    versions = knowledge.versions(iri)
    version = next((v for v in versions if v.iri == iri), None)
    if version is not None:
        triples = knowledge.history.content(iri)
        if json_asked:
            return jsonify({**version.as_dict(), "triples": len(triples)})
        return render_template("version.html", v=version, turtle=version_turtle(triples))
    gone = knowledge.removal(iri)
    if gone is None:
        raise kb.NotFoundError(f"nothing is stored, or was ever stored, at {iri}")
    last = gone["version"]
    if json_asked:
        body = {"iri": iri, "gone": True, "removal": last.as_dict(), "successor": gone["successor"],
                "versions": [v.as_dict() for v in gone["versions"]]}
        return jsonify(body), 410
    return render_template("gone.html", iri=iri, v=last, successor=gone["successor"]), 410


@bp.get("/id/")
def id_root() -> Any:
    abort(404, "give a resource path after /id/")
