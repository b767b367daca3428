"""``kb match``: has this claim been fact-checked? Ranks the stored ClaimReviews for each claim."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["register", "cmd_match"]

FORMATS = ("table", "jsonl")


def _claims(args: argparse.Namespace) -> list[str]:
    """One FILE argument that exists is a file of claims, one a line; otherwise the words are the claim(s)."""
    if len(args.claims) == 1 and (args.claims[0] == "-" or os.path.isfile(args.claims[0])):
        name = args.claims[0]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text") from None
        lines = [" ".join(line.split()) for line in text.splitlines()]
        if not any(lines):
            raise InputError(f"{name}: holds no claim (one claim a line)")
        return lines
    claims = [" ".join(c.split()) for c in args.claims]
    if not any(claims):
        raise InputError("no claim: give its text, or a FILE with one claim a line")
    return claims


def cmd_match(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise InputError(f"--top must be at least 1, not {args.top}")
    claims = _claims(args)
    from ..matching import match_many
    from .commands import _kb_reader

    with _kb_reader(args) as kb:
        # Blank lines keep their place (one output line per input line) and match nothing.
        todo = [c for c in claims if c]
        found = iter(match_many(kb, todo, args.top) if todo else [])
        results = [next(found) if c else [] for c in claims]
    out = sys.stdout
    for claim, matches in zip(claims, results):
        rows = [_row(m) for m in matches]
        if args.format == "jsonl":
            out.write(json.dumps({"claim": claim, "matches": rows}, ensure_ascii=False) + "\n")
        else:
            out.write(_table(claim, rows))
    out.flush()
    return 0


def _row(m: Any) -> dict[str, Any]:
    return {"review": m.review, "url": m.url, "claim_reviewed": m.claim_reviewed, "verdict": m.verdict,
            "rating": m.rating, "fact_checker": m.author, "claim": m.claim, "score": m.score}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(claim: str, rows: list[dict[str, Any]]) -> str:
    from .commands import format_table

    head = f"{_clip(claim, 100)}\n"
    if not rows:
        return head + "  no stored review matches\n\n"
    table = [("#", "score", "verdict", "claim reviewed", "url")]
    for i, r in enumerate(rows, 1):
        table.append((str(i), f"{r['score']:.3f}", r["verdict"], _clip(r["claim_reviewed"], 60), r["url"] or r["review"]))
    return head + "".join("  " + line + "\n" for line in format_table(table).splitlines()) + "\n"


def register(sub: Any) -> None:
    p = sub.add_parser("match", help="has this been fact-checked? rank stored ClaimReviews for each claim")
    p.add_argument("claims", nargs="+", metavar="TEXT|FILE",
                   help="the claim's words, or one FILE with one claim a line (- for stdin)")
    p.add_argument("--top", type=int, default=5, metavar="K", help="reviews per claim (default 5)")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table (default), or jsonl: one JSON object a claim, in input order")
    p.set_defaults(func=cmd_match)
