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
    p.add_argument("--demo", action="store_true", help="first load the demo articles into the store")
    p.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from kb.browse import refresh_index

    from . import create_app

    config: dict[str, Any] = {"KB_STORE": args.store}
    token = args.token if args.token is not None else os.environ.get("KB_WRITE_TOKEN")
    if token:
        config["KB_WRITE_TOKEN"] = token
    app = create_app(config)
    knowledge = app.extensions["kb"]
    if args.demo:
        result = knowledge.ingest_files(demo_files())
        refresh_index(knowledge)
        print(f"kb: demo data: {result.summary()}", file=sys.stderr)
    url = f"http://{args.host if ':' not in args.host else '[' + args.host + ']'}:{args.port}/"
    writes = "writes enabled (token)" if token else "read-only"
    if args.debug:
        print(f"kb: serving {args.store} at {url} with the Flask debug server, {writes}", file=sys.stderr)
        app.run(host=args.host, port=args.port, debug=True, use_reloader=False)
        return 0
    import waitress

    print(f"kb: serving {args.store} at {url} ({writes}); Ctrl-C stops", file=sys.stderr, flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="claimkb",
                   clear_untrusted_proxy_headers=True, _quiet=True)
    return 0


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
