"""Ingest: paste or upload an article, preview and correct its claims, save; or upload RDF / claim JSON.

Every write goes through kb's validated, all-or-nothing ingest: a rejection shows
the SHACL report and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

import kb
from kb import browse
from kb.formats import SUFFIXES
from kb.record import CLAIM_KINDS, SPEAKER_TYPES

from ..app import get_kb
from ..security import require_writer
from ..urls import resource_url

bp = Blueprint("ingest", __name__)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        abort(400, f"{value!r} is not a YYYY-MM-DD date")


def _rejected(err: kb.KBError, **context: Any) -> tuple[str, int]:
    report = getattr(err, "report", None)
    status = 422 if isinstance(err, kb.ValidationError) else 400
    return render_template("ingest.html", error=str(err), report=report, kinds=CLAIM_KINDS,
                           speaker_types=SPEAKER_TYPES, **context), status


def _saved(result: Any) -> Any:
    browse.refresh_index(get_kb())
    target = resource_url(str(result.documents[0])) if result.documents else url_for("claims.claims")
    return render_template("ingest_done.html", result=result, target=target)


@bp.get("/ingest")
@require_writer
def ingest_page() -> str:
    return render_template("ingest.html", kinds=CLAIM_KINDS, speaker_types=SPEAKER_TYPES)


@bp.post("/ingest/preview")
@require_writer
def preview() -> Any:
    upload = request.files.get("file")
    text = request.form.get("text", "")
    if upload and upload.filename:
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            abort(400, "the uploaded article is not UTF-8 text")
    text = text.replace("\r\n", "\n")
    if not text.strip():
        abort(400, "paste an article's text or choose a .txt file")
    document = {k: request.form.get(k, "").strip() or None for k in ("title", "publisher", "url")}
    try:
        from kb.extract import extract_text

        record = extract_text(text, date=_date(request.form.get("date")), **document)
    except ImportError:
        abort(503, "claim extraction is not available in this installation")
    except kb.KBError as err:
        return _rejected(err)
    return render_template("ingest_preview.html", record=record, record_json=json.dumps(record, ensure_ascii=False),
                           kinds=CLAIM_KINDS, speaker_types=SPEAKER_TYPES)


def _corrected(record: dict[str, Any], form: Any) -> dict[str, Any]:
    """Apply the user's choices: keep or drop each claim, fix its kind and its speaker."""
    claims = []
    for i, claim in enumerate(record.get("claims") or []):
        if form.get(f"keep-{i}") != "on":
            continue
        kind = form.get(f"kind-{i}", claim.get("kind"))
        if kind not in CLAIM_KINDS:
            abort(400, f"claim {i + 1}: unknown kind {kind!r}")
        claim = dict(claim, kind=kind)
        name = (form.get(f"speaker-{i}") or "").strip()
        stype = form.get(f"speaker-type-{i}") or "Person"
        if stype not in SPEAKER_TYPES:
            abort(400, f"claim {i + 1}: unknown speaker type {stype!r}")
        if name:
            speaker = dict(claim.get("speaker") or {"start": claim["start"], "end": claim["end"]})
            speaker.update(name=name, type=stype)
            claim["speaker"] = speaker
        elif kind == "reported-fact":
            claim["speaker"] = None
            claim.pop("cue", None)
        claims.append(claim)
    return dict(record, claims=claims)


@bp.post("/ingest/save")
@require_writer
def save() -> Any:
    try:
        record = json.loads(request.form.get("record", ""))
    except json.JSONDecodeError:
        abort(400, "the preview data is missing or damaged; extract the article again")
    if not isinstance(record, dict):
        abort(400, "the preview data is not a claim record")
    record = _corrected(record, request.form)
    record.pop("file", None)
    try:
        result = get_kb().ingest_record(record, name="web-ingest.json")
    except kb.KBError as err:
        return _rejected(err, record=record, record_json=json.dumps(record, ensure_ascii=False))
    return _saved(result)


@bp.post("/ingest/upload")
@require_writer
def upload() -> Any:
    file = request.files.get("file")
    if file is None or not file.filename:
        abort(400, "choose a file to upload")
    name = file.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = request.form.get("format") or SUFFIXES.get(suffix)
    if kind is None:
        abort(415, f"cannot tell the format of {name!r}: use .json (claim record), .ttl, .trig, .nt, .nq, "
                   ".jsonld or .rdf, or pick a format")
    data = file.read()
    knowledge = get_kb()
    try:
        if kind == "article":
            abort(400, "to ingest an article's text, use the article form above (it previews the claims first)")
        if kind == "record":
            try:
                obj = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                raise kb.ParseError(f"{name}: not a UTF-8 JSON claim record ({err})") from None
            result = knowledge.ingest_record(obj, name=name)
        else:
            result = knowledge.ingest_rdf(data, kind, name=name)
    except kb.KBError as err:
        return _rejected(err)
    current_app.logger.info("ingested %s: %s", name, result.summary())
    return _saved(result)


@bp.get("/ingest/done")
def done() -> Any:
    return redirect(url_for("claims.claims"))
