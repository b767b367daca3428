"""The curation forms on a person's or organization's page: merge into another entity,
undo a merge, split mentions off, set or clear the external link. (The page and its
``.json`` show the links and curations: ``same_as`` and ``curations`` of kb.browse's Entity.)

Writes need a logged-in curator (or the write token as a bearer token) and, from a
browser, the CSRF token (web.security); each answers a redirect to the page, or JSON."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify, redirect, request
from flask.typing import ResponseReturnValue

import kb
from kb import iris
from kb.tracking import entity_curations as curations

from ..app import get_kb
from ..security import require_writer, wants_json, writer_agent
from ..urls import resource_url

bp = Blueprint("entities_curation", __name__)

_KINDS = "<any(person, org):kind>/<name>"


def _iri(kind: str, name: str) -> str:
    return iris.base() + f"{kind}/{name}"


def _done(body: dict[str, Any], page: str) -> ResponseReturnValue:
    if wants_json():
        return jsonify(body)
    return redirect(resource_url(page) + "#curation", code=303)


def _form(key: str) -> str:
    return (request.form.get(key) or "").strip()


def _entity(value: str) -> str:
    """What a form field names: an entity IRI, a page path (``/id/person/x``), or a name."""
    if value.startswith("/id/"):
        return iris.base() + value[len("/id/"):]
    return value


@bp.post(f"/id/{_KINDS}/merge")
@require_writer
def merge(kind: str, name: str) -> ResponseReturnValue:
    """Merge this entity into the one named in ``into``."""
    into = _form("into")
    if not into:
        raise kb.InputError("say which person or organization this one is (into)")
    done = get_kb().merge_entities(_iri(kind, name), _entity(into), agent=writer_agent(), reason=_form("reason") or None)
    return _done(done.as_dict(), done.other)


@bp.post(f"/id/{_KINDS}/unmerge")
@require_writer
def unmerge(kind: str, name: str) -> ResponseReturnValue:
    """Undo the merge of ``other`` into this entity."""
    other = _form("other")
    if not other:
        raise kb.InputError("say which merged entity to take out (other)")
    done = get_kb().unmerge_entities(_entity(other), _iri(kind, name), agent=writer_agent(), reason=_form("reason") or None)
    return _done(done.as_dict(), _iri(kind, name))


@bp.post(f"/id/{_KINDS}/split")
@require_writer
def split(kind: str, name: str) -> ResponseReturnValue:
    """Split this entity's mentions in ``documents`` (or written as ``written``) off into ``name``."""
    documents = _form("documents").split()
    written = [w.strip() for w in re.split(r"[\n;]", request.form.get("written") or "") if w.strip()]
    done = get_kb().split_entity(_iri(kind, name), _form("name"), documents=documents, written=written,
                                 agent=writer_agent(), reason=_form("reason") or None)
    return _done(done.as_dict(), _iri(kind, name))


@bp.post(f"/id/{_KINDS}/sameas")
@require_writer
def same_as(kind: str, name: str) -> ResponseReturnValue:
    """Set the external link (``target``: a Wikidata QID or IRI), or clear it (``clear``)."""
    iri, reason = _iri(kind, name), _form("reason") or None
    if request.form.get("clear"):
        done = curations.unlink(get_kb(), iri, _form("target") or None, agent=writer_agent(), reason=reason)
        return _done({"unlinked": [c.as_dict() for c in done]}, iri)
    target = _form("target")
    if not target:
        raise kb.InputError("give the Wikidata QID (Q42) or IRI to link (target), or clear")
    c = get_kb().set_same_as(iri, target, agent=writer_agent(), reason=reason)
    return _done(c.as_dict(), iri)
