"""The SHACL report of the whole knowledge base, each offending node linked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from kb import browse

from ..app import get_kb

bp = Blueprint("validation", __name__)


@bp.get("/validation", defaults={"ext": None})
@bp.get("/validation.<any(json):ext>")
def validation(ext: str | None) -> Any:
    report = browse.validation_report(get_kb())
    if ext == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(report.as_dict())
    return render_template("validation.html", report=report)
