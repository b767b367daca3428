"""Log in with the write token (browsers); API clients send it as a bearer header instead."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for

from ..security import LOGIN_LIMITER, error_response, log_in, redeem_login_link, token_ok, writes_enabled

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: ``?next=//evil.example`` (or ``/\\t/evil.example``, which a browser
    reads as ``//evil.example``) must not redirect away, and a CR/LF must not reach a header."""
    if not target or not target.startswith("/") or any(ord(c) < 32 or c in "\\\x7f" for c in target):
        return url_for("pages.home")
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return url_for("pages.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if not writes_enabled():
        abort(403, "writes are disabled on this server, so there is nothing to log in to")
    error = None
    if request.method == "POST":
        client = request.remote_addr or "?"
        wait = LOGIN_LIMITER.wait(client)
        if wait:
            return _too_many(wait)
        if token_ok(request.form.get("token")):
            LOGIN_LIMITER.succeeded(client)
            log_in()
            return redirect(_safe_next(request.form.get("next")))
        LOGIN_LIMITER.failed(client)
        error = "That token is not right."
    status = 401 if error else 200
    return render_template("login.html", error=error, next=_safe_next(request.values.get("next"))), status


def _too_many(wait: int) -> Response:
    response = error_response(429, f"too many failed logins from your address; retry in {wait} s")
    response.headers["Retry-After"] = str(wait)
    return response


@bp.get("/login/once/<code>")
def login_link(code: str) -> Any:
    """The one-time link `kb serve` prints: the local user is logged in without typing a token."""
    if not redeem_login_link(code):
        abort(403, "this login link was already used or is not valid; log in with the token "
                   "(`cat <store>/server.secret`), or restart `kb serve` for a new link")
    log_in()
    return redirect(url_for("pages.home"))


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    return redirect(url_for("pages.home"))
