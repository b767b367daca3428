"""Ingest: paste or upload an article, preview and correct its claims, save; or upload RDF / claim JSON.

Every write goes through kb's validated, all-or-nothing ingest: a rejection shows
the SHACL report and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

import kb
from kb.browse.preview import RecordCheck, check_record, review_flags
from kb.record import CLAIM_KINDS, SPEAKER_TYPES

from ..app import get_kb
from ..security import require_writer, wants_json, writer_agent
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
    flags = review_flags(get_kb(), record)
    if wants_json():
        # The claims found, and for each (by index) the stored fact-checks it matches (kb.browse.preview).
        return jsonify({"record": record, "reviewed": _reviewed(flags, list(range(len(record.get("claims") or []))))})
    return render_template("ingest_preview.html", record=record, record_json=json.dumps(record, ensure_ascii=False),
                           kinds=CLAIM_KINDS, speaker_types=SPEAKER_TYPES, flags=flags)


_FIELDS = ("date", "addressee", "venue", "place", "medium", "via")


def _offset(form: Any, key: str, claim: int) -> int | None:
    value = (form.get(key) or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        abort(400, f"claim {claim + 1}: {key.split('-')[0]} {value!r} is not a whole number")


def _respan(claim: dict[str, Any], form: Any, i: int, text: str) -> dict[str, Any]:
    """The claim with the span the user selected (offsets in code points), its text read from the article."""
    start, end = _offset(form, f"start-{i}", i), _offset(form, f"end-{i}", i)
    if start is None or end is None or (start, end) == (claim.get("start"), claim.get("end")):
        return claim
    claim = {k: v for k, v in claim.items() if k != "spans"}
    claim.update(start=start, end=end)
    if 0 <= start < end <= len(text):
        claim["text"] = text[start:end]
    return claim


def _corrected(record: dict[str, Any], form: Any) -> tuple[dict[str, Any], list[int]]:
    """Apply the user's choices: keep or drop each claim, fix its span, kind, speaker, date, venue, medium and
    intermediary, and add the claims they selected. Returns the record and, per claim, its index in the form."""
    text = str((record.get("document") or {}).get("text") or "")
    originals = list(record.get("claims") or [])
    added = sorted(int(k[4:]) for k in form if k.startswith("new-") and k[4:].isdigit() and int(k[4:]) >= len(originals))
    claims, order = [], []
    for i in list(range(len(originals))) + added:
        if form.get(f"keep-{i}") != "on":
            continue
        claim = _respan(dict(originals[i]) if i < len(originals) else {"kind": "reported-fact"}, form, i, text)
        kind = form.get(f"kind-{i}", claim.get("kind"))
        if kind not in CLAIM_KINDS:
            abort(400, f"claim {i + 1}: unknown kind {kind!r}")
        claim = dict(claim, kind=kind)
        name = (form.get(f"speaker-{i}") or "").strip()
        stype = form.get(f"speaker-type-{i}") or "Person"
        if stype not in SPEAKER_TYPES:
            abort(400, f"claim {i + 1}: unknown speaker type {stype!r}")
        if name:
            speaker = dict(claim.get("speaker") or {"start": claim.get("start"), "end": claim.get("end")})
            speaker.update(name=name, type=stype)
            claim["speaker"] = speaker
        elif kind == "reported-fact" or i >= len(originals):
            claim["speaker"] = None
            claim.pop("cue", None)
        for key in _FIELDS:
            if f"{key}-{i}" in form:
                value = " ".join(form[f"{key}-{i}"].split())
                if value:
                    claim[key] = value
                else:
                    claim.pop(key, None)
        claims.append(claim)
        order.append(i)
    return dict(record, claims=claims), order


def _posted_record() -> dict[str, Any]:
    try:
        record = json.loads(request.form.get("record", ""))
    except json.JSONDecodeError:
        abort(400, "the preview data is missing or damaged; extract the article again")
    if not isinstance(record, dict):
        abort(400, "the preview data is not a claim record")
    return record


def _reviewed(flags: dict[int, list[dict[str, Any]]], order: list[int]) -> dict[str, list[dict[str, Any]]]:
    """The review flags keyed by the claim's index in the form, each with ``page``: the review's page here."""
    return {str(order[i]): [dict(m, page=resource_url(m["review"])) for m in found] for i, found in sorted(flags.items())}


def _summary(check: RecordCheck, claims: int) -> str:
    if check.ok:
        return f"Checked: a save would store {claims} claim{'' if claims == 1 else 's'}."
    problems = len(check.errors) + sum(len(m) for m in check.claims.values())
    return f"A save would be refused: {problems} problem{'' if problems == 1 else 's'} (listed with the claims)."


@bp.post("/ingest/check")
@require_writer
def check() -> Any:
    """Check the edited preview against the record rules and the shapes, writing nothing.

    JSON for the page's script (problems keyed by the claim's index in the form); a browser
    without the script gets the preview again, with the problems under each claim.
    """
    record, order = _corrected(_posted_record(), request.form)
    result = check_record(get_kb(), record)
    flags = review_flags(get_kb(), record)  # an edited span may now match a review, or no longer
    if wants_json():
        return jsonify({**result.as_dict(), "claims": {str(order[i]): m for i, m in sorted(result.claims.items())},
                        "summary": _summary(result, len(order)),
                        "reviewed": _reviewed(flags, order)})
    return render_template("ingest_preview.html", record=record, record_json=json.dumps(record, ensure_ascii=False),
                           kinds=CLAIM_KINDS, speaker_types=SPEAKER_TYPES, check=result, problems=result.claims,
                           check_summary=_summary(result, len(order)), flags=flags)


@bp.post("/ingest/save")
@require_writer
def save() -> Any:
    record, _order = _corrected(_posted_record(), request.form)
    record.pop("file", None)
    try:
        result = get_kb().ingest_record(record, name="web-ingest.json", agent=writer_agent())
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
    data = file.read()
    knowledge = get_kb()
    try:
        # Recognized by content as `kb ingest` does: claim records, RDF, ClaimReview (one review, an
        # array, an @graph feed or JSON Lines) and ClaimsKG dumps (kb.formats.recognize).
        result = knowledge.ingest_bytes(data, name, fmt=request.form.get("format") or None, agent=writer_agent())
    except kb.KBError as err:
        return _rejected(err)
    current_app.logger.info("ingested %s: %s", name, result.summary())
    return _saved(result)


@bp.get("/ingest/done")
def done() -> Any:
    return redirect(url_for("claims.claims"))
