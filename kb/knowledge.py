"""The :class:`KnowledgeBase`: kb's one entry point over a store."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from rdflib import Graph, URIRef
from rdflib.term import Node

from . import iris
from .errors import InputError, NotFoundError, ParseError, QueryError, QueryTimeoutError, UnknownFormatError
from .formats import REVIEW_KINDS, InputFile, canonical_format, media_type, parse_rdf, read_input
from .ingest import (
    Change,
    IngestResult,
    InputMeta,
    apply_batches,
    apply_changes,
    changes_from_rdf,
    changes_from_record_ox as changes_from_record,
)
from .record import ArticleRecord, parse_record
from .results import SELECT_FORMATS
from .sandbox import QueryOutcome, QueryPool, QueryRequest
from .sparql import check_read_only
from .store import Backend, open_backend
from .store.convert import plain
from .validation import ValidationReport, subjects_and_objects, validate_graph
from .vocab import RDF, SPARQL_PREFIXES

__all__ = ["KnowledgeBase", "default_location"]

T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 10_000


def default_location() -> str:
    """``$KB_STORE``, else ``./kb-data``."""
    return os.environ.get("KB_STORE") or "./kb-data"


def _no_progress(items: Iterable[T], **_: Any) -> Iterable[T]:
    return items


class KnowledgeBase:
    """A claim knowledge base over a persistent store.

    >>> kb = KnowledgeBase("kb-data")            # embedded Oxigraph on disk
    >>> kb.ingest_files(["article.txt"])         # extract, validate, write
    >>> kb.query("SELECT * WHERE { ?s ?p ?o } LIMIT 3").body
    """

    def __init__(
        self,
        location: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        query_timeout: float = DEFAULT_TIMEOUT,
        max_rows: int = DEFAULT_MAX_ROWS,
        query_workers: int = 2,
    ) -> None:
        self.location = str(location) if location is not None else default_location()
        self.backend: Backend = open_backend(self.location, read_only=read_only)
        self.query_timeout = query_timeout
        self.max_rows = max_rows
        self._query_workers = query_workers
        self._pool: QueryPool | None = None

    # -- context management ---------------------------------------------------
    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        self.backend.close()

    # -- ingest ---------------------------------------------------------------
    def ingest_files(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        fmt: str | None = None,
        date: dt.date | None = None,
        progress: Progress[Any] = _no_progress,
    ) -> IngestResult:
        """Ingest files (RDF, claim-record JSON, or article text) in one all-or-nothing write."""
        inputs = [read_input(p, fmt) for p in paths]
        changes: list[Change] = []
        articles = [i for i in inputs if i.kind == "article"]
        records = self._extract(articles, date) if articles else {}
        for item in progress(inputs):
            if item.kind == "article":
                changes += changes_from_record(records[item.name], _meta(item, "text/plain"))
            elif item.kind == "record":
                changes += changes_from_record(_record_from_json(item.text, item.name), _meta(item, "application/json"))
            elif item.kind in REVIEW_KINDS:
                changes += self._review_changes(item)
            else:
                ds = parse_rdf(item.text, item.kind, item.name)
                changes += changes_from_rdf(ds, _meta(item, media_type(item.kind)))
        return apply_changes(self.backend, changes, progress=progress)

    def ingest_record(self, record: Mapping[str, Any] | ArticleRecord, *, name: str = "record.json") -> IngestResult:
        """Ingest one claim record (the JSON that ``kb extract`` prints)."""
        if not isinstance(record, ArticleRecord):
            data = json.dumps(record, sort_keys=True, ensure_ascii=False)
            record = parse_record(record)
        else:
            data = repr(record)
        meta = InputMeta(name, iris.sha256_hex(data), "application/json")
        return apply_changes(self.backend, changes_from_record(record, meta))

    def ingest_records(
        self,
        records: Iterable[Mapping[str, Any] | ArticleRecord],
        *,
        batch_size: int = 100,
        name: str = "record.json",
        on_batch: Callable[[IngestResult], None] | None = None,
    ) -> IngestResult:
        """Ingest many claim records, ``batch_size`` documents per validated write.

        The bulk counterpart of :meth:`ingest_record` (same triples, provenance and
        input hashes, so re-ingesting with either changes nothing). Each batch is
        all-or-nothing; when a batch is rejected (:class:`~kb.errors.ValidationError`,
        :class:`~kb.errors.InputError`...) the batches before it stay written
        (``on_batch`` is called with the result of each written batch). On the
        embedded store the write of a batch overlaps the validation of the next.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")

        def changes(record: Mapping[str, Any] | ArticleRecord) -> list[Change]:
            if not isinstance(record, ArticleRecord):
                data = json.dumps(record, sort_keys=True, ensure_ascii=False)
                record = parse_record(record)
            else:
                data = repr(record)
            return changes_from_record(record, InputMeta(name, iris.sha256_hex(data), "application/json"))

        def batches() -> Iterable[list[Change]]:
            batch: list[Change] = []
            for n, record in enumerate(records, 1):
                batch += changes(record)
                if n % batch_size == 0:
                    yield batch
                    batch = []
            if batch:
                yield batch

        return apply_batches(self.backend, batches(), on_batch=on_batch)

    def ingest_rdf(self, data: bytes | str, fmt: str, *, name: str = "upload") -> IngestResult:
        fmt = canonical_format(fmt)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        ds = parse_rdf(raw, fmt, name)
        meta = InputMeta(name, iris.sha256_hex(raw), media_type(fmt))
        return apply_changes(self.backend, changes_from_rdf(ds, meta))

    def ingest_article(
        self, text: str, *, name: str = "article.txt", date: dt.date | None = None, **document: str | None
    ) -> IngestResult:
        """Extract the claims of an article's text and ingest them."""
        from .extract import extract_text

        record = parse_record(extract_text(text, date=date, **document))
        meta = InputMeta(name, iris.sha256_hex(text), "text/plain")
        return apply_changes(self.backend, changes_from_record(record, meta))

    def _review_changes(self, item: InputFile) -> list[Change]:
        name = os.path.basename(item.name)
        if item.kind == "claimreview":
            from .claimreview import claimreview_changes

            return claimreview_changes(self, item.data, name=name)
        from .claimskg import claimskg_changes

        return claimskg_changes(item.data, "csv" if item.kind == "claimskg-csv" else "turtle", name=name)

    def _extract(self, articles: list[InputFile], date: dt.date | None) -> dict[str, ArticleRecord]:
        from .extract import extract_files

        out = extract_files([a.name for a in articles], date=date)
        return {a.name: parse_record(rec) for a, rec in zip(articles, out)}

    # -- validation -------------------------------------------------------------
    def validate(self, *, progress: Progress[URIRef] = _no_progress, batch_triples: int = 50_000) -> ValidationReport:
        """Validate the whole knowledge base.

        On the embedded store with the SPARQL engine, the shapes run as queries on
        the store itself; otherwise graph by graph, each with its context.
        """
        from .store.embedded import EmbeddedBackend
        from .validation import engine, validate_store

        if isinstance(self.backend, EmbeddedBackend) and engine() == "sparql":
            return validate_store(self.backend.store)
        report = ValidationReport(conforms=True)
        batch = Graph()
        focus: set[URIRef] = set()

        def flush() -> None:
            nonlocal batch, focus
            if not focus:
                return
            context = Graph()
            for node in subjects_and_objects(batch):
                for s, p, o, _g in self.backend.triples(node):
                    context.add((s, p, o))
            linked = {o for o in context.objects() if isinstance(o, URIRef)} - set(context.subjects())
            for node in linked:
                for s, p, o, _g in self.backend.triples(node):
                    if p == RDF.type:
                        context.add((s, p, o))
            part = validate_graph(batch + context, sorted(focus))
            report.conforms = report.conforms and part.conforms
            report.violations.extend(part.violations)
            report.focus_count += part.focus_count
            batch, focus = Graph(), set()

        for graph in progress(self.backend.graphs()):
            for s, p, o, _g in self.backend.triples(None, graph):
                batch.add((s, p, o))
                if isinstance(s, URIRef):
                    focus.add(s)
            if len(batch) >= batch_triples:
                flush()
        flush()
        report.violations = sorted(set(report.violations), key=lambda v: (str(v.focus), str(v.path), v.message))
        return report

    # -- queries ----------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        result_format: str | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryOutcome:
        """Run a user's read-only query with a time limit and a row cap.

        SELECT and ASK results come as ``json`` (default), ``xml``, ``csv`` or
        ``tsv``; CONSTRUCT and DESCRIBE as an RDF format (default ``turtle``).
        Raises :class:`~kb.errors.ReadOnlyError` for updates and SERVICE,
        :class:`~kb.errors.ParseError` for syntax errors, and
        :class:`~kb.errors.QueryTimeoutError` past the time limit.
        """
        form = check_read_only(sparql)
        if form in ("SELECT", "ASK"):
            fmt = result_format or "json"
            if fmt not in SELECT_FORMATS:
                raise UnknownFormatError(f"unknown result format {fmt!r} for {form} (use json, xml, csv or tsv)")
        else:
            fmt = canonical_format(result_format or "turtle")
        if not default_graphs:
            # The default graph is the union of the content graphs: what users ask
            # about. Ingest provenance stays reachable as a named graph.
            default_graphs = [str(g) for g in self.content_graphs()] or [str(iris.graph_iri("empty"))]
        request = QueryRequest(
            query=sparql,
            form=form,
            result_format=fmt,
            max_rows=max_rows or self.max_rows,
            default_graphs=tuple(default_graphs),
            named_graphs=tuple(named_graphs) if named_graphs else None,
        )
        limit = timeout or self.query_timeout
        status, payload = self._user_query(request, limit)
        if status == "ok":
            return payload
        if status == "timeout":
            raise QueryTimeoutError(f"the query ran longer than {limit:g} s and was stopped")
        if status == "syntax":
            raise ParseError(f"SPARQL syntax error: {payload}")
        raise QueryError(payload)

    def _user_query(self, request: QueryRequest, timeout: float) -> tuple[str, Any]:
        remote = getattr(self.backend, "user_query", None)
        if remote is not None:  # a SPARQL server enforces limits itself
            return remote(request, timeout)
        if self._pool is None:
            self._pool = QueryPool(self.backend.location, size=self._query_workers)
        return self._pool.run(request, timeout)

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Any]]:
        """Run a trusted SELECT (kb's own queries) and return rows of plain Python values.

        Values are passed as ``bindings`` (variable name → rdflib term), never
        pasted into the text. Bound variables must be in the projection.
        """
        _names, rows = self.backend.select(SPARQL_PREFIXES + sparql, bindings)
        return [{k: plain(v) for k, v in row.items()} for row in rows]

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return self.backend.ask(SPARQL_PREFIXES + sparql, bindings)

    def update(self, sparql: str) -> IngestResult:
        """Run a SPARQL Update through SHACL validation, atomically (see kb.update)."""
        from .update import apply_update

        return apply_update(self, sparql)

    # -- export and statistics --------------------------------------------------
    def content_graphs(self) -> list[URIRef]:
        return [g for g in self.backend.graphs() if g != iris.PROVENANCE_GRAPH]

    def document_graph(self, document: str) -> URIRef:
        """The graph of a document given by IRI or id."""
        doc_id = document.rstrip("/").rsplit("/", 1)[-1]
        graph = iris.graph_iri(doc_id)
        if not self.backend.has_graph(graph):
            raise NotFoundError(f"no document {document!r} in the knowledge base")
        return graph

    def export(self, fmt: str = "trig", *, document: str | None = None, include_provenance: bool = False) -> bytes:
        """Serialize the knowledge base (or one document's graph) in an RDF format."""
        fmt = canonical_format(fmt)
        if document is not None:
            graphs = [self.document_graph(document)]
        else:
            graphs = self.content_graphs()
        if include_provenance and self.backend.has_graph(iris.PROVENANCE_GRAPH):
            graphs.append(iris.PROVENANCE_GRAPH)
        return self.backend.dump(fmt, graphs)

    def stats(self) -> dict[str, int]:
        rows = self.select(
            """
            SELECT
              (SUM(IF(?t = schema:Claim, 1, 0)) AS ?claims)
              (SUM(IF(?t = schema:Person, 1, 0)) AS ?people)
              (SUM(IF(?t = schema:Organization, 1, 0)) AS ?organizations)
              (SUM(IF(?t = schema:NewsArticle, 1, 0)) AS ?documents)
              (SUM(IF(?t = schema:ClaimReview, 1, 0)) AS ?reviews)
            WHERE {
              { SELECT DISTINCT ?s ?t WHERE {
                  VALUES ?t { schema:Claim schema:Person schema:Organization schema:NewsArticle schema:ClaimReview }
                  ?s a ?t } }
            }
            """
        )
        row = rows[0] if rows else {}
        out = {"triples": self.backend.count()}
        for key in ("claims", "people", "organizations", "documents", "reviews"):
            out[key] = int(row.get(key) or 0)
        out["graphs"] = len(self.content_graphs())
        return out


def _meta(item: InputFile, mime: str) -> InputMeta:
    return InputMeta(os.path.basename(item.name), iris.sha256_hex(item.data), mime)


def _record_from_json(text: str, name: str) -> ArticleRecord:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise ParseError(f"{name}: malformed JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    try:
        return parse_record(obj)
    except InputError as err:
        raise type(err)(f"{name}: {err}") from None
