"""The built-in subcommands of ``kb``: init, ingest, extract, validate, query, export, stats."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Sequence, TypeVar

from ..errors import InputError, UnknownFormatError, ValidationError
from ..formats import EXPORT_FORMATS, FORMAT_ALIASES, RDF_FORMATS

T = TypeVar("T")

RESULT_FORMATS = ("table", "json", "xml", "csv", "tsv")


def _kb(args: argparse.Namespace, **options: Any) -> Any:
    from ..knowledge import KnowledgeBase

    served = getattr(args, "served_kb", None)
    if served is not None:  # run inside `kb serve` for a client (kb.service): use its open store, keep it open
        from contextlib import nullcontext

        return nullcontext(served)
    return KnowledgeBase(args.store, **options)


def _kb_reader(args: argparse.Namespace, **options: Any) -> Any:
    """A read-only view: commands that only read work while `kb serve` holds the store."""
    from ..store import is_remote

    if not is_remote(args.store) and not os.path.isdir(args.store):
        from ..errors import StoreError

        raise StoreError(f"no knowledge base at {args.store} (create one with `kb init` or `kb ingest`)")
    return _kb(args, read_only=True, **options)


def _progress(description: str) -> Any:
    """A tqdm progress bar on stderr, shown only when stderr is a terminal."""

    def wrap(items: Iterable[T]) -> Iterable[T]:
        from tqdm import tqdm

        return tqdm(items, desc=description, unit="item", disable=None, leave=False, file=sys.stderr)

    return wrap


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a YYYY-MM-DD date") from None


def _write(data: bytes, output: str | None) -> None:
    if output and output != "-":
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


# -- init --------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    with _kb(args) as kb:
        n = kb.stats()["triples"]
    state = "empty" if n == 0 else f"{n} triples"
    print(f"knowledge base ready at {args.store} ({state})")
    return 0


# -- ingest ------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    """Each input its own atomic write, each reported; exit 1 if any was refused."""
    from ..extract.metadata import from_args

    from ..extract import cluster

    with _kb(args) as kb:
        try:
            if cluster.requested(args):  # articles extracted on a Dask cluster (--cluster, -j)
                report = cluster.ingest_on_cluster(
                    kb, args, from_args(args, args.files), atomic=args.atomic, agent=agent_of(args),
                    reason=args.reason, progress=_progress("ingest"),
                )
            else:
                report = kb.ingest_files(
                    args.files, fmt=args.format, date=args.date, atomic=args.atomic, agent=agent_of(args),
                    reason=args.reason, progress=_progress("ingest"), metadata=from_args(args, args.files),
                )
        except ValidationError as err:
            if args.report and err.report is not None:
                Path(args.report).write_text(err.report.text(), encoding="utf-8")
            raise
    reports = [o for o in report.refused if o.report is not None]
    if args.report and reports:
        Path(args.report).write_text(
            "".join(o.report.text() if len(reports) == 1 else f"{o.name}:\n{o.report.text()}" for o in reports),
            encoding="utf-8",
        )
    for outcome in report.inputs:
        if outcome.status == "refused":
            print(f"kb: error: {outcome.line()}", file=sys.stderr)
        else:
            print(outcome.line())
    print(report.totals())
    return 1 if report.refused else 0


def agent_of(args: argparse.Namespace) -> str:
    """Who asked for a write, as provenance records it: the token's name when a
    server runs the command for a client, else the command line."""
    served = getattr(args, "agent", None)
    if served:
        return str(served)
    line = " ".join(["kb", *sys.argv[1:]]) if sys.argv and sys.argv[1:] else f"kb {args.command}"
    return line if len(line) <= 200 else line[:199] + "…"


# -- extract -----------------------------------------------------------------
def cmd_extract(args: argparse.Namespace) -> int:
    from ..extract import cluster, extract_files
    from ..extract.metadata import from_args

    errors: list[str] = []  # per-file failures on a cluster: reported after the others' records
    records: Any
    if cluster.requested(args):
        records = cluster.stream_records(args, from_args(args, args.files), errors)
        records = records if args.format == "jsonl" else list(records)
    else:
        records = extract_files(args.files, date=args.date, metadata=from_args(args, args.files))
    out = sys.stdout
    if args.format == "jsonl":
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif args.format == "json":
        body = records[0] if len(records) == 1 else records
        out.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
    elif args.format == "turtle":
        from rdflib import Graph

        from ..writing.mapping import record_to_graph
        from ..record import parse_record
        from ..vocab import PREFIXES

        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for rec in records:
            graph += record_to_graph(parse_record(rec))[1]
        out.write(graph.serialize(format="turtle"))
    else:
        for rec in records:
            out.write(_claims_table(rec))
    out.flush()
    for line in errors:
        print(f"kb: {line}", file=sys.stderr)
    return 1 if errors else 0


def _claims_table(record: dict[str, Any]) -> str:
    rows = [("kind", "speaker", "cue", "span", "text")]
    for c in record["claims"]:
        speaker = (c.get("speaker") or {}).get("name") or "—"
        cue = (c.get("cue") or {}).get("text") or "—"
        text = c["text"] if len(c["text"]) <= 60 else c["text"][:59] + "…"
        rows.append((c["kind"], speaker, cue, f"{c['start']}-{c['end']}", text))
    header = f"{record.get('file', 'document')}: {len(record['claims'])} claims\n"
    return header + format_table(rows) + "\n"


def format_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


# -- validate ----------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    with _kb_reader(args) as kb:
        report = kb.validate(progress=_progress("validate"))
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=1))
    else:
        sys.stdout.write(report.text())
    if not report.conforms:
        print(f"kb: invalid: {report.summary()}", file=sys.stderr)
        return 1
    return 0


# -- query -------------------------------------------------------------------
def _query_text(args: argparse.Namespace) -> str:
    if args.file:
        if args.query:
            raise InputError("give the query as an argument or with --file, not both")
        if args.file == "-":
            return sys.stdin.read()
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{args.file}: no such file") from None
        except UnicodeDecodeError:
            raise InputError(f"{args.file}: not UTF-8 text") from None
    if not args.query:
        raise InputError("no query: give it as an argument or with --file FILE")
    return str(args.query)


def cmd_query(args: argparse.Namespace) -> int:
    text = _query_text(args)
    fmt = args.format
    with _kb_reader(args, query_timeout=args.timeout, query_workers=1) as kb:  # one query: one worker
        from ..querying.results import wire_format
        from ..querying.syntax import check_read_only

        wire = wire_format(check_read_only(text), fmt)
        outcome = kb.query(text, result_format=wire, max_rows=args.max_rows)
    if fmt == "table" and outcome.form in ("SELECT", "ASK"):
        sys.stdout.write(_results_table(json.loads(outcome.body)))
    else:
        _write(outcome.body, None)
    if outcome.truncated:
        print(f"kb: warning: results cut at {outcome.rows} rows (raise --max-rows)", file=sys.stderr)
    return 0


def _results_table(doc: dict[str, Any]) -> str:
    if "boolean" in doc:
        return ("true" if doc["boolean"] else "false") + "\n"
    names = doc["head"]["vars"]
    rows = [names] + [[b.get(n, {}).get("value", "") for n in names] for b in doc["results"]["bindings"]]
    n = len(rows) - 1
    return format_table(rows) + f"({n} row{'s' if n != 1 else ''})\n"


# -- export ------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    if args.format.lower() not in EXPORT_FORMATS and args.format.lower() not in FORMAT_ALIASES:
        raise UnknownFormatError(f"unknown export format {args.format!r} (use one of: {', '.join(EXPORT_FORMATS)})")
    with _kb_reader(args) as kb:
        data = kb.export(args.format, document=args.document, include_provenance=args.include_provenance)
    _write(data, args.output)
    return 0


# -- stats -------------------------------------------------------------------
def cmd_stats(args: argparse.Namespace) -> int:
    with _kb_reader(args) as kb:
        stats = kb.stats()
    if args.json:
        print(json.dumps(stats))
    else:
        for key, value in stats.items():
            print(f"{key:<14}{value:>10}")
    return 0


def _metadata_flags(parser: argparse.ArgumentParser) -> None:
    from ..extract.metadata import add_arguments  # light: no spaCy

    add_arguments(parser)


def _cluster_flags(parser: argparse.ArgumentParser) -> None:
    from ..extract.cluster import add_arguments  # light: Dask is imported only when asked for

    add_arguments(parser)


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create an empty knowledge base (or check an existing one)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("ingest", help="validate and store articles, claim records or RDF")
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt article, .json claim record, or RDF")
    p.add_argument("--format", help="read every FILE as: record, article, claimreview, claimskg, claimskg-csv, "
                   "or an RDF format (default: by suffix)")
    p.add_argument("--date", type=_date, help="the publication date of .txt articles (YYYY-MM-DD)")
    p.add_argument("--report", metavar="FILE", help="write the full SHACL report here if the data is rejected")
    p.add_argument("--atomic", action="store_true",
                   help="one all-or-nothing write for every FILE (default: each FILE is its own write)")
    p.add_argument("--reason", help="why: recorded in the provenance and on any version this replaces")
    _metadata_flags(p)
    _cluster_flags(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("extract", help="print the claims found in article files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--date", type=_date, help="the article date (default: each file's leading date line)")
    p.add_argument("--format", choices=("json", "jsonl", "turtle", "table"), default="json")
    _metadata_flags(p)
    _cluster_flags(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("validate", help="validate the whole knowledge base against the shapes")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a read-only SPARQL query")
    p.add_argument("query", nargs="?", help="the query text")
    p.add_argument("-f", "--file", help="read the query from FILE (- for stdin)")
    p.add_argument("--format", default="table", choices=RESULT_FORMATS + tuple(RDF_FORMATS),
                   help="table, json, xml, csv or tsv for SELECT/ASK; table (Turtle), an RDF format, "
                   "json (JSON-LD) or xml (RDF/XML) for CONSTRUCT/DESCRIBE")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before the query is stopped (default 30)")
    p.add_argument("--max-rows", type=int, default=100_000, help="cut results after this many rows")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="write the knowledge base, or one document, as RDF; or its reviews as ClaimReview")
    p.add_argument("--format", default="trig", help=", ".join(EXPORT_FORMATS) + " (default trig; claimreview: "
                   "every review as ClaimReview JSON-LD)")
    p.add_argument("--document", help="only this document (its IRI or id)")
    p.add_argument("--include-provenance", action="store_true", help="add the graph of ingest provenance")
    p.add_argument("-o", "--output", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="count triples, claims, people, organizations and documents")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_stats)
