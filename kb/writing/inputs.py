"""From input files to changes, and batches that report each file.

Every kind of input is recognized by its content (:func:`kb.formats.recognize`;
``--format`` only overrides) and turned into changes here, once, for the CLI,
the web upload and the library alike: article text (extracted), claim-record
JSON, ClaimReview, ClaimsKG, or any RDF syntax.

``kb ingest A B C`` writes each input as its own atomic write and reports it:
written, unchanged, or refused with the file's name and the first reason. One
bad file never costs the others; ``atomic=True`` makes the call all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from .. import iris
from ..errors import InputError, KBError, ParseError
from ..formats import REVIEW_KINDS, InputFile, media_type, parse_rdf, read_input, recognize
from ..record import ArticleRecord, parse_record
from .changes import Change, IngestResult, InputMeta, changes_from_rdf, changes_from_record_ox

if TYPE_CHECKING:  # pragma: no cover
    from ..knowledge import KnowledgeBase

__all__ = [
    "InputOutcome", "IngestReport", "ingest_paths", "ingest_bytes", "changes_for", "record_changes", "meta_for",
    "extract_all", "ingest_record_batches",
]


@dataclass
class InputOutcome:
    """What became of one input: ``written``, ``unchanged`` or ``refused`` (with ``error``)."""

    name: str
    status: str
    result: IngestResult | None = None
    error: str | None = None
    #: The SHACL report, when the input was refused by the shapes.
    report: Any = None

    def line(self) -> str:
        """``written a.txt: …``; a refusal is ``a.txt: the first reason`` (the CLI prefixes ``kb: error:``).
        Reasons from reading and parsing already start with the file's name."""
        name = os.path.basename(self.name)
        if self.status == "refused":
            reason = self.error or "refused"
            return reason if reason.startswith((self.name, name)) else f"{name}: {reason}"
        assert self.result is not None
        return f"{self.status} {name}: {self.result.summary()}"


@dataclass
class IngestReport(IngestResult):
    """An :class:`IngestResult` over many inputs, with each input's outcome."""

    inputs: list[InputOutcome] = field(default_factory=list)

    @property
    def refused(self) -> list[InputOutcome]:
        return [i for i in self.inputs if i.status == "refused"]

    def totals(self) -> str:
        """The closing line of ``kb ingest``."""
        n = {s: sum(1 for i in self.inputs if i.status == s) for s in ("written", "unchanged", "refused")}
        total = len(self.inputs)
        return (
            f"{total} input{'s' if total != 1 else ''}: {n['written']} written, {n['unchanged']} unchanged, "
            f"{n['refused']} refused; {self.triples} triples, {self.claims} claims written"
        )


def meta_for(item: InputFile, mime: str) -> InputMeta:
    return InputMeta(os.path.basename(item.name), iris.sha256_hex(item.data), mime)


def record_from_json(text: str, name: str) -> ArticleRecord:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise ParseError(f"{name}: malformed JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise ParseError(f"{name}: JSON nested too deeply") from None
    try:
        return parse_record(obj)
    except InputError as err:
        raise type(err)(f"{name}: {err}") from None


def record_changes(record: Mapping[str, Any] | ArticleRecord, name: str) -> list[Change]:
    """A claim record (the JSON ``kb extract`` prints, or the parsed record) as changes."""
    if not isinstance(record, ArticleRecord):
        data = json.dumps(record, sort_keys=True, ensure_ascii=False)
        record = parse_record(record)
    else:
        data = repr(record)
    return changes_from_record_ox(record, InputMeta(name, iris.sha256_hex(data), "application/json"))


def changes_for(kb: "KnowledgeBase", item: InputFile, record: ArticleRecord | None = None) -> list[Change]:
    """The changes one recognized input makes (``record``: an article's extracted record)."""
    if item.kind == "article":
        if record is None:
            from ..extract import extract_text

            record = parse_record(extract_text(item.text))
        return changes_from_record_ox(record, meta_for(item, "text/plain"))
    if item.kind == "record":
        return changes_from_record_ox(record_from_json(item.text, item.name), meta_for(item, "application/json"))
    name = os.path.basename(item.name)
    if item.kind == "claimreview":
        from ..importing.claimreview import claimreview_changes

        return claimreview_changes(kb, item.data, name=name)
    if item.kind in REVIEW_KINDS:
        from ..importing.claimskg import claimskg_changes

        return claimskg_changes(item.data, "csv" if item.kind == "claimskg-csv" else "turtle", name=name)
    ds = parse_rdf(item.text, item.kind, item.name)
    return changes_from_rdf(ds, meta_for(item, media_type(item.kind)))


Extractor = Callable[[list[InputFile]], Mapping[str, "ArticleRecord | KBError"]]


def ingest_paths(
    kb: "KnowledgeBase",
    paths: Sequence[str | os.PathLike[str]],
    *,
    fmt: str | None = None,
    extract: Extractor,
    atomic: bool = False,
    agent: str | None = None,
    reason: str | None = None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda items: items,
) -> IngestReport:
    """Read, recognize and write every input; see the module docstring."""
    report = IngestReport()
    if fmt:
        from ..formats import INPUT_KINDS, canonical_format

        fmt if fmt in INPUT_KINDS else canonical_format(fmt)  # a wrong --format fails the call, before any file
    items: list[tuple[str, InputFile | KBError | str]] = []
    for path in paths:
        try:
            dump = _dump_kind(path, fmt)
            items.append(
                (str(path), dump if dump and not (atomic and len(paths) > 1) else read_input(os.fspath(path), fmt))
            )
        except KBError as err:
            if atomic:
                raise
            items.append((str(path), err))
    articles = [item for _name, item in items if isinstance(item, InputFile) and item.kind == "article"]
    records = extract(articles) if articles else {}
    pending: list[Change] = []
    for name, item in progress(items):
        try:
            if isinstance(item, KBError):
                raise item
            if isinstance(item, str):  # a large dump, streamed in batches (kb.writing.dumps)
                from .dumps import ingest_dump

                result = ingest_dump(kb, name, item, agent=agent, reason=reason)
                report.merge(result)
                report.inputs.append(InputOutcome(name, "written" if result.changed else "unchanged", result))
                continue
            extracted = records.get(item.name) if item.kind == "article" else None
            if isinstance(extracted, KBError):
                raise extracted
            changes = changes_for(kb, item, extracted)
            if atomic:
                pending.extend(changes)
                continue
            result = kb.commit(changes, agent=agent, reason=reason)
        except KBError as err:
            if atomic:
                raise
            report.inputs.append(InputOutcome(name, "refused", error=str(err), report=getattr(err, "report", None)))
            continue
        report.merge(result)
        report.inputs.append(InputOutcome(name, "written" if result.changed else "unchanged", result))
    if atomic:
        result = kb.commit(pending, agent=agent, reason=reason)
        report.merge(result)
        report.inputs = [
            InputOutcome(name, "written" if result.changed else "unchanged", result) for name, _ in items
        ]
    return report


def _dump_kind(path: str | os.PathLike[str], fmt: str | None) -> str | None:
    """The RDF format of a file pyoxigraph's streaming parser reads (kb.writing.dumps), else
    None. A file whose first megabyte says it is a ClaimsKG export goes to the ClaimsKG
    importer instead."""
    from ..formats import _kind
    from .dumps import streams

    kind = _kind(os.fspath(path), fmt)
    if not streams(os.fspath(path), kind):
        return None
    with open(path, "rb") as f:
        head = f.read(1 << 20).decode("utf-8", "ignore")
    from ..formats import BY_CONTENT

    if any(kind in kinds and test(head) for kinds, test, _to in BY_CONTENT):
        return None
    return kind


def ingest_record_batches(
    kb: "KnowledgeBase",
    records: Iterable[Mapping[str, Any] | ArticleRecord],
    *,
    batch_size: int,
    name: str,
    on_batch: Callable[[IngestResult], None] | None,
) -> IngestResult:
    """``KnowledgeBase.ingest_records``: ``batch_size`` records per validated write; the
    derived indexes follow once, after the last batch written."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = IngestResult()
    batch: list[Change] = []

    def flush() -> None:
        part = kb.commit(batch, notify=False)
        total.merge(part)
        if on_batch is not None:
            on_batch(part)
        batch.clear()

    try:
        for n, record in enumerate(records, 1):
            batch.extend(record_changes(record, name))
            if n % batch_size == 0:
                flush()
        if batch:
            flush()
    finally:
        if total.changed:
            kb.notify(total)  # the derived indexes follow once, after the last batch written
    return total


def ingest_bytes(
    kb: "KnowledgeBase", data: bytes, name: str, *, fmt: str | None = None,
    agent: str | None = None, reason: str | None = None,
) -> IngestResult:
    """One input given as bytes (the web upload): recognized and written exactly as
    ``kb ingest`` would write a file of that name and content."""
    return kb.commit(changes_for(kb, recognize(name, data, fmt)), agent=agent, reason=reason)


def extract_all(articles: list[InputFile], date: dt.date | None, **options: Any) -> dict[str, "ArticleRecord | KBError"]:
    """Extract the claims of many articles in one pass of the model; a file whose
    extraction fails is reported on its own."""
    from ..extract import extract_files

    out: dict[str, ArticleRecord | KBError] = {}
    try:
        records = extract_files([a.name for a in articles], date=date, **options)
    except KBError:
        records = None
    if records is not None:
        for a, rec in zip(articles, records):
            try:
                out[a.name] = parse_record(rec)
            except KBError as err:
                out[a.name] = err
        return out
    for a in articles:  # one of them failed: find which, keep the others
        try:
            out[a.name] = parse_record(extract_files([a.name], date=date, **options)[0])
        except KBError as err:
            out[a.name] = err
    return out
