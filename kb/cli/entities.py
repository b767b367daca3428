"""Curation subcommands of ``kb``: ``merge``, ``unmerge``, ``split``, ``sameas``, ``link``
and ``curations`` (people and organizations: who is who, and their external identifiers).

Entities are given by IRI or by name (a canonical name or an alias); a name that several
entities carry is refused with the candidates. The writing commands go through a running
``kb serve`` as ``kb ingest`` does (kb.service)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .commands import _kb, _kb_reader, agent_of, format_table

__all__ = ["register"]


def _who(args: argparse.Namespace) -> str:
    return str(args.by or agent_of(args))


def cmd_merge(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        done = kb.merge_entities(args.entity, args.into, agent=_who(args), reason=args.reason)
    print(f"merged: {done.entity} into {done.other} ({done.iri})")
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        done = kb.unmerge_entities(args.entity, args.other, agent=_who(args), reason=args.reason)
    print(f"unmerged: {done.entity} from {done.other} ({done.iri})")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        done = kb.split_entity(args.entity, args.name, documents=args.documents or (), written=args.written or (),
                               agent=_who(args), reason=args.reason)
    print(f"{done.action}: {done.entity} → {done.other} ({done.iri})")
    return 0


def cmd_sameas(args: argparse.Namespace) -> int:
    from ..tracking.entity_curations import find_entity, same_as, unlink

    if args.clear:
        with _kb(args) as kb:
            done = unlink(kb, args.entity, args.target, agent=_who(args), reason=args.reason)
        for c in done:
            print(f"unlinked: {c.entity} sameAs {c.other} ({c.iri})")
        return 0
    if args.target is None:  # just show the links
        with _kb(args) as kb:
            entity = find_entity(kb, args.entity)
            for q in same_as(kb, entity):
                print(q)
        return 0
    with _kb(args) as kb:
        c = kb.set_same_as(args.entity, args.target, agent=_who(args), reason=args.reason)
    print(f"linked: {c.entity} sameAs {c.other} ({c.iri})")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    """Every usable row applied; each unusable one reported on stderr; exit 1 if any."""
    with _kb(args) as kb:
        report = kb.link_file(args.file, agent=_who(args), reason=args.reason)
    for number, message in report.errors:
        print(f"{args.file}:{number}: {message}", file=sys.stderr)
    print(report.summary(args.file))
    return 1 if report.errors else 0


def cmd_curations(args: argparse.Namespace) -> int:
    from ..tracking.entity_curations import find_entity

    with _kb_reader(args) as kb:
        entity = None
        if args.entity:
            entity = args.entity if args.entity.startswith(("http://", "https://")) else find_entity(kb, args.entity)
        found = kb.entity_curations(entity)
    if args.format == "json":
        print(json.dumps([c.as_dict() for c in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("no entity curations")
        return 0
    rows: list[tuple[str, ...]] = [("when", "action", "entity", "other", "by", "reason", "in force")]
    for c in found:
        rows.append((c.when, c.action, c.entity, c.other, c.agent, c.reason, "no" if c.ended else "yes"))
    print(format_table(rows), end="")
    return 0


def _common(p: Any) -> None:
    p.add_argument("--reason", help="why: recorded with the curation")
    p.add_argument("--by", help="who: recorded with the curation (default: the command line)")


def register(sub: Any) -> None:
    p = sub.add_parser("merge", help="merge a person or organization into another (its mentions become the other's)")
    p.add_argument("entity", metavar="A", help="the entity merged away: an IRI or a name")
    p.add_argument("into", metavar="B", help="the entity it is: an IRI or a name")
    _common(p)
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("unmerge", help="undo the merge of A into B")
    p.add_argument("entity", metavar="A", help="the entity that was merged away: an IRI or a name")
    p.add_argument("other", metavar="B", help="the entity it was merged into")
    _common(p)
    p.set_defaults(func=cmd_unmerge)

    p = sub.add_parser("split", help="split some mentions of an entity off into a new one (or undo a merge)")
    p.add_argument("entity", metavar="X", help="the entity to split: an IRI or a name")
    p.add_argument("--name", required=True, help="the new entity's name")
    p.add_argument("--documents", nargs="+", metavar="DOC", help="the documents (IRIs or ids) whose mentions are the new entity")
    p.add_argument("--written", nargs="+", metavar="NAME", help="the mentions written with these names are the new entity")
    _common(p)
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("sameas", help="link a person or organization to an external identifier (a Wikidata QID), "
                                      "or --clear its links; with no identifier, print them")
    p.add_argument("entity", metavar="ENTITY", help="an IRI or a name")
    p.add_argument("target", metavar="QID-or-IRI", nargs="?", help="Q42, a Wikidata URL or an http(s) IRI")
    p.add_argument("--clear", action="store_true", help="clear this link (or every link of the entity)")
    _common(p)
    p.set_defaults(func=cmd_sameas)

    p = sub.add_parser("link", help="external identifiers from a CSV/TSV file: entity (IRI or name), wikidata (QID or IRI)")
    p.add_argument("file", metavar="FILE")
    _common(p)
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("curations", help="the curations of people and organizations: merges, splits, links")
    p.add_argument("--entity", help="only those about this entity (IRI or name)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_curations)
