"""A SQLite index of claims kept beside the store, for lists, search and facets.

Why: the claims list sorts, filters, counts and full-text searches 100k claims
per page view. Oxigraph answers selective patterns in microseconds, but
``ORDER BY`` over every claim, ``GROUP BY`` for nine facets and ``CONTAINS`` on
lower-cased text all scan the whole knowledge base on every request. The
index is a derived cache, never the source of truth: each row is rebuilt from
SPARQL over the store, per named graph, whenever that graph's ingest
provenance changes, or the canonical entity triples it shows (names, roles) do
(see :meth:`BrowseIndex.sync`). Deleting the file is safe.

What it holds is described in one place each: the facets in :data:`FACETS`,
the searched fields in :data:`SEARCH_FIELDS`.

The file lives in the store folder (``browse-index.sqlite3``), so it moves and
is backed up with the store; a remote store's is in the user's cache folder
(:mod:`kb.store.beside`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from rdflib import URIRef

from ..store.beside import beside
from . import queries as Q

__all__ = ["BrowseIndex", "INDEX_FILE", "index_path", "SCHEMA_VERSION", "FacetSpec", "FACETS", "SEARCH_FIELDS"]

INDEX_FILE = "browse-index.sqlite3"
#: Bump when the table layout or what goes into it changes: the file is rebuilt.
SCHEMA_VERSION = "5"  # 5: review_graphs


def _year(date: str) -> str:
    return date[:4]


@dataclass(frozen=True)
class FacetSpec:
    """One facet of the claims list: where its values live in the index and how they get there.

    A facet with a ``column`` has one value per claim, in that column of ``claims`` (filled from
    the claim's row, :data:`queries.CLAIM_COLUMNS`). One without has many, in ``claim_values``,
    filled by ``fill`` (claim IRI → {value: label}) per re-indexed graph, or from the whole store
    on every sync when ``store_wide`` (reviews live outside the claim's graph).
    """

    key: str  # the filter key (URLs, ClaimFilter) and the facet's id on the page
    title: str
    column: str = ""
    label: str = ""  # the column holding the value's label ('' = the value itself)
    #: (kb, graphs or None for all, the re-index's shared :class:`queries.Labels` or None) → values.
    fill: Callable[[Any, Sequence[str] | None, "Q.Labels | None"], dict[str, dict[str, str]]] | None = None
    store_wide: bool = False
    #: For a ``store_wide`` facet: the values of the given claims only (a write that touches no review).
    fill_claims: Callable[[Any, Sequence[str]], dict[str, dict[str, str]]] | None = None
    derive: Callable[[str], str] | None = None  # the value from the column's (the year of a date)
    order: str = "count"  # "count": most claims first, then by label; "value": greatest value first (years)
    empty: str = ""  # the label of the claims without a value, filtered as "none" ('' = not a bucket)


#: Every facet, in the order the page shows them.
FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("speaker", "Speaker", "speaker", "speaker_name"),
    FacetSpec("org", "Organization", fill=Q.claim_orgs),
    FacetSpec("kind", "Kind", "kind"),
    FacetSpec("outlet", "Outlet", "outlet", "outlet_name"),
    FacetSpec("via", "Reported via", "via", "via_name"),
    FacetSpec("verdict", "Review verdict", "verdict", empty="not reviewed"),
    FacetSpec("checker", "Fact-checker", fill=Q.claim_checkers, store_wide=True, fill_claims=Q.claim_checkers_of),
    FacetSpec("keyword", "Keyword", fill=Q.claim_keywords),
    FacetSpec("year", "Year", "date", derive=_year, order="value", empty="no date"),
)

#: The full-text index's columns: (column, what it holds, as results say "matched in ...").
SEARCH_FIELDS: tuple[tuple[str, str], ...] = (
    ("text", "claim text"),
    ("speaker", "speaker"),
    ("addressee", "addressee"),
    ("venue", "venue and place"),
    ("via", "intermediary"),
    ("outlet", "outlet"),
    ("orgs", "organization"),
    ("title", "document title"),
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graphs (graph TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS review_graphs (graph TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY,
    iri TEXT NOT NULL,
    graph TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',       -- said date, else the document's date; '' if unknown
    doc TEXT NOT NULL DEFAULT '',
    doc_title TEXT NOT NULL DEFAULT '',
    speaker TEXT NOT NULL DEFAULT '',
    speaker_name TEXT NOT NULL DEFAULT '',
    speaker_type TEXT NOT NULL DEFAULT '',
    outlet TEXT NOT NULL DEFAULT '',
    outlet_name TEXT NOT NULL DEFAULT '',
    via TEXT NOT NULL DEFAULT '',
    via_name TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS claims_date ON claims (date, id);
CREATE INDEX IF NOT EXISTS claims_speaker_sort ON claims (speaker_name, id);
CREATE INDEX IF NOT EXISTS claims_speaker ON claims (speaker, date, id);
CREATE INDEX IF NOT EXISTS claims_kind ON claims (kind, date, id);
CREATE INDEX IF NOT EXISTS claims_outlet ON claims (outlet, date, id);
CREATE INDEX IF NOT EXISTS claims_via ON claims (via, date, id);
CREATE INDEX IF NOT EXISTS claims_verdict ON claims (verdict, date, id);
CREATE INDEX IF NOT EXISTS claims_graph ON claims (graph);
CREATE INDEX IF NOT EXISTS claims_iri ON claims (iri);
-- The values of the facets with many values per claim (FacetSpec without a column).
CREATE TABLE IF NOT EXISTS claim_values (claim INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
                                         label TEXT NOT NULL, PRIMARY KEY (facet, value, claim)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claim_values_claim ON claim_values (claim);
CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(%s, tokenize = 'unicode61 remove_diacritics 2');
""" % ", ".join(name for name, _label in SEARCH_FIELDS)


_GRAPH_TRIPLES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_GRAPH_TRIPLES_ALL = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def index_path(location: str) -> str:
    configured = os.environ.get("KB_BROWSE_INDEX")  # kb serve --workers: every worker shares the store's index
    if configured:
        return configured
    return beside(location, INDEX_FILE)


class BrowseIndex:
    """One index per store. Reads use a connection per thread; syncs are serialized."""

    def __init__(self, kb: Any, path: str | None = None) -> None:
        self.kb = kb
        self.path = path or index_path(kb.location)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._write_lock = threading.Lock()
        self._version = 0
        with contextlib.closing(self._connect()) as con:  # a connection's own "with" only commits
            found = con.execute("SELECT name FROM sqlite_master WHERE name = 'meta'").fetchone()
            schema = found and con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if not schema or schema[0] != SCHEMA_VERSION:
                self._reset(con)
            self._version = int(self._meta(con, "version") or 0)
            # Added without a schema bump: a derived cache, filled on first use by triple_count().
            con.execute("CREATE TABLE IF NOT EXISTS graph_triples (graph TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
                        " triples INTEGER NOT NULL)")

    # -- connections ------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")
        return con

    @contextlib.contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        """The one writing connection: under the write lock, rolled back if anything fails.
        Closed after each write (4 ms): kept open, every knowledge base a long process opens
        would hold three more file descriptors until it is collected."""
        with self._write_lock:
            con = self._connect()
            try:
                yield con
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            finally:
                con.close()

    def db(self) -> sqlite3.Connection:
        """This thread's read connection (waitress serves each request on a worker thread)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._connect()
            con.row_factory = sqlite3.Row
            self._local.con = con
            with self._write_lock:
                self._readers.append(con)
        return con

    def close(self) -> None:
        """Close every thread's read connection (when the knowledge base closes: each holds
        three file descriptors, and a long process opens many knowledge bases)."""
        with self._write_lock:
            readers, self._readers = self._readers, []
        for con in readers:
            con.close()
        self._local = threading.local()

    @property
    def version(self) -> int:
        """Grows on every change: caches of derived data (facets, charts) key on it.

        Read from the file on every call (one indexed row): the processes of
        ``kb serve --workers N`` share this index, and one's write must reach
        every other's caches at once."""
        row = self.db().execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else self._version

    @staticmethod
    def _meta(con: sqlite3.Connection, key: str) -> str | None:
        row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _reset(self, con: sqlite3.Connection) -> None:
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'claims_fts_%'"
        ).fetchall():
            con.execute(f'DROP TABLE IF EXISTS "{name}"')
        con.executescript(_SCHEMA)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    # -- keeping it in step with the store ----------------------------------------
    def sync(self, *, force: bool = False, graphs: Iterable[str] | None = None) -> bool:
        """Re-index the graphs whose ingest provenance changed; drop vanished graphs.

        ``force`` re-indexes everything (after a SPARQL Update, which may change
        any graph without new provenance). ``graphs``: only these can have changed (the
        graphs a write of this process reported), so only their provenance is read, not
        every graph's. Returns whether anything changed.
        """
        changed, bulk = self._sync(force=force, graphs=graphs)
        if bulk:
            # Many graphs came at once (a bulk load): count their triples now, in the process
            # that wrote them, rather than on the next server's first home page (2-3 s at 100k
            # claims, all of `kb serve`'s start-up budget). After a forced sync (a SPARQL Update)
            # the recount stays lazy: that write should not pay for every graph's count.
            self.triple_count()
        return changed

    def _sync(self, *, force: bool, graphs: Iterable[str] | None) -> tuple[bool, bool]:
        """:meth:`sync`; returns (whether anything changed, whether it re-indexed everything but not by ``force``)."""
        with self._writer() as con:
            stored = dict(con.execute("SELECT graph, fingerprint FROM graphs").fetchall())
            empty = not stored
            partial = graphs is not None and not force and not empty
            if graphs is not None and partial:
                asked = set(graphs)
                current = Q.graph_fingerprints(self.kb, sorted(asked))
                stored = {g: fp for g, fp in stored.items() if g in asked}
            else:
                current = Q.graph_fingerprints(self.kb)
            if force:
                # A SPARQL Update may change any graph without new provenance: recount all.
                con.execute("DELETE FROM graph_triples")
                stale = set(current)
                gone = set(stored) - set(current)
            else:
                stale = {g for g, fp in current.items() if stored.get(g) != fp}
                gone = set(stored) - set(current)
            if not stale and not gone and not force:
                return False, False
            full = force or len(stale) > 200 or empty
            if full and partial:
                # A full re-index rewrites every graph's fingerprint: read them all, not only the asked.
                current = Q.graph_fingerprints(self.kb)
            graphs = None if full else sorted(stale)
            rows, values, fields = self._read(graphs)
            if not full:
                # Other graphs' claims show the same entities: re-index those whose labels the new
                # canonical triples changed (a name now said differently, a new role's organization).
                more = self._relabelled(con, rows, values.get("org", {})) - stale
                if more:
                    rows2, values2, fields2 = self._read(sorted(more))
                    rows += rows2
                    fields.update(fields2)
                    for key, per_claim in values2.items():
                        values.setdefault(key, {}).update(per_claim)
                    stale |= more
            # Reviews live in graphs of their own: only a write that adds, changes or removes one
            # reads every review again (verdicts, fact-checkers). Any other write reads the reviews
            # of its own claims, so its cost does not grow with the store's reviews and claims.
            had = {g for (g,) in con.execute("SELECT graph FROM review_graphs")}
            holding = Q.review_graphs(self.kb, None if full else sorted(stale))
            everywhere = full or bool(holding) or bool(had & (stale | gone))
            new_claims = None if everywhere else [r["iri"] for r in rows]
            store_wide = {
                spec.key: spec.fill(self.kb, None, None) if new_claims is None or spec.fill_claims is None
                else spec.fill_claims(self.kb, new_claims)
                for spec in FACETS if spec.fill and spec.store_wide
            }
            verdicts = Q.claim_verdicts(self.kb, new_claims)
            con.execute("BEGIN IMMEDIATE")
            if full:
                con.execute("DELETE FROM claims")
                con.execute("DELETE FROM claim_values")
                con.execute("DELETE FROM claims_fts")
                con.execute("DELETE FROM graphs")
            else:
                self._delete_graphs(con, stale | gone)
            self._insert(con, rows, values, fields)
            for key, per_claim in store_wide.items():
                if new_claims is None:
                    con.execute("DELETE FROM claim_values WHERE facet = ?", (key,))
                con.executemany(
                    "INSERT OR IGNORE INTO claim_values SELECT id, ?, ?, ? FROM claims WHERE iri = ?",
                    [(key, v, label, c) for c, vs in per_claim.items() for v, label in vs.items()],
                )
            if new_claims is None:
                con.execute("UPDATE claims SET verdict = ''")
            con.executemany("UPDATE claims SET verdict = ? WHERE iri = ?", [(v, c) for c, v in verdicts.items()])
            if full:
                con.execute("DELETE FROM review_graphs")
            else:
                con.executemany("DELETE FROM review_graphs WHERE graph = ?", [(g,) for g in stale | gone])
            con.executemany("INSERT OR IGNORE INTO review_graphs VALUES (?)", [(g,) for g in holding])
            con.executemany(
                "INSERT OR REPLACE INTO graphs VALUES (?, ?)", [(g, fp) for g, fp in current.items()]
            )
            self._version = int(self._meta(con, "version") or 0) + 1  # another process may have synced
            con.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (str(self._version),))
            con.execute("COMMIT")
            # Fresh statistics, so the planner picks the selective index for filtered facets
            # (without them a speaker+kind filter took 55 ms per facet at 100k claims, 0.3 ms with).
            # ANALYZE reads the whole index: after a full sync, and then once the claims have grown
            # by a tenth, not on every write (at a million claims it would cost seconds a write).
            size = con.execute("SELECT COALESCE(MAX(id), 0) FROM claims").fetchone()[0]
            analyzed = int(self._meta(con, "analyzed") or 0)
            if full or size >= 1.1 * analyzed + 100:
                con.execute("ANALYZE")
                con.execute("INSERT OR REPLACE INTO meta VALUES ('analyzed', ?)", (str(size),))
            return True, full and not force

    def _read(self, graphs: Sequence[str] | None) -> tuple[list[dict[str, str]], dict[str, dict[str, dict[str, str]]],
                                                          dict[str, dict[str, list[str]]]]:
        """The claim rows, many-valued facet values and searched fields of ``graphs`` (None: all), from the store."""
        # One reading of the entities serves the rows, the facets and the searched fields.
        labels = Q.Labels(self.kb, everything=graphs is None)
        rows = Q.claim_rows(self.kb, graphs, labels)
        values = {spec.key: spec.fill(self.kb, graphs, labels) for spec in FACETS if spec.fill and not spec.store_wide}
        return rows, values, Q.claim_search_fields(self.kb, graphs, labels)

    @staticmethod
    def _relabelled(con: sqlite3.Connection, rows: list[dict[str, str]], orgs: dict[str, dict[str, str]]) -> set[str]:
        """The indexed graphs whose claims show an entity of ``rows`` with another name, or a speaker with
        other organizations, than ``rows`` now read: entities are canonical across the store."""
        out: set[str] = set()
        for column, name in (("speaker", "speaker_name"), ("via", "via_name"), ("outlet", "outlet_name")):
            for iri, label in {r[column]: r[name] for r in rows if r[column]}.items():
                out.update(g for (g,) in con.execute(
                    f"SELECT DISTINCT graph FROM claims WHERE {column} = ? AND {name} != ?", (iri, label)))
        speaker_orgs = {r["speaker"]: set(orgs.get(r["iri"], {})) for r in rows if r["speaker"]}
        for speaker, now in speaker_orgs.items():
            for graph, had in con.execute(
                "SELECT c.graph, group_concat(v.value, char(31)) FROM claims c LEFT JOIN claim_values v"
                " ON v.claim = c.id AND v.facet = 'org' WHERE c.speaker = ? GROUP BY c.id", (speaker,)
            ):
                if set(had.split("\x1f") if had else []) != now:
                    out.add(graph)
        return out

    def graph_count(self) -> int:
        """The content graphs (documents' graphs) as of the last sync."""
        return int(self.db().execute("SELECT COUNT(*) FROM graphs").fetchone()[0])

    def triple_count(self) -> int:
        """Quads in the store, as ``kb.stats()["triples"]``, from per-graph counts kept here.

        A content graph is recounted only when its ingest fingerprint changed; the provenance
        graph (and any other non-content graph) is counted each time: one small query.
        """
        with self._writer() as con:
            graphs = dict(con.execute("SELECT graph, fingerprint FROM graphs").fetchall())
            known = {g: fp for g, fp in con.execute("SELECT graph, fingerprint FROM graph_triples")}
            stale = [g for g, fp in graphs.items() if known.get(g) != fp]
            gone = [g for g in known if g not in graphs]
            fresh: dict[str, int] = {}
            if len(stale) > 200:
                for row in self.kb.select(_GRAPH_TRIPLES_ALL):
                    fresh[str(row["g"])] = int(row["n"])
                fresh = {g: fresh.get(g, 0) for g in stale}
            else:
                for g in stale:
                    rows = self.kb.select(_GRAPH_TRIPLES, {"g": URIRef(g)})
                    fresh[g] = int((rows[0] if rows else {}).get("n") or 0)
            con.execute("BEGIN IMMEDIATE")
            con.executemany("DELETE FROM graph_triples WHERE graph = ?", [(g,) for g in gone])
            con.executemany("INSERT OR REPLACE INTO graph_triples VALUES (?, ?, ?)",
                            [(g, graphs[g], n) for g, n in fresh.items()])
            con.execute("COMMIT")
            content = int(con.execute("SELECT COALESCE(SUM(triples), 0) FROM graph_triples").fetchone()[0])
        other = 0
        for g in self.kb.backend.graphs():
            if str(g) not in graphs:
                rows = self.kb.select(_GRAPH_TRIPLES, {"g": URIRef(str(g))})
                other += int((rows[0] if rows else {}).get("n") or 0)
        return content + other

    def rebuild(self) -> None:
        self.sync(force=True)

    @staticmethod
    def _delete_graphs(con: sqlite3.Connection, graphs: Iterable[str]) -> None:
        for g in graphs:
            ids = [r[0] for r in con.execute("SELECT id FROM claims WHERE graph = ?", (g,))]
            con.executemany("DELETE FROM claims_fts WHERE rowid = ?", [(i,) for i in ids])
            con.executemany("DELETE FROM claim_values WHERE claim = ?", [(i,) for i in ids])
            con.execute("DELETE FROM claims WHERE graph = ?", (g,))
            con.execute("DELETE FROM graphs WHERE graph = ?", (g,))

    @staticmethod
    def _insert(con: sqlite3.Connection, rows: list[dict[str, str]], values: dict[str, dict[str, dict[str, str]]],
                fields: dict[str, dict[str, list[str]]]) -> None:
        cols = list(Q.CLAIM_COLUMNS)
        sql = f"INSERT INTO claims ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
        names = [name for name, _label in SEARCH_FIELDS]
        fts = f"INSERT INTO claims_fts (rowid, {', '.join(names)}) VALUES (?{', ?' * len(names)})"
        for row in rows:
            rid = con.execute(sql, [row.get(c, "") for c in cols]).lastrowid
            extra = fields.get(row["iri"], {})
            orgs = values.get("org", {}).get(row["iri"], {})
            searched = {
                "text": row["text"], "speaker": row.get("speaker_name", ""), "via": row.get("via_name", ""),
                "outlet": row.get("outlet_name", ""), "title": row.get("doc_title", ""),
                "addressee": " · ".join(extra.get("addressee", [])), "venue": " · ".join(extra.get("venue", [])),
                "orgs": " · ".join(sorted(set(orgs.values()))),
            }
            con.execute(fts, [rid] + [searched[name] for name in names])
            for key, per_claim in values.items():
                con.executemany("INSERT OR IGNORE INTO claim_values VALUES (?, ?, ?, ?)",
                                [(rid, key, v, label) for v, label in per_claim.get(row["iri"], {}).items()])


def graph_key(graph: URIRef | str) -> str:
    return str(graph)
