"""History subcommands of ``kb``: remove, history, restore, upgrade.

Nothing is hard-deleted: ``kb remove`` archives what it removes, ``kb history``
lists the archived versions of a document, graph or claim, and ``kb restore``
brings one back (archiving the current version in turn).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .commands import _kb, _kb_reader, agent_of, format_table

__all__ = ["register"]


def cmd_remove(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        result = kb.remove(args.iri, agent=agent_of(args), reason=args.reason)
    versions = ", ".join(str(v) for v in result.versions)
    print(f"{result.summary()}" + (f"; previous version kept as {versions}" if versions else ""))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        result = kb.restore(args.version, agent=agent_of(args), reason=args.reason)
    print(result.summary())
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with _kb_reader(args) as kb:
        versions = kb.versions(args.iri)
    if args.format == "json":
        print(json.dumps([v.as_dict() for v in versions], ensure_ascii=False, indent=1))
        return 0
    if not versions:
        print(f"no archived version of {args.iri}")
        return 0
    rows: list[tuple[str, ...]] = [("archived", "action", "by", "reason", "triples", "version")]
    for v in versions:
        rows.append((v.archived, v.action, v.agent or "", v.reason or "", str(v.triples), v.iri))
    print(format_table(rows))
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        moved = kb.upgrade()
    print(f"store layout is current ({moved} graphs upgraded)")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("remove", help="remove a document (or one claim), keeping the previous version in the history")
    p.add_argument("iri", metavar="IRI", help="a document, claim or graph IRI")
    p.add_argument("--reason", help="why: recorded with the archived version")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("history", help="list the archived versions of a document, graph or claim")
    p.add_argument("iri", metavar="IRI")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("restore", help="bring an archived version back (the current one is archived in turn)")
    p.add_argument("version", metavar="VERSION", help="a version IRI, as `kb history` lists them")
    p.add_argument("--reason", help="why: recorded in the provenance")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("upgrade", help="rewrite a store written by an older kb in the current layout")
    p.set_defaults(func=cmd_upgrade)
