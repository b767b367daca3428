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
from . import commands

__all__ = ["main", "build_parser"]

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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    commands.register(sub)
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
    try:
        return int(args.func(args) or 0)
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
