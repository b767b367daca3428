"""The ``kb`` command.

Every failure ends the same way: one line on stderr, a non-zero exit, never a
traceback. Other packages add subcommands through the ``kb.commands`` entry
point group (the web UI adds ``kb serve``), so kb itself never imports them.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import entry_points
from typing import Sequence

from ..errors import KBError
from . import commands, entities, history, match, relations

__all__ = ["main", "build_parser", "run"]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in kb, not in the input


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints the whole usage; one line is what the user needs.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kb", description="A fact and claim tracking knowledge base.")
    parser.add_argument("--version", action="version", version=f"kb {_version()}")
    parser.add_argument(
        "--store",
        default=None,
        help="store folder or SPARQL endpoint URL (default: $KB_STORE, else ./kb-data)",
    )
    parser.add_argument(
        "--base-iri",
        default=None,
        help="namespace of the IRIs kb mints, e.g. https://news.example/kb/id/ (default: $KB_BASE_IRI, "
        "else https://w3id.org/claimkb/id/); a store keeps the base it was written with",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    commands.register(sub)
    history.register(sub)
    relations.register(sub)
    entities.register(sub)
    match.register(sub)
    for ep in entry_points(group="kb.commands"):
        try:
            ep.load()(sub)
        except ImportError as err:  # e.g. the web package is not installed
            _unavailable(sub, ep.name, str(err))
    return parser


def _unavailable(sub: argparse._SubParsersAction, name: str, reason: str) -> None:
    """Keep the command listed, and say why it cannot run only when it is asked for."""

    def fail(_args: argparse.Namespace) -> int:
        raise KBError(f"`kb {name}` is unavailable: {reason}")

    p = sub.add_parser(name, help=f"(unavailable: {reason})", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=fail)


def _version() -> str:
    import kb

    return str(kb.__version__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.store is None:
        args.store = os.environ.get("KB_STORE") or "./kb-data"
    if args.base_iri:
        os.environ["KB_BASE_IRI"] = args.base_iri  # read when a store is opened (kb.baseiri), here and in workers
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed command: its exit code, and every failure as one line on stderr.

    `kb serve` calls this too, for a writing command a client routed to it (kb.service).
    """
    try:
        return _dispatch(args)
    except KBError as err:
        print(f"kb: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kb export | head`: the reader left; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a bug: still one line, with how to see more
        if os.environ.get("KB_DEBUG"):
            raise
        print(f"kb: internal error: {type(err).__name__}: {err} (set KB_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace) -> int:
    from .. import service
    from ..store import is_remote

    if args.command in service.ROUTED and getattr(args, "served_kb", None) is None and not is_remote(args.store):
        # RocksDB lets one process write: while `kb serve` holds the store, it runs the command.
        server = service.find_server(args.store)
        if server is not None:
            from ..baseiri import resolve

            resolve(args.store, embedded=True)  # another base is refused as a local run would
            return service.run_remote(server, args.command, args)
    return int(args.func(args) or 0)
