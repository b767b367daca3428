"""The people and organizations of the store, indexed by their names, for reconciliation.

What :mod:`kb.tracking.reconcile` searches: every entity of the canonical entity
graph typed ``schema:Person`` or ``schema:Organization``, with its canonical name,
aliases, title and ``schema:sameAs`` links, read once per store version (the
browse index's version, which every write bumps) into memory. Names are
compared normalized (no case, diacritics, apostrophes or punctuation) and
indexed by whole name and by word, and the words by their character trigrams, so
that a query scores only the names with one of its words or a near spelling of
one, never all of them (20,000 people: about 1 s to index, a few ms a query).

How a name scores against a query is documented in :mod:`kb.tracking.reconcile`.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .. import iris
from ..vocab import SDO

__all__ = ["TYPES", "DEFAULT_LIMIT", "Query", "Named", "Catalog", "catalog", "norm", "wikidata_qid", "same_as_key", "entity_id", "iri_of"]

#: The types one can reconcile against: id → name. A news outlet is also an organization.
TYPES: dict[str, str] = {str(SDO.Person): "Person", str(SDO.Organization): "Organization",
                         str(SDO.NewsMediaOrganization): "News media organization"}
DEFAULT_LIMIT = 5
_APOSTROPHES = re.compile(r"['’`ʼ]")
_PUNCTUATION = re.compile(r"[\W_]+")
_QID = re.compile(r"(?:^|[/:#])(Q[1-9][0-9]*)$", re.IGNORECASE)
# The canonical description of every entity, one property per query (joining several
# would multiply the rows of an entity with many aliases).
_CANONICAL = {
    "type": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e a ?o } }",
    "name": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e schema:name ?o } }",
    "alias": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e schema:alternateName ?o } }",
    "title": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e schema:honorificPrefix ?o } }",
    "parent": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e schema:parentOrganization ?o } }",
    "relation": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e kb:relation ?o } }",
    # Links to Wikidata and others, as the canonical description states them (users' link
    # curations end up there: kb.tracking.entity_curations).
    "same": "SELECT ?eg ?e ?o WHERE { GRAPH ?eg { ?e schema:sameAs ?o } }",
}


def norm(text: str) -> str:
    """``"Ésmail  QAANI"`` → ``"esmail qaani"``: no case, diacritics, apostrophes or punctuation."""
    folded = text
    if not text.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", _APOSTROPHES.sub("", folded.casefold())).split())


def wikidata_qid(value: str) -> str | None:
    """A Wikidata item however written (``Q42``, ``wd:Q42``, its entity or wiki URL) → ``Q42``;
    None for anything else. The one reading of a Wikidata identifier: for links users set
    (:func:`kb.tracking.entity_curations.external_iri`) and for reconciliation queries."""
    value = value.strip()
    found = _QID.search(value)
    if found and ("wikidata" in value.lower() or found.group(0) == value or value.lower().startswith("wd:")):
        return found.group(1).upper()
    return None


def same_as_key(value: str) -> str:
    """What two ``sameAs`` values are compared by: the QID of a Wikidata item, other IRIs as they are."""
    return wikidata_qid(value) or value.strip()


def entity_id(iri: str) -> str:
    return iris.local_path(iri) if iris.is_minted(iri) and "#" not in iri else iri


def iri_of(entity: str) -> str:
    """An id back to its IRI: a full IRI stays, a relative id is under the base IRI."""
    return entity if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", entity) else iris.base() + entity


@dataclass(frozen=True)
class Query:
    text: str
    types: frozenset[str] = frozenset()  # empty: people and organizations alike
    limit: int = DEFAULT_LIMIT
    same_as: frozenset[str] = frozenset()


@dataclass
class Named:
    iri: str
    name: str = ""
    types: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    title: str = ""
    parent: str = ""
    relation: str = ""
    same_as: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Label:
    entity: int
    text: str  # normalized
    words: tuple[str, ...]
    exact: float  # the score when the query equals it
    sure: bool  # an exact match on it can be a sure match


def _trigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Catalog:
    """The people and organizations of one store version, indexed by their names."""

    def __init__(self, entities: list[Named]) -> None:
        self.entities = entities
        self.labels: list[_Label] = []
        self.exact: dict[str, list[int]] = {}
        self.words: dict[str, set[int]] = {}
        self.word_grams: dict[str, set[str]] = {}  # trigram → the stored words that have it
        self.same_as: dict[str, set[int]] = {}
        self.descriptions: dict[int, str] = {}
        self.position = {e.iri: i for i, e in enumerate(entities)}
        for i, e in enumerate(entities):
            names = {a: 95.0 if " " in norm(a) else 80.0 for a in e.aliases}
            if e.title:
                names[f"{e.title} {e.name}"] = 95.0
            if norm(e.name).startswith("the "):  # "Jerusalem Post" names The Jerusalem Post
                names[e.name.split(None, 1)[1]] = 95.0
            names[e.name] = 100.0
            seen: set[str] = set()
            for text, score in sorted(names.items(), key=lambda kv: -kv[1]):
                n = norm(text)
                if not n or n in seen:
                    continue
                seen.add(n)
                self._add(_Label(i, n, tuple(n.split()), score, score > 80.0))
            for key in e.same_as:
                self.same_as.setdefault(key, set()).add(i)
        self.sorted_labels = sorted((lab.text, j) for j, lab in enumerate(self.labels))
        self.sorted_words = sorted(self.words)
        for w in self.sorted_words:
            for g in _trigrams(w):
                self.word_grams.setdefault(g, set()).add(w)

    def _add(self, label: _Label) -> None:
        j = len(self.labels)
        self.labels.append(label)
        self.exact.setdefault(label.text, []).append(j)
        for w in label.words:
            self.words.setdefault(w, set()).add(j)

    def fits(self, i: int, types: frozenset[str]) -> bool:
        return not types or bool(self.entities[i].types & types)

    def _similar(self, word: str) -> set[str]:
        """The stored words spelled like ``word``: itself, and near spellings (difflib ratio ≥ 0.7)
        among the words sharing half its trigrams (the words, not the names: far fewer)."""
        out = {word} if word in self.words else set()
        if len(word) < 4:
            return out
        grams = _trigrams(word)
        counts: Counter[str] = Counter()
        for g in grams:
            counts.update(self.word_grams.get(g, ()))
        matcher = SequenceMatcher(None, "", word, autojunk=False)
        for w, n in counts.items():
            if n >= 0.5 * len(grams) and w not in out:
                matcher.set_seq1(w)
                if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7 and matcher.ratio() >= 0.7:
                    out.add(w)
        return out

    def _label_score(self, q: str, qwords: tuple[str, ...], lab: _Label, matcher: SequenceMatcher,
                     fuzzy: bool) -> float:
        if q == lab.text:
            return lab.exact
        score = 0.0
        shared = set(qwords) & set(lab.words)
        if shared and shared == set(qwords):
            score = 50 + 30 * len(qwords) / max(len(lab.words), len(qwords))
        elif shared:
            score = 60 * len(shared) / len(set(qwords) | set(lab.words))
        if not fuzzy:
            return min(score, 79.0)
        matcher.set_seq1(lab.text)
        if matcher.real_quick_ratio() >= 0.75 and matcher.quick_ratio() >= 0.75:
            ratio = matcher.ratio()
            if ratio >= 0.75:
                score = max(score, 70 * ratio)
        if len(qwords) == 1 and len(lab.words) > 1:
            matcher.set_seq1(lab.words[-1])
            if matcher.real_quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
                score = max(score, 55 * matcher.ratio())
        return min(score, 79.0)  # below any name equal to the query

    def search(self, query: Query) -> list[tuple[int, float, bool]]:
        """(entity, score, sure match) of the best ``query.limit`` candidates, best first."""
        q = norm(query.text)
        qwords = tuple(q.split())
        # The names with a word of the query, or a near spelling of one; those with all of them
        # (the candidates of a misspelled name) are compared letter by letter too.
        hits: Counter[int] = Counter()
        for w in set(qwords):
            having: set[int] = set()
            for similar in self._similar(w):
                having |= self.words[similar]
            hits.update(having)
        matcher = SequenceMatcher(None, "", q, autojunk=False)
        best: dict[int, tuple[float, bool]] = {}
        for j in set(hits) | set(self.exact.get(q, [])):
            lab = self.labels[j]
            if not self.fits(lab.entity, query.types):
                continue
            score = self._label_score(q, qwords, lab, matcher, hits[j] >= len(set(qwords)))
            exact = q == lab.text
            had = best.get(lab.entity, (0.0, False))
            best[lab.entity] = (max(had[0], score), had[1] or (exact and lab.sure))
        exact_entities = {self.labels[j].entity for j in self.exact.get(q, []) if self.fits(self.labels[j].entity, query.types)}
        # An entity's own id (or IRI) as the query finds it, as its link to Wikidata does.
        named = self.position.get(iri_of(query.text.strip())) if query.text.strip() and " " not in query.text.strip() else None
        if named is not None and self.fits(named, query.types):
            best[named] = (100.0, True)
            exact_entities = {named}
        if query.same_as:
            linked = {i for key in query.same_as for i in self.same_as.get(key, ()) if self.fits(i, query.types)}
            for i in linked:
                best[i] = (100.0, True)
            for i, (score, sure) in list(best.items()):
                if i not in linked and self.entities[i].same_as:
                    best[i] = (max(score - 30, 0.0), False)
            if linked:
                exact_entities = linked
        if len(exact_entities) != 1:
            best = {i: (s, False) for i, (s, _sure) in best.items()}
        else:
            best = {i: (s, sure and i in exact_entities) for i, (s, sure) in best.items()}
        ranked = [(i, round(s, 1), sure) for i, (s, sure) in best.items() if s > 0]
        return heapq.nsmallest(query.limit, ranked, key=lambda r: (-r[1], self.entities[r[0]].name,
                                                                   self.entities[r[0]].iri))

    def prefixed(self, prefix: str, types: frozenset[str]) -> list[int]:
        """Entities with a name starting with ``prefix``, or a word of a name: whole names first."""
        p = norm(prefix)
        if not p:
            return []
        out: dict[int, tuple[int, str]] = {}
        named = self.position.get(iri_of(prefix.strip()))
        if named is not None and self.fits(named, types):
            out[named] = (-1, "")
        start = bisect_left(self.sorted_labels, (p, -1))
        for text, j in self.sorted_labels[start:]:
            if not text.startswith(p):
                break
            i = self.labels[j].entity
            if self.fits(i, types):
                out.setdefault(i, (0 if self.labels[j].exact == 100.0 else 1, self.entities[i].name))
        if " " not in p:
            for w in self.sorted_words[bisect_left(self.sorted_words, p):]:
                if not w.startswith(p):
                    break
                for j in self.words[w]:
                    i = self.labels[j].entity
                    if self.fits(i, types):
                        out.setdefault(i, (2, self.entities[i].name))
        return sorted(out, key=lambda i: (out[i], self.entities[i].iri))


def _load(kb: Any) -> Catalog:
    bound = {"eg": iris.ENTITIES_GRAPH}
    found: dict[str, Named] = {}
    rows = {key: kb.select(q, bound) for key, q in _CANONICAL.items()}
    for r in rows["type"]:
        if str(r["o"]) in TYPES:
            found.setdefault(str(r["e"]), Named(str(r["e"]))).types.add(str(r["o"]))
    names: dict[str, list[str]] = {}
    for r in rows["name"]:
        names.setdefault(str(r["e"]), []).append(str(r["o"]))
    for iri, named in found.items():
        first, *others = sorted(names.get(iri, [""]))  # one by construction
        named.name = first
        named.aliases.update(others)
    for key in ("alias", "title", "parent", "relation"):
        for r in rows[key]:
            e = found.get(str(r["e"]))
            if e is None:
                continue
            if key == "alias":
                e.aliases.add(str(r["o"]))
            else:
                setattr(e, key, str(r["o"]))
    for r in rows["same"]:
        e = found.get(str(r["e"]))
        if e is not None:
            e.same_as.add(same_as_key(str(r["o"])))
    return Catalog(sorted((e for e in found.values() if e.name), key=lambda e: e.iri))


def catalog(kb: Any) -> Catalog:
    from ..browse.store import cached

    return cached(kb, "reconcile-catalog", (), lambda: _load(kb))  # type: ignore[no-any-return]
