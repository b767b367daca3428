"""An article's title, publisher, author, date and URL, from wherever they are given.

One rule for ``kb extract`` and ``kb ingest``, field by field, first found wins:

1. the command's flags (``--title``, ``--publisher``, ``--author``, ``--date``, ``--url``);
2. a JSON object beside the article, ``NAME.json`` for ``NAME.txt``;
3. a row of the metadata table (``--metadata FILE``, CSV or TSV) whose file-name
   column names the article, with or without its extension (PolNeAR's
   ``metadata.tsv``: ``filename``, ``publisher``, ``publication_date``, ``author``,
   ``title``);
4. for the date only, a leading `` date YYYY-MM-DD`` line in the text (read by the
   extractor).
"""

from __future__ import annotations

import csv
import datetime
import json
import os
from typing import Any, Mapping

from kb.errors import InputError

FIELDS = ("title", "publisher", "author", "date", "url")
# Column names that mean each field, lower-cased; the first that a table has is used.
ALIASES = {
    "file": ("filename", "file", "file_name", "path", "name", "document"),
    "title": ("title", "headline"),
    "publisher": ("publisher", "outlet", "source", "site"),
    "author": ("author", "authors", "byline"),
    "date": ("date", "publication_date", "published", "pubdate", "date_published"),
    "url": ("url", "link", "uri"),
}
# Cells that mean "not known" in exported tables.
MISSING = frozenset({"", "none", "null", "nan", "n/a", "-"})

Metadata = dict[str, str]
Table = dict[str, Metadata]


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return None if text.casefold() in MISSING else text


def _check_date(value: str, where: str) -> str:
    try:
        return datetime.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise InputError(f"{where}: date {value!r} is not YYYY-MM-DD") from None


def _keys(path: str) -> tuple[str, str]:
    base = os.path.basename(path)
    return base, os.path.splitext(base)[0]


def read_table(path: str | os.PathLike[str]) -> Table:
    """The rows of a CSV/TSV metadata table, keyed by file name and by its stem."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read metadata table {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"metadata table {name} is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first or name.endswith((".tsv", ".tab")) else ","
    rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
    header = {h.strip().lower(): h for h in (rows[0].keys() if rows else [])}
    columns = {f: next((header[a] for a in names if a in header), None) for f, names in ALIASES.items()}
    if columns["file"] is None:
        raise InputError(f"metadata table {name} has no file-name column "
                         f"(one of: {', '.join(ALIASES['file'])})")
    table: Table = {}
    for n, row in enumerate(rows, start=2):
        file = _clean(row.get(columns["file"]))
        if not file:
            continue
        meta: Metadata = {}
        for f in FIELDS:
            column = columns[f]
            value = _clean(row.get(column)) if column else None
            if value is not None:
                meta[f] = _check_date(value, f"{name} line {n}") if f == "date" else value
        for key in _keys(file):
            table[key] = meta
    return table


def read_sidecar(article: str | os.PathLike[str]) -> Metadata:
    """The fields of ``NAME.json`` beside ``NAME.txt``, or {} when there is none."""
    path = os.path.splitext(os.fspath(article))[0] + ".json"
    if path == os.fspath(article) or not os.path.isfile(path):
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a JSON object of article metadata ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a JSON object of article metadata")
    meta: Metadata = {}
    for f in FIELDS:
        value = next((_clean(data[a]) for a in ALIASES[f] if a in data and _clean(data[a])), None)
        if value is not None:
            meta[f] = _check_date(value, path) if f == "date" else value
    return meta


def resolve(article: str | os.PathLike[str], flags: Mapping[str, Any] | None = None,
            table: Table | None = None) -> Metadata:
    """The metadata of one article: flags, then ``NAME.json``, then the table's row."""
    meta: Metadata = {}
    row: Metadata = {}
    if table:
        base, stem = _keys(os.fspath(article))
        row = table.get(base) or table.get(stem) or {}
    for source in (row, read_sidecar(article), flags or {}):
        for f in FIELDS:
            value = source.get(f)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            value = _clean(value)
            if value is not None:
                meta[f] = value
    return meta


def resolve_all(paths: list[str], flags: Mapping[str, Any] | None = None,
                table_file: str | os.PathLike[str] | None = None) -> dict[str, Metadata]:
    """:func:`resolve` for every path, reading the table once."""
    table = read_table(table_file) if table_file else None
    return {os.fspath(p): resolve(p, flags, table) for p in paths}


def add_arguments(parser: Any) -> None:
    """The metadata flags of ``kb extract`` and ``kb ingest`` (``--date`` each defines itself)."""
    parser.add_argument("--title", help="the article's title")
    parser.add_argument("--publisher", help="the outlet that published it")
    parser.add_argument("--author", help="its author")
    parser.add_argument("--url", help="where it was published")
    parser.add_argument("--metadata", metavar="FILE",
                        help="a CSV/TSV table with a file-name column and title, publisher, author, "
                        "date, url columns (such as PolNeAR's metadata.tsv)")


def from_args(args: Any, paths: list[str]) -> dict[str, Metadata]:
    """Each path's metadata from parsed command-line flags (see :func:`add_arguments`)."""
    flags = {f: getattr(args, f, None) for f in FIELDS}
    return resolve_all(paths, flags, getattr(args, "metadata", None))
