"""Who may write, CSRF protection, security headers, and errors that never show a traceback."""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
import time
from collections import deque
from functools import wraps
from typing import Any, Callable

from flask import Flask, Response, abort, current_app, jsonify, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

import kb

log = logging.getLogger("kb.web")

#: No external origin anywhere. Styles allow 'unsafe-inline' because YASGUI and
#: CodeMirror set style attributes from script; scripts stay 'self' only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}

# kb's exception tree → HTTP status
_STATUS: list[tuple[type[Exception], int]] = [
    (kb.NotFoundError, 404),
    (kb.StoreError, 503),
    (kb.ValidationError, 422),
    (kb.QueryTimeoutError, 408),
    (kb.ReadOnlyError, 400),
    (kb.QueryError, 400),
    (kb.UnknownFormatError, 415),
    (kb.InputError, 400),
    (kb.ExtractionError, 503),
]


def status_of(err: Exception) -> int:
    for cls, status in _STATUS:
        if isinstance(err, cls):
            return status
    return 500


# -- authentication ------------------------------------------------------------
def writes_enabled() -> bool:
    return bool(current_app.config.get("KB_WRITE_TOKEN"))


def token_ok(token: str | None) -> bool:
    """The write token, or the store's service secret (what `kb ingest` sends to a running `kb serve`)."""
    if not token or not writes_enabled():
        return False
    given = token.encode("utf-8")
    candidates = (current_app.config.get("KB_WRITE_TOKEN") or "", current_app.config.get("KB_SERVICE_SECRET") or "")
    return any(c and hmac.compare_digest(given, c.encode("utf-8")) for c in candidates)


class LoginLimiter:
    """At most ``attempts`` failed logins per client address in ``window`` seconds; then wait."""

    def __init__(self, attempts: int = 5, window: float = 60.0) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> int:
        """Seconds the client must wait before trying again (0: go ahead)."""
        now = time.monotonic()
        with self._lock:
            recent = self._failures.get(client)
            while recent and now - recent[0] > self.window:
                recent.popleft()
            if not recent:
                self._failures.pop(client, None)
                return 0
            if len(recent) < self.attempts:
                return 0
            return max(1, int(self.window - (now - recent[0]) + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, deque()).append(time.monotonic())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


LOGIN_LIMITER = LoginLimiter()


def issue_login_link(app: Flask) -> str:
    """A one-time code for ``/login/once/<code>`` (printed by `kb serve` for the local user)."""
    code = secrets.token_urlsafe(24)
    with _LINKS_LOCK:
        app.extensions.setdefault("kb_login_links", set()).add(code)
    return code


def issue_shared_login_link(path: str) -> str:
    """A one-time code that any of several worker processes redeems (`kb serve --workers`): kept
    in a file beside the store (mode 0600), which the first redeeming process deletes."""
    code = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(code)
    return code


def _redeem_shared(code: str) -> bool:
    path = current_app.config.get("KB_LOGIN_ONCE_FILE")
    if not path:
        return False
    try:
        with open(path, encoding="ascii") as f:
            known = f.read().strip()
    except OSError:
        return False
    if not known or not hmac.compare_digest(known.encode(), code.encode()):
        return False
    try:
        os.unlink(path)  # one use only: of two workers redeeming at once, one unlink succeeds
    except FileNotFoundError:
        return False
    return True


def redeem_login_link(code: str) -> bool:
    with _LINKS_LOCK:
        codes: set[str] = current_app.extensions.get("kb_login_links", set())
        for known in list(codes):
            if hmac.compare_digest(known.encode(), code.encode()):
                codes.discard(known)  # one use only
                return writes_enabled()
    return _redeem_shared(code) and writes_enabled()


_LINKS_LOCK = threading.Lock()


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def is_authenticated() -> bool:
    """A valid bearer token (API clients) or a logged-in session (browsers)."""
    if not writes_enabled():
        return False
    if bearer_token() is not None:
        return token_ok(bearer_token())
    return bool(session.get("writer")) and session.get("token_digest") == _token_digest()


def _token_digest() -> str:
    token = current_app.config.get("KB_WRITE_TOKEN") or ""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), token.encode(), "sha256").hexdigest()[:32]


def log_in() -> None:
    session.clear()
    session["writer"] = True
    # Changing KB_WRITE_TOKEN logs every browser out.
    session["token_digest"] = _token_digest()
    session["csrf"] = secrets.token_urlsafe(32)


def require_writer(view: Callable[..., Any]) -> Callable[..., Any]:
    """403 when writes are disabled, 401 (or the login page for browsers) when not authenticated."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not writes_enabled():
            abort(403, "writes are disabled on this server (set KB_WRITE_TOKEN to enable them)")
        if not is_authenticated():
            abort(401, "log in, or send the write token as an 'Authorization: Bearer' header")
        return view(*args, **kwargs)

    return wrapped


# -- CSRF ------------------------------------------------------------------------
def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Every state-changing browser request carries the session's token (bearer-token clients are exempt:
    a cross-site page cannot set an Authorization header)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or bearer_token() is not None:
        return
    if request.blueprint == "reconcile":
        return  # reconciliation queries are reads, POSTed by OpenRefine's server without a session
    if request.endpoint == "sparql.endpoint" or request.blueprint == "graph_store":
        request.get_data(cache=True)  # keep the body readable after the form is parsed
        if not session.get("writer"):
            return  # no session to ride on: the view itself answers 401/403
        if request.endpoint == "sparql.endpoint" and not _is_update_request():
            return  # read-only queries change nothing
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), str(expected).encode()):
        abort(400, "the form expired or did not come from this site (CSRF check failed); reload the page and retry")


def _is_update_request() -> bool:
    ctype = (request.mimetype or "").lower()
    if ctype == "application/sparql-update":
        return True
    if ctype == "application/x-www-form-urlencoded":
        return "update" in request.form
    return False


# -- responses --------------------------------------------------------------------
def add_headers(response: Response) -> Response:
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    if request.path.startswith("/static/vendor/"):
        response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def wants_json() -> bool:
    if request.path.startswith(("/sparql", "/api/", "/rdf-graphs/")) or request.path.endswith((".json", ".jsonld")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str, **extra: Any) -> Response:
    if wants_json():
        body = {"error": message, "status": status, **extra}
        response = jsonify(body)
    else:
        response = Response(render_template("error.html", status=status, message=message, **extra), mimetype="text/html")
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kb"'
    return response


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` whenever the request came over HTTPS (directly, or
    through a proxy trusted with KB_PROXY_HOPS that says so in X-Forwarded-Proto)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def register(app: Any) -> None:
    app.session_interface = _SessionInterface()
    hops = int(app.config.get("KB_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
    app.after_request(add_headers)
    app.before_request(check_csrf)
    app.jinja_env.globals.update(csrf_token=csrf_token, is_authenticated=is_authenticated,
                                 writes_enabled=writes_enabled)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        message = err.description or err.name
        if err.code == 413 and err.description == RequestEntityTooLarge.description:
            limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
            message = f"the request body is too large (the limit is {limit} MB)"
        response = error_response(err.code or 500, message)
        if err.code == 405 and hasattr(err, "valid_methods") and err.valid_methods:
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    @app.errorhandler(kb.KBError)
    def kb_error(err: kb.KBError) -> Response:
        status = status_of(err)
        extra: dict[str, Any] = {}
        report = getattr(err, "report", None)
        if report is not None:
            extra["report"] = report.as_dict() if wants_json() else report
        return error_response(status, str(err), **extra)

    @app.errorhandler(Exception)
    def internal_error(err: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.path)
        return error_response(500, "something went wrong on our side; the error was logged")


def writer_agent() -> str:
    """Who a web write is recorded as, in the provenance and on archived versions: the
    write token's name (``KB_TOKEN_NAME``), else "web"."""
    return str(current_app.config.get("TOKEN_NAME") or "web")
