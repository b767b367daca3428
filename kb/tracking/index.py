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
reach (:meth:`TrackingIndex.component`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from typing import Collection, Iterable, Iterator, Mapping, Sequence

from .text import compare, shingles

__all__ = ["TrackedClaim", "Link", "TrackingIndex", "index_path", "earliest_first", "earliest_of",
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
        out: dict[str, TrackedClaim] = {}
        for chunk in _chunks(iris):
            marks = ",".join("?" * len(chunk))
            rows = self.con.execute(
                "SELECT iri, graph, kind, words, speaker, said, doc, doc_date, outlet FROM claims "  # noqa: S608
                f"WHERE iri IN ({marks})", chunk)
            out.update((r[0], _claim(r)) for r in rows)
        return out

    def dates(self, iris: Collection[str]) -> dict[str, str]:
        """IRI → date of appearance (said, else published; "" if neither) of the indexed ``iris``."""
        out: dict[str, str] = {}
        for chunk in _chunks(iris):
            marks = ",".join("?" * len(chunk))
            out.update(self.con.execute(f"SELECT iri, {_WHEN} FROM claims WHERE iri IN ({marks})", chunk))  # noqa: S608
        return out

    def component(self, seeds: Collection[str]) -> dict[str, str]:
        """The indexed claims kb's own same-words links connect to ``seeds``, with their dates
        (:meth:`dates`); curations aside (see :func:`kb.tracking.link.group`). One recursive
        query: a popular quote's group is hundreds of claims, walked on every new appearance."""
        relations = sorted(SAME_WORDS)
        marks = ",".join("?" * len(relations))
        rows = self.con.execute(
            "WITH RECURSIVE grp(iri) AS (SELECT value FROM json_each(?) "  # noqa: S608 - only placeholders
            f"UNION SELECT l.dst FROM grp JOIN links l ON l.src = grp.iri WHERE l.relation IN ({marks}) "
            f"UNION SELECT l.src FROM grp JOIN links l ON l.dst = grp.iri WHERE l.relation IN ({marks})) "
            f"SELECT c.iri, {_WHEN} FROM grp JOIN claims c ON c.iri = grp.iri",
            (json.dumps(sorted(seeds)), *relations, *relations))
        return dict(rows)

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
                    found.extend(self._propose(claim, best=BEST))  # BEST read now: tests change it
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
            self._store(found)
        return found

    def relink(self, iris: Collection[str]) -> list[Link]:
        """Link the claims ``iris`` (that lost a neighbour: a removed claim may have been all that
        joined them to the rest of their group) to the root of every other group of their
        matches, so that removing an appearance never splits a group of the same words."""
        found: list[Link] = []
        with self.con:
            for claim in self.claims(iris).values():
                if claim.kind in TRACKED_KINDS:
                    links = self._propose(claim, best=0)
                    self._store(links)  # at once: the next claim's groups include these
                    found.extend(links)
        return found

    def _store(self, links: Iterable[Link]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
                             ((x.src, x.dst, x.relation, x.score) for x in links))

    def _propose(self, claim: TrackedClaim, *, best: int) -> list[Link]:
        """The links kb proposes from ``claim`` to stored claims: to the root of each group of
        appearances it joins (or, when the root's words do not match, the group's earliest
        match), to the ``best`` best-scoring other appearances, and to the earliest and
        ``best`` best paraphrase partners. Claims it is linked to already are left out."""
        matches: dict[str, tuple[TrackedClaim, list[Link]]] = {}
        for old in self._candidates(claim):
            links = _relations(claim, old)
            if links:
                matches[old.iri] = (old, links)
        if not matches:
            return []
        linked = {end for x in self.links_of(claim.iri) for end in (x.src, x.dst)}
        same = sorted((m for m, (_, links) in matches.items() if any(x.relation in SAME_WORDS for x in links)),
                      key=lambda m: earliest_first(matches[m][0]))
        para = sorted((m for m in matches if m not in same), key=lambda m: earliest_first(matches[m][0]))
        kept = self._roots(claim, same, matches)  # may compare, and add to matches, a root that was no candidate
        kept += _best([m for m in same if m not in kept], matches, best)
        if best:  # a relink only joins groups: paraphrases do not make one
            kept += para[:1] + _best(para[1:], matches, best)
        return [x for m in dict.fromkeys(kept) if m not in linked for x in matches[m][1]]

    def _roots(self, claim: TrackedClaim, same: list[str],
               matches: dict[str, tuple[TrackedClaim, list[Link]]]) -> list[str]:
        """One claim per group that ``same`` (matches, earliest first) belong to, other than
        ``claim``'s own group: the group's earliest appearance when its words match ``claim``'s
        (it is compared, and added to ``matches``, when it was not a candidate), else the group's
        earliest match."""
        placed = set(self.component({claim.iri}))
        roots: list[str] = []
        for m in same:
            if m in placed:
                continue
            group = self.component({m})
            placed |= set(group)
            root = self.claim(earliest_of(group))
            if root is not None and root.iri not in matches and root.doc != claim.doc:
                links = _relations(claim, root)
                if any(x.relation in SAME_WORDS for x in links):
                    matches[root.iri] = (root, links)
            roots.append(root.iri if root is not None and root.iri in matches else m)
        return roots

    def _candidates(self, claim: TrackedClaim) -> Iterator[TrackedClaim]:
        """The stored claims sharing the most of ``claim``'s rarest shingles (not ``claim``'s own article)."""
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


def _best(partners: Iterable[str], matches: dict[str, tuple[TrackedClaim, list[Link]]], n: int) -> list[str]:
    """The ``n`` best of ``partners``: highest score first; between equals the most recent
    (the earliest is linked as the root already), then by IRI. Stable sorts, last key first."""
    ordered = sorted(partners)
    ordered.sort(key=lambda m: matches[m][0].when, reverse=True)  # undated ("") last
    ordered.sort(key=lambda m: max(x.score for x in matches[m][1]), reverse=True)
    return ordered[:n]


def _claim(row: Sequence[str]) -> TrackedClaim:
    iri, graph, kind, words, speaker, said, doc, doc_date, outlet = row
    return TrackedClaim(iri, graph, kind, tuple(words.split()), speaker, said, doc, doc_date, outlet)
