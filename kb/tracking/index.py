"""The tracking index: every anchored claim's words, shingles and links, in SQLite.

It lives beside the store (``tracking-index.sqlite3`` in the store folder, like
the browse index) and is derived data: deleting it makes kb rebuild it from the
store. Finding the other appearances of a quote is a lookup of its shingles (an
index range per shingle), then an exact comparison of the few candidates, so
linking an article does not depend on the size of the corpus.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from .text import compare, shingles

__all__ = ["TrackedClaim", "Link", "TrackingIndex", "index_path", "QUOTE_KINDS", "TRACKED_KINDS"]

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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS claims (
  id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, graph TEXT NOT NULL, kind TEXT NOT NULL, words TEXT NOT NULL,
  speaker TEXT NOT NULL, said TEXT NOT NULL, doc TEXT NOT NULL, doc_date TEXT NOT NULL, outlet TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_graph ON claims (graph);
CREATE TABLE IF NOT EXISTS shingles (h INTEGER NOT NULL, claim INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS shingles_h ON shingles (h);
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
class Link:
    """A relation kb detected: ``src`` ``relation`` ``dst`` (relation: a kb: local name)."""

    src: str
    dst: str
    relation: str
    score: float


def index_path(location: str) -> str:
    if os.path.isdir(location):
        return os.path.join(location, INDEX_FILE)
    key = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"kb-tracking-{key}.sqlite3")


def _relations(new: TrackedClaim, old: TrackedClaim) -> list[Link]:
    """What kb proposes between a new claim and a stored one: the same quote (new to old;
    symmetric), plus "repeats" when the same speaker said it on two dates; or a paraphrase."""
    quotes = new.kind in QUOTE_KINDS and old.kind in QUOTE_KINDS
    match = compare(new.words, old.words, quotes=quotes)
    if match is None:
        return []
    if match.how == "paraphrase":
        if quotes:
            return []  # two quotes sharing words are not one saying the other in other words
        # The paraphrase points at what it paraphrases; between two paraphrases, the later at the earlier.
        later, earlier = (new, old) if new.kind == "Paraphrase" and (old.kind != "Paraphrase" or new.when >= old.when) \
            else (old, new)
        return [Link(later.iri, earlier.iri, "paraphraseOf", match.score)]
    out = [Link(new.iri, old.iri, "sameQuoteAs", match.score)]
    if new.speaker and new.speaker == old.speaker and new.said and old.said and new.said != old.said:
        later, earlier = (new, old) if new.said > old.said else (old, new)
        out.append(Link(later.iri, earlier.iri, "repeats", match.score))
    return out


class TrackingIndex:
    def __init__(self, path: str) -> None:
        self.path = path
        self.con = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.executescript(_SCHEMA)

    def close(self) -> None:
        self.con.close()

    # -- bookkeeping ----------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def reset(self) -> None:
        with self.con:
            for table in ("claims", "shingles", "df", "links", "meta"):
                self.con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    # -- reading --------------------------------------------------------------------
    def claim(self, iri: str) -> TrackedClaim | None:
        row = self.con.execute(
            "SELECT iri, graph, kind, words, speaker, said, doc, doc_date, outlet FROM claims WHERE iri = ?", (iri,)
        ).fetchone()
        return _claim(row) if row else None

    def claims_of_graph(self, graph: str) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT iri FROM claims WHERE graph = ?", (graph,))]

    def links_of(self, iri: str) -> list[Link]:
        rows = self.con.execute(
            "SELECT src, dst, relation, score FROM links WHERE src = ? UNION ALL "
            "SELECT src, dst, relation, score FROM links WHERE dst = ?", (iri, iri)
        )
        return [Link(*r) for r in rows]

    def has(self, iri: str) -> bool:
        return self.con.execute("SELECT 1 FROM claims WHERE iri = ?", (iri,)).fetchone() is not None

    def count(self) -> int:
        return int(self.con.execute("SELECT COUNT(*) FROM claims").fetchone()[0])

    # -- writing --------------------------------------------------------------------
    def remove_graphs(self, graphs: Iterable[str]) -> tuple[set[str], list[Link]]:
        """Forget the claims of ``graphs``: returns them and the links they had."""
        gone: set[str] = set()
        links: list[Link] = []
        with self.con:
            for graph in graphs:
                for cid, iri in self.con.execute("SELECT id, iri FROM claims WHERE graph = ?", (graph,)).fetchall():
                    gone.add(iri)
                    links.extend(self.links_of(iri))
                    self.con.execute("UPDATE df SET n = n - 1 WHERE h IN (SELECT h FROM shingles WHERE claim = ?)", (cid,))
                    self.con.execute("DELETE FROM shingles WHERE claim = ?", (cid,))
                    self.con.execute("DELETE FROM links WHERE src = ? OR dst = ?", (iri, iri))
                self.con.execute("DELETE FROM claims WHERE graph = ?", (graph,))
        return gone, links

    def add(self, claims: Sequence[TrackedClaim], *, link: bool = True) -> list[Link]:
        """Index the claims of one graph and link them to the claims indexed before: new to old
        (``link=False`` only indexes them: for loading claims known to be linked already)."""
        found: list[Link] = []
        with self.con:
            for claim in claims:
                if link and claim.kind in TRACKED_KINDS:
                    found.extend(self._candidates_links(claim))
            for claim in claims:
                cur = self.con.execute(
                    "INSERT OR REPLACE INTO claims (iri, graph, kind, words, speaker, said, doc, doc_date, outlet) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (claim.iri, claim.graph, claim.kind, " ".join(claim.words), claim.speaker, claim.said, claim.doc,
                     claim.doc_date, claim.outlet),
                )
                if claim.kind in TRACKED_KINDS:
                    keys = [(h,) for h in shingles(claim.words)]
                    self.con.executemany("INSERT INTO shingles VALUES (?, ?)", ((h, cur.lastrowid) for (h,) in keys))
                    self.con.executemany("INSERT INTO df VALUES (?, 1) ON CONFLICT (h) DO UPDATE SET n = n + 1", keys)
            self.con.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
                                 ((x.src, x.dst, x.relation, x.score) for x in found))
        return found

    def _candidates_links(self, claim: TrackedClaim) -> Iterator[Link]:
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
            if old.doc == claim.doc or old.iri == claim.iri:
                continue  # one article quoting the same words twice is one appearance
            yield from _relations(claim, old)


def _claim(row: Sequence[str]) -> TrackedClaim:
    iri, graph, kind, words, speaker, said, doc, doc_date, outlet = row
    return TrackedClaim(iri, graph, kind, tuple(words.split()), speaker, said, doc, doc_date, outlet)
