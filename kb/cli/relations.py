"""Relation subcommands of ``kb``: ``relate`` (assert, confirm or reject a relation
between two claims) and ``relations`` (what kb knows relates to a claim)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .commands import _kb, _kb_reader, agent_of, format_table

__all__ = ["register"]


def _claim(value: str) -> str:
    """A claim IRI, or its id as the page URL ends (``claim/4f…`` or ``4f…``)."""
    from .. import iris

    if ":" in value:
        return value
    return str(iris.mint("claim", value.rsplit("/", 1)[-1]))


def cmd_relate(args: argparse.Namespace) -> int:
    from ..tracking import relate

    status = "rejected" if args.reject else "confirmed" if args.confirm else "asserted"
    with _kb(args) as kb:
        done = relate(kb, _claim(args.subject), args.relation, _claim(args.object), status=status,
                      agent=args.by or agent_of(args), reason=args.reason)
    print(f"{done.status}: {done.src} {args.relation} {done.dst} ({done.iri})")
    return 0


def cmd_relations(args: argparse.Namespace) -> int:
    from ..tracking import spread

    with _kb_reader(args) as kb:
        found = spread(kb, _claim(args.claim))
    if args.format == "json":
        body = {"appearances": [a.as_dict() for a in found.appearances],
                "earliest": found.earliest.as_dict() if found.earliest else None,
                "outlets": [{"outlet": o, "name": n, "date": d} for o, n, d in found.outlets],
                "related": [r.as_dict() for r in found.related], "rejected": [r.as_dict() for r in found.rejected]}
        print(json.dumps(body, ensure_ascii=False, indent=1))
        return 0
    if not found.related and not found.rejected:
        print("no related claims")
        return 0
    rows: list[tuple[str, ...]] = [("relation", "claim", "score", "status", "by")]
    for r in found.related + found.rejected:
        name = r.relation if r.direction == "to" else f"{r.relation} (from)"
        rows.append((name, r.claim, "" if r.score is None else f"{r.score:.3f}", r.status, r.by))
    print(format_table(rows), end="")
    return 0


def register(sub: Any) -> None:
    from ..tracking import RELATIONS

    p = sub.add_parser("relate", help="assert, confirm (--confirm) or reject (--reject) a relation between two claims")
    p.add_argument("subject", metavar="CLAIM", help="a claim IRI or id")
    p.add_argument("relation", metavar="RELATION", help="one of: " + ", ".join(RELATIONS))
    p.add_argument("object", metavar="CLAIM", help="a claim IRI or id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--confirm", action="store_true", help="confirm a relation kb proposed")
    group.add_argument("--reject", action="store_true", help="reject it: kb will not propose it again")
    p.add_argument("--reason", help="why: recorded with the relation")
    p.add_argument("--by", help="who: recorded with the relation (default: the command line)")
    p.set_defaults(func=cmd_relate)

    p = sub.add_parser("relations", help="a claim's other appearances and related claims")
    p.add_argument("claim", metavar="CLAIM", help="a claim IRI or id")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_relations)
