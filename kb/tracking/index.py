"""The tracking index: every anchored claim's words, shingles and links, in SQLite.

It lives beside the store (``tracking-index.sqlite3`` in the store folder, like
the browse index) and is derived data: deleting it makes kb rebuild it from the
store. Finding the other appearances of a quote is a lookup of its shingles (an
index range per shingle), then an exact comparison of the few candidates, so
linking an article does not depend on the size of the corpus.

The links are bounded: a new appearance is linked to the earliest appearance of
each group of appearances it joins (the group's root) and to the :data:`BEST`
best-scoring others, not to every match, so a quote repeated N times costs
O(N) links, not O(N²). A quote's appearances are then everything its links
reach. That group is kept, not walked: every claim carries its group's id
(``claims.grp``) and ``groups`` holds each group's earliest appearance and size,
so finding a claim's group or root is one row, however popular the quote. A new
link joins two groups by relabelling the smaller (union by size); removing claims
walks only the groups they were in, once, and splits them where nothing links
the parts any more.

Which links to propose (the relation two claims have, a group's root, the best few) is
decided in :mod:`.proposing`; this module keeps what it decides and answers its lookups.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator, Mapping, Sequence

from ..store.beside import beside
from .text import shingles

__all__ = ["TrackedClaim", "Link", "Group", "TrackingIndex", "index_path", "earliest_first", "earliest_of",
           "QUOTE_KINDS", "TRACKED_KINDS", "SAME_WORDS", "BEST"]

INDEX_FILE = "tracking-index.sqlite3"
QUOTE_KINDS = frozenset({"DirectQuote", "PartialQuote"})
TRACKED_KINDS = QUOTE_KINDS | {"Paraphrase"}
#: Candidates compared exactly per claim, the ones sharing the most shingles first.
CANDIDATES = 40
#: Only a claim's rarest shingles are looked up, and none carried by more claims than this:
#: a common word pair ("prime minister") would make thousands of claims candidates, and the
#: same quote always shares its rare pairs too.
LOOKUPS = 8
MAX_POSTINGS = 1000
#: Relations that make two claims appearances of the same words: a group of appearances is
#: what these links reach, followed both ways.
SAME_WORDS = frozenset({"sameQuoteAs", "repeats"})
#: Besides the root of each group it joins, a new claim is linked to at most this many other
#: matches, the best-scoring: the closest wordings stay one step apart on the claim's page, and
#: a user's rejecting one link rarely cuts a claim off its group; more would bring back the
#: quadratic growth (every appearance of a popular quote linked to up to CANDIDATES others).
BEST = 3
#: SQLite's limit on bound parameters is 999 in old builds: IN lists are sent in chunks of this.
_CHUNK = 400
#: A claim's date of appearance in SQL, as :attr:`TrackedClaim.when`.
_WHEN = "CASE WHEN said != '' THEN said ELSE doc_date END"
#: The columns of a :class:`TrackedClaim` (:func:`_claim`), in order.
_FIELDS = "iri, graph, kind, words, speaker, said, doc, doc_date, outlet"

_TABLES = ("claims", "shingles", "df", "links", "groups", "meta")
#: Postings are keyed (h, claim) without a rowid: finding a claim's candidates reads the
#: postings of its rarest shingles from that one index (a covering scan), where a table
#: with an index on ``h`` alone cost a row lookup per posting (measured: 1.3 against 1.9-5 ms
#: per claim at 10k claims).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS claims (
  id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, graph TEXT NOT NULL, kind TEXT NOT NULL, words TEXT NOT NULL,
  speaker TEXT NOT NULL, said TEXT NOT NULL, doc TEXT NOT NULL, doc_date TEXT NOT NULL, outlet TEXT NOT NULL,
  grp INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS claims_graph ON claims (graph);
CREATE INDEX IF NOT EXISTS claims_grp ON claims (grp);
CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY, first TEXT NOT NULL, first_when TEXT NOT NULL,
  size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shingles (h INTEGER NOT NULL, claim INTEGER NOT NULL, PRIMARY KEY (h, claim)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shingles_claim ON shingles (claim);
CREATE TABLE IF NOT EXISTS df (h INTEGER PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (src TEXT NOT NULL, dst TEXT NOT NULL, relation TEXT NOT NULL, score REAL NOT NULL,
  PRIMARY KEY (src, dst, relation));
CREATE INDEX IF NOT EXISTS links_dst ON links (dst);
"""


@dataclass(frozen=True)
class TrackedClaim:
    iri: str
    graph: str
    kind: str  # the local name of its kb:kind
    words: tuple[str, ...]
    speaker: str = ""
    said: str = ""  # schema:dateCreated
    doc: str = ""
    doc_date: str = ""
    outlet: str = ""

    @property
    def when(self) -> str:
        """When it appeared: said, else published (the order of "earliest appearance")."""
        return self.said or self.doc_date


@dataclass(frozen=True)
class Group:
    """A group of appearances of the same words (every claim is in one, alone at first): its
    id, its earliest appearance (``first``, appeared ``when``) and how many claims it has."""

    id: int
    first: str
    when: str
    size: int

    @property
    def earliest(self) -> str:
        """The earliest appearance kb names for the members (``kb:earliestAppearance``): none ("") for a claim alone."""
        return self.first if self.size > 1 else ""

    def order(self) -> tuple[str, str]:
        return _order(self.when, self.first)


@dataclass(frozen=True)
class Link:
    """A relation kb detected: ``src`` ``relation`` ``dst`` (relation: a kb: local name)."""

    src: str
    dst: str
    relation: str
    score: float


def _order(when: str, iri: str) -> tuple[str, str]:
    """The order of "earliest appearance": by date (undated last), then IRI so that ties are stable."""
    return when or "9999", iri


def earliest_first(claim: TrackedClaim) -> tuple[str, str]:
    return _order(claim.when, claim.iri)


def earliest_of(dates: Mapping[str, str]) -> str:
    """The earliest of claims given as IRI → date (:meth:`TrackingIndex.dates`)."""
    return min(dates, key=lambda iri: _order(dates[iri], iri))


def _chunks(items: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def index_path(location: str) -> str:
    return beside(location, INDEX_FILE)


class TrackingIndex:
    """The index at ``path``. ``read_only``: this process never changes the file (a reader
    beside a writer, or a store opened read-only): it reads the file as it is when its layout
    is current, and otherwise an empty index in memory, until a writer builds the file again."""

    def __init__(self, path: str, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.con = self._open(path, read_only)
        self.con.execute("PRAGMA synchronous=NORMAL")
        #: While :meth:`moves` is open: the claims whose :attr:`Group.earliest` changed.
        self._moved: set[str] | None = None
        #: Bumped on every change of any group: lets callers cache what they derive from groups.
        self.generation = 0
        if not self.read_only:
            self.con.execute("PRAGMA journal_mode=WAL")
        if not self.read_only and not _current(self.con):
            self.reset()  # an index from before groups were kept: derived data, built again
        else:
            self.con.executescript(_SCHEMA)

    @staticmethod
    def _open(path: str, read_only: bool) -> sqlite3.Connection:
        def connect(target: str, **options: Any) -> sqlite3.Connection:
            return sqlite3.connect(target, timeout=30, check_same_thread=False, isolation_level=None, **options)

        if not read_only:
            return connect(path)
        if os.path.exists(path):
            con = connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
            try:
                if _current(con) and con.execute("SELECT 1 FROM meta WHERE key = 'built'").fetchone():
                    return con
            except sqlite3.DatabaseError:  # not an index kb can read: as if absent
                pass
            con.close()
        # Absent, unbuilt or of an older layout: nothing here to read, and nothing this
        # process may fix. An empty index in memory answers "no links" until a writer builds it.
        return connect(":memory:")

    def close(self) -> None:
        self.con.close()

    # -- bookkeeping ----------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def reset(self) -> None:
        """Empty, in today's layout (tables are made again: an older version's may differ)."""
        for table in _TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - fixed table names
        self.con.executescript(_SCHEMA)
        self.generation += 1

    # -- reading --------------------------------------------------------------------
    def claim(self, iri: str) -> TrackedClaim | None:
        row = self.con.execute(f"SELECT {_FIELDS} FROM claims WHERE iri = ?", (iri,)).fetchone()  # noqa: S608
        return _claim(row) if row else None

    def claims_of_graph(self, graph: str) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT iri FROM claims WHERE graph = ?", (graph,))]

    def links_of(self, iri: str) -> list[Link]:
        rows = self.con.execute(
            "SELECT src, dst, relation, score FROM links WHERE src = ? UNION ALL "
            "SELECT src, dst, relation, score FROM links WHERE dst = ?", (iri, iri)
        )
        return [Link(*r) for r in rows]

    def links_among(self, iris: Collection[str]) -> set[Link]:
        """The links of any of ``iris`` (either end), in a few queries."""
        out: set[Link] = set()
        for chunk in _chunks(iris):
            marks = ",".join("?" * len(chunk))
            rows = self.con.execute(
                f"SELECT src, dst, relation, score FROM links WHERE src IN ({marks}) UNION "  # noqa: S608 - placeholders
                f"SELECT src, dst, relation, score FROM links WHERE dst IN ({marks})", (*chunk, *chunk))
            out.update(Link(*r) for r in rows)
        return out

    def claims(self, iris: Collection[str]) -> dict[str, TrackedClaim]:
        """The indexed claims among ``iris``, by IRI (the others are not indexed: gone, or never stored)."""
        return {r[0]: _claim(r) for r in self._rows(_FIELDS, iris)}

    def dates(self, iris: Collection[str]) -> dict[str, str]:
        """IRI → date of appearance (said, else published; "" if neither) of the indexed ``iris``."""
        return dict(self._rows(f"iri, {_WHEN}", iris))

    def _rows(self, columns: str, iris: Collection[str]) -> Iterator[tuple[Any, ...]]:
        """``columns`` (SQL over ``claims``) of each of the indexed ``iris``, in a few queries."""
        for chunk in _chunks(iris):
            marks = ",".join("?" * len(chunk))
            yield from self.con.execute(f"SELECT {columns} FROM claims WHERE iri IN ({marks})", chunk)  # noqa: S608

    # -- groups: what kb's own same-words links connect (curations aside: kb.tracking.link.group)
    def group(self, iri: str) -> Group | None:
        """The group of the indexed claim ``iri`` (None: not indexed). One row, whatever its size."""
        row = self.con.execute("SELECT g.id, g.first, g.first_when, g.size FROM claims c JOIN groups g ON g.id = c.grp "
                               "WHERE c.iri = ?", (iri,)).fetchone()
        return Group(*row) if row else None

    def group_ids(self, iris: Collection[str]) -> dict[str, int]:
        """IRI → group id of the indexed ``iris``."""
        return dict(self._rows("iri, grp", iris))

    def earliest(self, iri: str) -> str:
        """The earliest appearance of ``iri``'s group, "" when it is alone or not indexed."""
        found = self.group(iri)
        return found.earliest if found else ""

    def members(self, iri: str) -> dict[str, str]:
        """The claims of ``iri``'s group, itself included, with their dates (:meth:`dates`);
        empty when ``iri`` is not indexed. An index range: read it only when the members are wanted."""
        return dict(self.con.execute(f"SELECT iri, {_WHEN} FROM claims WHERE grp = "  # noqa: S608 - fixed SQL
                                     "(SELECT grp FROM claims WHERE iri = ?)", (iri,)))

    @contextmanager
    def moves(self) -> Iterator[set[str]]:
        """While open, collect the claims whose group's :attr:`Group.earliest` changes (a merge
        with an older group, a split, the root removed): the claims whose ``kb:earliestAppearance``
        must be written again. A claim may be collected whose earliest changed back."""
        self._moved = set()
        try:
            yield self._moved
        finally:
            self._moved = None

    def has(self, iri: str) -> bool:
        return self.con.execute("SELECT 1 FROM claims WHERE iri = ?", (iri,)).fetchone() is not None

    def count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM claims").fetchone()[0])

    # -- writing --------------------------------------------------------------------
    def remove_graphs(self, graphs: Iterable[str]) -> tuple[set[str], list[Link]]:
        """Forget the claims of ``graphs``: returns them and the links they had. The groups
        they were in are walked again, once each (they may have split: see :meth:`relink`)."""
        gone: set[str] = set()
        links: list[Link] = []
        groups: dict[int, Group] = {}  # as they were before any claim went
        with self.con:
            for graph in graphs:
                rows = self.con.execute("SELECT id, iri, grp FROM claims WHERE graph = ?", (graph,)).fetchall()
                for cid, iri, grp in rows:
                    gone.add(iri)
                    links.extend(self.links_of(iri))
                    if grp not in groups:
                        groups[grp] = self._group(grp)
                    self.con.execute("UPDATE df SET n = n - 1 WHERE h IN (SELECT h FROM shingles WHERE claim = ?)", (cid,))
                    self.con.execute("DELETE FROM shingles WHERE claim = ?", (cid,))
                    self.con.execute("DELETE FROM links WHERE src = ? OR dst = ?", (iri, iri))
                self.con.execute("DELETE FROM claims WHERE graph = ?", (graph,))
            for group in groups.values():
                self._regroup(group)
        return gone, links

    def add(self, claims: Sequence[TrackedClaim]) -> list[Link]:
        """Index the claims of one graph and link them to the claims indexed before: new to old."""
        from .proposing import propose  # here: proposing reads this module's types and lookups

        found: list[Link] = []
        with self.con:
            for claim in claims:
                if claim.kind in TRACKED_KINDS:
                    found.extend(propose(self, claim, best=BEST))  # BEST read now: tests change it
            for claim in claims:
                # A claim indexed already (one IRI in two graphs) keeps its group and links.
                kept = self.con.execute("SELECT grp, id FROM claims WHERE iri = ?", (claim.iri,)).fetchone()
                grp = int(kept[0]) if kept else self._new_group(claim)
                if kept:  # its postings go with its row (the row is replaced under a new id): not counted twice
                    self.con.execute("UPDATE df SET n = n - 1 WHERE h IN (SELECT h FROM shingles WHERE claim = ?)",
                                     (kept[1],))
                    self.con.execute("DELETE FROM shingles WHERE claim = ?", (kept[1],))
                cur = self.con.execute(
                    "INSERT OR REPLACE INTO claims (iri, graph, kind, words, speaker, said, doc, doc_date, outlet, grp) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (claim.iri, claim.graph, claim.kind, " ".join(claim.words), claim.speaker, claim.said, claim.doc,
                     claim.doc_date, claim.outlet, grp),
                )
                if kept:
                    self._regroup(self._group(grp))  # its date may have changed, and with it the group's earliest
                if claim.kind in TRACKED_KINDS:
                    keys = [(h,) for h in shingles(claim.words)]
                    self.con.executemany("INSERT INTO shingles VALUES (?, ?)", ((h, cur.lastrowid) for (h,) in keys))
                    self.con.executemany("INSERT INTO df VALUES (?, 1) ON CONFLICT (h) DO UPDATE SET n = n + 1", keys)
            self._store(found)
        return found

    def relink(self, iris: Collection[str]) -> list[Link]:
        """Link the claims ``iris`` (that lost a neighbour: a removed claim may have been all that
        joined them to the rest of their group) to the root of every other group of their
        matches, so that removing an appearance never splits a group of the same words."""
        from .proposing import propose

        found: list[Link] = []
        with self.con:
            for claim in self.claims(iris).values():
                if claim.kind in TRACKED_KINDS:
                    links = propose(self, claim, best=0)
                    self._store(links)  # at once: the next claim's groups include these
                    found.extend(links)
        return found

    def _store(self, links: Sequence[Link]) -> None:
        """Store ``links`` (between indexed claims) and join the groups the same-words ones connect."""
        self.con.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
                             ((x.src, x.dst, x.relation, x.score) for x in links))
        for x in links:
            if x.relation in SAME_WORDS:
                ids = self.group_ids({x.src, x.dst})
                self._union(ids[x.src], ids[x.dst])

    def _group(self, grp: int) -> Group:
        row = self.con.execute("SELECT id, first, first_when, size FROM groups WHERE id = ?", (grp,)).fetchone()
        return Group(*row)

    def _new_group(self, claim: TrackedClaim) -> int:
        """A group of ``claim`` alone; its id (never one in use: a group's row lives as long as its members)."""
        self.generation += 1
        cur = self.con.execute("INSERT INTO groups (first, first_when, size) VALUES (?, ?, 1)", (claim.iri, claim.when))
        return int(cur.lastrowid or 0)

    def _union(self, a: int, b: int) -> None:
        """Join groups ``a`` and ``b``: the smaller one's members take the larger one's id (so a
        claim changes group O(log n) times however its group grows); the earlier root is kept."""
        if a == b:
            return
        one, other = self._group(a), self._group(b)
        big, small = (one, other) if one.size >= other.size else (other, one)
        first = min(one, other, key=Group.order)
        joined = Group(big.id, first.first, first.when, one.size + other.size)
        for side in (one, other):
            self._note(side, joined)
        self.generation += 1
        self.con.execute("UPDATE claims SET grp = ? WHERE grp = ?", (big.id, small.id))
        self.con.execute("DELETE FROM groups WHERE id = ?", (small.id,))
        self._save(joined)

    def _regroup(self, old: Group) -> None:
        """Walk what is left of group ``old`` (claims went, or one's date changed), once: the
        parts its same-words links still connect become groups, the largest keeping its id."""
        dates = dict(self.con.execute(f"SELECT iri, {_WHEN} FROM claims WHERE grp = ?", (old.id,)))  # noqa: S608
        self.generation += 1
        if not dates:
            self.con.execute("DELETE FROM groups WHERE id = ?", (old.id,))
            return
        for n, part in enumerate(self._parts(dates)):
            first = earliest_of({iri: dates[iri] for iri in part})
            grp = old.id
            if n:  # a part cut off: a group of its own
                cur = self.con.execute("INSERT INTO groups (first, first_when, size) VALUES ('', '', 0)")
                grp = int(cur.lastrowid or 0)
                for chunk in _chunks(part):
                    marks = ",".join("?" * len(chunk))
                    self.con.execute(f"UPDATE claims SET grp = ? WHERE iri IN ({marks})", (grp, *chunk))  # noqa: S608
            new = Group(grp, first, dates[first], len(part))
            self._note(old, new, part)
            self._save(new)

    def _parts(self, members: Collection[str]) -> list[set[str]]:
        """``members`` split into what kb's same-words links among them connect, largest first."""
        parent = {m: m for m in members}

        def root(m: str) -> str:
            while parent[m] != m:
                parent[m] = parent[parent[m]]
                m = parent[m]
            return m

        for x in self.links_among(members):
            if x.relation in SAME_WORDS and x.src in parent and x.dst in parent:
                parent[root(x.src)] = root(x.dst)
        parts: dict[str, set[str]] = {}
        for m in members:
            parts.setdefault(root(m), set()).add(m)
        return sorted(parts.values(), key=lambda part: (-len(part), min(part)))

    def _save(self, group: Group) -> None:
        self.con.execute("UPDATE groups SET first = ?, first_when = ?, size = ? WHERE id = ?",
                         (group.first, group.when, group.size, group.id))

    def _note(self, before: Group, after: Group, members: Iterable[str] | None = None) -> None:
        """Collect (see :meth:`moves`) the members of ``before`` (all of them, or ``members``)
        when their earliest appearance is not the same in ``after``."""
        if self._moved is None or before.earliest == after.earliest:
            return
        if members is None:
            members = (r[0] for r in self.con.execute("SELECT iri FROM claims WHERE grp = ?", (before.id,)).fetchall())
        self._moved.update(members)

    # -- lookups for :mod:`.proposing` ----------------------------------------------
    def candidates(self, claim: TrackedClaim) -> Iterator[TrackedClaim]:
        """The stored claims sharing the most of ``claim``'s rarest shingles (not ``claim``'s own
        article): the :data:`CANDIDATES` that :func:`.proposing.propose` compares exactly."""
        keys = sorted(shingles(claim.words))
        if not keys:
            return
        marks = ",".join("?" * len(keys))
        rare = [h for (h,) in self.con.execute(
            f"SELECT h FROM df WHERE h IN ({marks}) AND n <= ? ORDER BY n LIMIT ?",  # noqa: S608 - only placeholders
            (*keys, MAX_POSTINGS, LOOKUPS),
        )]
        if not rare:
            return
        marks = ",".join("?" * len(rare))
        rows = self.con.execute(
            f"SELECT c.iri, c.graph, c.kind, c.words, c.speaker, c.said, c.doc, c.doc_date, c.outlet FROM "  # noqa: S608
            f"(SELECT claim, COUNT(*) AS n FROM shingles WHERE h IN ({marks}) GROUP BY claim ORDER BY n DESC LIMIT ?) AS s "
            f"JOIN claims c ON c.id = s.claim",
            (*rare, CANDIDATES),
        ).fetchall()
        for row in rows:
            old = _claim(row)
            if old.doc != claim.doc and old.iri != claim.iri:  # one article quoting the same words twice is one appearance
                yield old


def _current(con: sqlite3.Connection) -> bool:
    """Whether the index at ``con`` has today's layout (or none yet)."""
    columns = {r[1] for r in con.execute("PRAGMA table_info(claims)")}
    return not columns or "grp" in columns


def _claim(row: Sequence[str]) -> TrackedClaim:
    iri, graph, kind, words, speaker, said, doc, doc_date, outlet = row
    return TrackedClaim(iri, graph, kind, tuple(words.split()), speaker, said, doc, doc_date, outlet)
