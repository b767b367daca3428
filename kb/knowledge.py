"""The :class:`KnowledgeBase`: kb's one entry point over a store."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from rdflib import URIRef
from rdflib.term import Node

from . import iris
from .errors import KBError, NotFoundError, ParseError, QueryError, QueryTimeoutError, UnknownFormatError
from .formats import InputFile, canonical_format, media_type
from .writing.changes import Change, IngestResult, InputMeta, changes_from_record_ox as changes_from_record
from .writing.history import History, Version, history_location
from .writing.inputs import IngestReport, extract_all, ingest_bytes, ingest_paths, ingest_record_batches, record_changes
from .record import ArticleRecord, parse_record
from .querying.results import SELECT_FORMATS
from .querying.sandbox import QueryOutcome, QueryPool, QueryRequest
from .querying.syntax import check_read_only, keywords, syntax_message, with_prefixes
from .store import Backend, open_backend
from .store.convert import plain
from .validating import ValidationReport
from .vocab import PREFIXES, SPARQL_PREFIXES

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
        query_workers: int | None = None,
    ) -> None:
        self.location = str(location) if location is not None else default_location()
        self.read_only = read_only
        from . import baseiri
        from .store import is_remote
        from .tracking import link_hook  # the same quote across articles, claim relations

        embedded = not is_remote(self.location)
        #: The namespace of the IRIs this store mints (KB_BASE_IRI; refused if the store has another).
        self.base_iri = baseiri.resolve(self.location, embedded=embedded)
        self.backend: Backend = open_backend(self.location, read_only=read_only)
        if embedded and not read_only:
            baseiri.record(self.location, self.base_iri)
        self._history: History | None = None
        #: Called after every commit: keep what kb derives from the store (the browse
        #: index, caches) in step, in the same step as the write.
        self._hooks: list[Callable[[IngestResult], None]] = [_refresh_derived(self), link_hook(self)]
        self._layout_marked = False
        if not read_only:
            self.upgrade()
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
        from .browse.store import close_index
        from .tracking.link import close_tracking_index

        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._history is not None:
            self._history.close()
        close_index(self)  # the derived indexes' SQLite connections: file descriptors, not data
        close_tracking_index(self)
        self.backend.close()

    # -- writing --------------------------------------------------------------
    # Every write below ends in commit(): kb.writing.pipeline, the one write path.
    def commit(
        self,
        changes: Sequence[Change],
        *,
        agent: str | None = None,
        reason: str | None = None,
        action: str | None = None,
        progress: Progress[Any] = _no_progress,
        notify: bool = True,
    ) -> IngestResult:
        """Validate and write ``changes`` in one transaction (see :mod:`kb.writing.pipeline`).

        ``notify=False`` leaves the after-commit hooks (browse index, caches) to one
        :meth:`notify` call after many writes: what bulk loads do, so that keeping the
        derived indexes in step costs once per load, not once per batch."""
        from .writing.pipeline import commit
        from .writing.upgrade import mark_current

        result = commit(
            self.backend, changes, history=self.history, agent=agent, reason=reason, action=action,
            hooks=self._hooks if notify else (), progress=progress,
        )
        if result.changed and not self._layout_marked:
            mark_current(self.backend)  # a new store: written in the current layout from the start
            self._layout_marked = True
        return result

    def notify(self, result: IngestResult) -> None:
        """Run the after-commit hooks for writes made with ``commit(notify=False)``."""
        for hook in self._hooks:
            hook(result)

    @property
    def history(self) -> History:
        """The archive of replaced and removed graphs (:mod:`kb.writing.history`)."""
        if self._history is None:
            self._history = History(history_location(self.location), read_only=self.read_only)
        return self._history

    def ingest_files(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        fmt: str | None = None,
        date: dt.date | None = None,
        atomic: bool = False,
        agent: str | None = None,
        reason: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        progress: Progress[Any] = _no_progress,
    ) -> IngestReport:
        """Ingest files of any kind kb reads, recognized by their content.

        Each input is its own atomic write and is reported on its own
        (``report.inputs``: written, unchanged or refused with the reason); with
        ``atomic`` the whole call is one all-or-nothing write, and the first
        error is raised. ``metadata`` is passed to the extractor for articles.
        """
        options: dict[str, Any] = {"metadata": metadata} if metadata else {}
        return ingest_paths(
            self, paths, fmt=fmt, atomic=atomic, agent=agent, reason=reason, progress=progress,
            extract=lambda articles: self._extract(articles, date, **options),
        )

    def ingest_bytes(
        self, data: bytes, name: str, *, fmt: str | None = None, agent: str | None = None, reason: str | None = None
    ) -> IngestResult:
        """Ingest one input given as bytes (an upload), exactly as ``kb ingest`` would ingest a file ``name``."""
        return ingest_bytes(self, data, name, fmt=fmt, agent=agent, reason=reason)

    def ingest_record(
        self, record: Mapping[str, Any] | ArticleRecord, *, name: str = "record.json", agent: str | None = None,
        reason: str | None = None,
    ) -> IngestResult:
        """Ingest one claim record (the JSON that ``kb extract`` prints)."""
        return self.commit(record_changes(record, name), agent=agent, reason=reason)

    def check_record(self, record: Mapping[str, Any] | ArticleRecord) -> ValidationReport:
        """Validate a claim record against the shapes and the stored context, writing nothing."""
        from .writing.pipeline import dry_run

        return dry_run(self.backend, record_changes(record, "check.json"))

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
        (``on_batch`` is called with the result of each written batch).
        """
        return ingest_record_batches(self, records, batch_size=batch_size, name=name, on_batch=on_batch)

    def ingest_rdf(self, data: bytes | str, fmt: str, *, name: str = "upload", agent: str | None = None) -> IngestResult:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return self.ingest_bytes(raw, name, fmt=canonical_format(fmt), agent=agent)

    def ingest_article(
        self, text: str, *, name: str = "article.txt", date: dt.date | None = None, **document: str | None
    ) -> IngestResult:
        """Extract the claims of an article's text and ingest them."""
        from .extract import extract_text

        record = parse_record(extract_text(text, date=date, **document))
        meta = InputMeta(name, iris.sha256_hex(text), "text/plain")
        return self.commit(changes_from_record(record, meta))

    def _extract(
        self, articles: list[InputFile], date: dt.date | None, **options: Any
    ) -> Mapping[str, ArticleRecord | KBError]:
        return extract_all(articles, date, **options)

    # -- removal and history (kb.writing.removal) ------------------------------------
    def graph_of(self, iri: str) -> URIRef:
        """The named graph that holds a document, a claim, or is the IRI itself."""
        from .writing.removal import graph_of

        return graph_of(self, iri)

    def remove(self, iri: str, *, agent: str | None = None, reason: str | None = None) -> IngestResult:
        """Remove a document's graph, or one claim from its document, keeping the
        previous version in the history. Validated like any write: a removal that
        would leave another graph pointing at nothing is refused."""
        from .writing.removal import remove

        return remove(self, iri, agent=agent, reason=reason)

    def restore(self, version: str, *, agent: str | None = None, reason: str | None = None) -> IngestResult:
        """Bring an archived version back as its graph's current content (the current one is archived)."""
        from .writing.removal import restore

        return restore(self, version, agent=agent, reason=reason)

    def upgrade(self) -> int:
        """Bring a store written by an older kb to the current layout (see
        :mod:`kb.writing.upgrade`); returns how many graphs were rewritten."""
        from .writing.upgrade import upgrade

        return upgrade(self.backend)

    def removal(self, iri: str) -> dict[str, Any] | None:
        """Why a node that is no longer stored is gone: its last archived version and, for a
        replaced claim, its successor. ``None`` if it never was (kb.writing.removal)."""
        from .writing.removal import removal

        return removal(self, iri)

    def versions(self, iri: str) -> list[Version]:
        """The archived versions of a document, graph or claim, oldest first."""
        return self.history.versions(iri)

    # -- curating people and organizations (kb.tracking.entity_curations) ----------------
    # Entities are given by IRI or name; each curation is recorded with who, when and why,
    # rewrites the stored graphs it concerns, and is applied again on every later write.
    def merge_entities(self, a: str, b: str, *, agent: str | None = None, reason: str | None = None) -> Any:
        """``a`` is ``b``: a's mentions become b's (a person is never merged with an organization)."""
        from .tracking.entity_curations import merge

        return merge(self, a, b, agent=agent, reason=reason)

    def unmerge_entities(self, a: str, b: str, *, agent: str | None = None, reason: str | None = None) -> Any:
        from .tracking.entity_curations import unmerge

        return unmerge(self, a, b, agent=agent, reason=reason)

    def split_entity(self, entity: str, name: str, *, documents: Sequence[str] = (), written: Sequence[str] = (),
                     agent: str | None = None, reason: str | None = None) -> Any:
        """The entity's mentions in ``documents`` (or written as ``written``) are a new entity ``name``."""
        from .tracking.entity_curations import split

        return split(self, entity, name=name, documents=documents, written=written, agent=agent, reason=reason)

    def set_same_as(self, entity: str, target: str | None, *, agent: str | None = None, reason: str | None = None) -> Any:
        """Link the entity to an external identifier (a Wikidata QID or IRI); ``None`` clears its links."""
        from .tracking.entity_curations import link, unlink

        if target is None:
            return unlink(self, entity, agent=agent, reason=reason)
        return link(self, entity, target, agent=agent, reason=reason)

    def link_file(self, path: str, *, agent: str | None = None, reason: str | None = None) -> Any:
        """Links from a CSV/TSV file of entity and identifier columns (:mod:`kb.tracking.linkfile`)."""
        from .tracking.linkfile import link_file

        return link_file(self, path, agent=agent, reason=reason)

    def entity_curations(self, entity: str | None = None) -> list[Any]:
        """Every merge, unmerge, split, link and unlink, in force or ended, oldest first."""
        from .tracking.entity_curations import entity_curations

        return entity_curations(self, entity)

    def merged_into(self, entity: str) -> str | None:
        """The entity a merge in force took ``entity`` into (through later merges), else None."""
        from .tracking.entity_curations import merged_into

        return merged_into(self, entity)

    # -- validation -------------------------------------------------------------
    def validate(self, *, progress: Progress[URIRef] = _no_progress, batch_triples: int = 50_000) -> ValidationReport:
        """Validate the whole knowledge base (see :func:`kb.validating.store.validate_backend`)."""
        from .validating.store import validate_backend

        return validate_backend(self.backend, progress=progress, batch_triples=batch_triples)

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
        base_iri: str | None = None,
        arrived: float | None = None,
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
        text, added = with_prefixes(sparql)  # kb's usual prefixes need no PREFIX lines
        request = QueryRequest(
            query=text,
            form=form,
            result_format=fmt,
            max_rows=max_rows or self.max_rows,
            default_graphs=tuple(default_graphs) if default_graphs else None,
            named_graphs=tuple(named_graphs) if named_graphs else None,
            # SPARQL 1.1 dataset semantics: the protocol's graphs win, then the query's own
            # FROM / FROM NAMED; with neither, kb's default: the union of all graphs.
            union_default=not (default_graphs or named_graphs or "FROM" in keywords(sparql)),
            base_iri=base_iri,
            prefixes=tuple(PREFIXES.items()),
            media_type=media_type(fmt) if form in ("CONSTRUCT", "DESCRIBE") else "",
        )
        limit = timeout or self.query_timeout
        status, payload = self._user_query(request, limit, arrived)
        if status == "ok":
            return payload
        if status == "timeout":
            raise QueryTimeoutError(f"the query ran longer than {limit:g} s and was stopped")
        if status == "syntax":
            raise ParseError(syntax_message(sparql, payload, added))
        raise QueryError(payload)

    def _user_query(self, request: QueryRequest, timeout: float, arrived: float | None) -> tuple[str, Any]:
        remote = getattr(self.backend, "user_query", None)
        if remote is not None:  # a SPARQL server enforces limits itself
            return remote(request, timeout)
        if self._pool is None:
            self._pool = QueryPool(self.backend.location, size=self._query_workers)
        return self._pool.run(request, timeout, arrived=arrived)

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Any]]:
        """Run a trusted SELECT (kb's own queries) and return rows of plain Python values.

        Values are passed as ``bindings`` (variable name → rdflib term), never
        pasted into the text. Bound variables must be in the projection.
        """
        _names, rows = self.backend.select(SPARQL_PREFIXES + sparql, bindings)
        return [{k: plain(v) for k, v in row.items()} for row in rows]

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        return self.backend.ask(SPARQL_PREFIXES + sparql, bindings)

    def update(self, sparql: str, *, agent: str | None = None, reason: str | None = None) -> IngestResult:
        """Run a SPARQL Update through SHACL validation, atomically (see kb.update)."""
        from .update import apply_update

        return apply_update(self, sparql, agent=agent, reason=reason)

    # -- export and statistics --------------------------------------------------
    def content_graphs(self) -> list[URIRef]:
        """The graphs written by inputs (documents, reviews, uploads): not the graphs kb keeps
        itself (provenance, and the entities derived from the contributions)."""
        return [g for g in self.backend.graphs() if g not in iris.KEPT_GRAPHS]

    def dataset_graphs(self) -> list[URIRef]:
        """What the knowledge base says: the content graphs and the derived entities graph."""
        return [g for g in self.backend.graphs() if g != iris.PROVENANCE_GRAPH]

    def document_graph(self, document: str) -> URIRef:
        """The graph of a document given by IRI or id."""
        doc_id = document.rstrip("/").rsplit("/", 1)[-1]
        graph = iris.graph_iri(doc_id)
        if not self.backend.has_graph(graph):
            raise NotFoundError(f"no document {document!r} in the knowledge base")
        return graph

    def export(self, fmt: str = "trig", *, document: str | None = None, include_provenance: bool = False) -> bytes:
        """Serialize the knowledge base (or one document's graph) in an RDF format, or every
        review as ClaimReview JSON-LD (``claimreview``; see :data:`kb.formats.EXPORT_FORMATS`)."""
        if fmt == "claimreview":  # the fact-checks as fact-checkers publish them, not the graphs
            from .importing.claimreview import feed_json

            if document is not None or include_provenance:
                raise UnknownFormatError("--format claimreview exports every review; --document and provenance need an RDF format")
            return feed_json(self)
        fmt = canonical_format(fmt)
        if document is not None:
            graphs = [self.document_graph(document)]
        else:
            graphs = self.dataset_graphs()
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


def _refresh_derived(kb: "KnowledgeBase") -> Callable[[IngestResult], None]:
    import weakref

    ref = weakref.ref(kb)

    def hook(result: IngestResult) -> None:
        knowledge = ref()
        if knowledge is None or not result.changed:
            return
        from .browse.store import refresh_index

        # Every write records new provenance for the graphs it changed (SPARQL Update and
        # removals too, through the one pipeline), so the incremental sync sees them all; only
        # those graphs are compared (not every graph of the store, on every write).
        refresh_index(knowledge, graphs=[str(g) for g, status in result.graphs.items() if status != "unchanged"])

    return hook
