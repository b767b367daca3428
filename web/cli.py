"""``kb serve``: the web UI on waitress (the Flask dev server only with --debug).

Loaded by the ``kb`` command through the ``kb.commands`` entry point; also
runnable from a checkout as ``python -m web.cli [--store DIR] serve ...``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Sequence

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def demo_files() -> list[str]:
    """The invented demo articles (claim records) and their fact-check (Turtle)."""
    return sorted(str(p) for p in DEMO_DIR.iterdir() if p.suffix in (".json", ".ttl"))


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="serve the web UI and the /sparql endpoint")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 5000), help="port (default 5000)")
    p.add_argument("--debug", action="store_true", help="use Flask's debug server (never in production)")
    p.add_argument("--token", default=None, help="write token that enables ingest and SPARQL Update "
                   "(default: $KB_WRITE_TOKEN; none: read-only)")
    p.add_argument("--read-only", action="store_true", help="refuse every write (web, SPARQL Update, and "
                   "`kb ingest` on this store)")
    p.add_argument("--demo", action="store_true", help="first load the demo articles into the store")
    p.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    p.add_argument("--workers", type=int, default=1, help="web processes over the one store and browse index "
                   "(default 1; more need the Oxigraph server on a store folder: see docs/operations.md)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from kb.store import is_remote

    from . import create_app

    config: dict[str, Any] = {"KB_STORE": args.store}
    token = args.token if args.token is not None else os.environ.get("KB_WRITE_TOKEN")
    if args.workers != 1 and not args.debug:
        from .workers import serve_workers

        return serve_workers(args, None if args.read_only else token)
    if token:
        config["KB_WRITE_TOKEN"] = token
    if args.read_only:
        config["KB_WRITE_TOKEN"] = ""
    app = create_app(config)
    knowledge = app.extensions["kb"]
    if args.demo:
        result = knowledge.ingest_files(demo_files())  # each write keeps the browse index in step
        print(f"kb: demo data: {result.summary()}", file=sys.stderr)
    url = f"http://{args.host if ':' not in args.host else '[' + args.host + ']'}:{args.port}/"
    local = not is_remote(args.store)
    if local and not args.read_only:
        _serve_writes(app, args, url)
    writes = "read-only" if not app.config.get("KB_WRITE_TOKEN") else "writes enabled (token)"
    if args.debug:
        print(f"kb: serving {args.store} at {url} with the Flask debug server, {writes}", file=sys.stderr)
        app.run(host=args.host, port=args.port, debug=True, use_reloader=False)
        return 0
    import waitress

    server = waitress.create_server(app, host=args.host, port=args.port, threads=args.threads, ident="claimkb",
                                    clear_untrusted_proxy_headers=True)
    print(f"kb: serving {args.store} at {url} ({writes}); Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if local:
            from kb.service import withdraw

            withdraw(args.store)
    return 0


def _serve_writes(app: Any, args: argparse.Namespace, url: str) -> None:
    """Let the owner write while serving: `kb ingest` on this store is routed here (kb.service), and the
    local user gets a one-time login link; remote users still need the token."""
    import atexit
    import signal

    from kb.service import announce, withdraw

    from .security import issue_login_link

    own = url.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://[::1]:")
    secret = announce(args.store, own)
    atexit.register(withdraw, args.store)
    # waitress ends on SIGTERM without running `finally`: make it an exit that cleans up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app.config["KB_SERVICE_SECRET"] = secret
    if not app.config.get("KB_WRITE_TOKEN"):
        app.config["KB_WRITE_TOKEN"] = secret  # remote users log in with it: `cat STORE/server.secret`
    code = issue_login_link(app)
    print(f"kb: to add and correct articles from this browser, open (once) {own}login/once/{code}",
          file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Like the ``kb`` command, for a checkout where the entry point is not installed."""
    from kb.cli import build_parser, main as kb_main

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    if "serve" not in sub.choices:
        register(sub)
    args = parser.parse_args(argv)
    if args.store is None:
        args.store = os.environ.get("KB_STORE") or "./kb-data"
    del kb_main
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
