"""Log in with the write token (browsers); API clients send it as a bearer header instead."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..security import log_in, token_ok, writes_enabled

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an attacker's ?next=https://evil.example must not redirect away.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> object:
    if not writes_enabled():
        abort(403, "writes are disabled on this server, so there is nothing to log in to")
    error = None
    if request.method == "POST":
        if token_ok(request.form.get("token")):
            log_in()
            return redirect(_safe_next(request.form.get("next")))
        error = "That token is not right."
    status = 401 if error else 200
    return render_template("login.html", error=error, next=_safe_next(request.values.get("next"))), status


@bp.post("/logout")
def logout() -> object:
    session.clear()
    return redirect(url_for("pages.home"))
