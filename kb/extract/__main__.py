"""python -m kb.extract FILE... [--date YYYY-MM-DD] [--format json|jsonl|table] [--title ...] [--metadata FILE]"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from typing import Any, TextIO

from kb.errors import KBError
from kb.extract.metadata import add_arguments, from_args


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="kb extract", description="Find the claims in news article files.")
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("--date", type=parse_date, help="article date; overrides a leading date line")
    ap.add_argument("--format", choices=("json", "jsonl", "table"), default="json")
    add_arguments(ap)
    return ap


def write(records: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
    elif fmt == "json":
        body: Any = records[0] if len(records) == 1 else records
        out.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    else:
        for r in records:
            out.write(f"# {r['file']}\n")
            for c in r["claims"]:
                who = (c["speaker"] or {}).get("name") or "-"
                cue = (c["cue"] or {}).get("text") or "-"
                text = c["text"].replace("\n", " ")
                out.write(f"{c['start']:>6} {c['end']:>6}  {c['kind']:<13} {who[:24]:<24} {cue[:12]:<12} "
                          f"{c['date'] or '-':<10} {text[:70]}\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from kb.extract import extract_files  # imported here: `--help` must not load spaCy
    try:
        records = extract_files(args.files, date=args.date, metadata=from_args(args, args.files))
    except KBError as exc:
        print(f"kb extract: {exc}", file=sys.stderr)
        return 1
    write(records, args.format, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
