"""Who is who: a person named by one word ("Obama") is linked to the fuller name it stands for.

IRIs of people come from their canonical name, so "Obama" and "Barack Obama"
would be two people. On every write, before the graph's descriptions become
contributions, each person named by a single word is resolved, in order:

1. to the one person of the same graph whose fuller name ends with that word;
2. failing that, to the one stored person whose canonical name ends with it;
3. when two or more fit, the mention is left as it is and flagged for review
   (``kb:ambiguousWith`` on its contribution, one per candidate): never merged
   silently.

Resolving rewrites the person's IRI in the graph being written and keeps the
word as an alias ("Obama" becomes an alternate name of Barack Obama). The other
way round, when a fuller name arrives after articles that used the word alone,
:func:`relink` finds the stored one-word person it resolves and rewrites the
graphs that name it, through the same pipeline, as one more write.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pyoxigraph as ox

from .. import iris
from ..store.base import Backend
from ..vocab import KB, RDF, SDO
from .changes import OxTriple, renamed
from .curated import rules as curation_rules

__all__ = ["resolve", "curate", "relink_candidates", "AMBIGUOUS"]

_TYPE = ox.NamedNode(str(RDF.type))
_PERSON = ox.NamedNode(str(SDO.Person))
_NAME = ox.NamedNode(str(SDO.name))
_ALIAS = ox.NamedNode(str(SDO.alternateName))
#: On a one-word person's description: a stored person it could be (a review flag).
AMBIGUOUS = ox.NamedNode(str(KB.ambiguousWith))
_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")


def _one_word(name: str) -> bool:
    """A capitalized single word ("Obama"; not "president", which is no name)."""
    word = name.strip()
    return bool(_WORD.match(word)) and len(word) > 1 and word[0].isupper()


def _last_word(name: str) -> str:
    return name.strip().split()[-1].casefold() if name.strip() else ""


def _people(triples: Iterable[OxTriple]) -> dict[ox.NamedNode, str]:
    """The persons described in a graph, with their names."""
    triples = list(triples)
    persons = {s for s, p, o in triples if p == _TYPE and o == _PERSON and isinstance(s, ox.NamedNode)}
    names: dict[ox.NamedNode, str] = {}
    for s, p, o in triples:
        if s in persons and p == _NAME and isinstance(o, ox.Literal) and s not in names:
            names[s] = o.value
    return names


def stored_fuller(backend: Backend, word: str) -> list[ox.NamedNode]:
    """Stored persons whose canonical name has more than one word and ends with ``word``."""
    entities = ox.NamedNode(str(iris.ENTITIES_GRAPH))
    suffix = ox.Literal(" " + word.casefold())
    _names, rows = backend.select(
        f"SELECT DISTINCT ?p WHERE {{ GRAPH {entities} {{ ?p a {_PERSON} ; {_NAME} ?name }} "
        f"FILTER(STRENDS(LCASE(STR(?name)), {suffix})) }}",
        union=False,
    )
    return sorted({ox.NamedNode(row["p"].value) for row in rows}, key=str)


def resolve(backend: Backend, triples: list[OxTriple]) -> list[OxTriple]:
    """One graph's triples with its one-word people resolved (see the module docstring), and
    the users' curations in force applied (merges, splits, links: :mod:`kb.writing.curated`),
    so that re-ingesting an article is curated again."""
    rules = curation_rules(backend)
    if not rules:
        return _who_is_who(backend, triples)
    # Merged-away people are never candidates (before); a word resolved to a split or merged
    # entity follows the curation (after).
    return rules.apply(_who_is_who(backend, rules.apply(triples)))


def curate(backend: Backend, triples: list[OxTriple]) -> list[OxTriple]:
    """A graph written as it is (a restored version, a SPARQL Update, a Graph Store write, a
    relinking) with the curations in force applied, as every write has them; unchanged when there
    are none. Read as its input said it, so that contributions are made again for the new IRIs."""
    from .entities import as_written

    rules = curation_rules(backend)
    return rules.apply(as_written(triples)) if rules else triples


def _who_is_who(backend: Backend, triples: list[OxTriple]) -> list[OxTriple]:
    people = _people(triples)
    # Only the people kb named itself (person/<name>): IRIs an input chose are the input's.
    persons = str(iris.mint("person", ""))  # read now: the base IRI is the store's (KB_BASE_IRI)
    short = {p: n for p, n in people.items() if _one_word(n) and p.value.startswith(persons)}
    if not short:
        return triples
    fuller: dict[str, list[ox.NamedNode]] = {}
    for p, name in people.items():
        if not _one_word(name):
            fuller.setdefault(_last_word(name), []).append(p)
    rename: dict[ox.NamedNode, ox.NamedNode] = {}
    flags: list[OxTriple] = []
    for p, name in short.items():
        word = name.strip().casefold()
        candidates = fuller.get(word) or stored_fuller(backend, word)
        candidates = [c for c in candidates if c != p]
        if len(candidates) == 1:
            rename[p] = candidates[0]
        elif len(candidates) > 1:
            flags.extend((p, AMBIGUOUS, c) for c in candidates)
    if not rename and not flags:
        return triples
    # The word stays as what this article calls the person (its name, now on the fuller
    # person's IRI); the canonical name prefers the fuller one (kb.writing.entities).
    return list(dict.fromkeys(renamed(triples, rename) + flags))


def relink_candidates(backend: Backend, triples: Iterable[OxTriple]) -> dict[ox.NamedNode, ox.NamedNode]:
    """Stored one-word persons that a fuller name in ``triples`` now resolves: word person → fuller person.

    Only when the fuller person is the one stored or new person that fits, and the
    one-word person is not flagged as ambiguous."""
    people = _people(triples)
    out: dict[ox.NamedNode, ox.NamedNode] = {}
    entities = ox.NamedNode(str(iris.ENTITIES_GRAPH))
    for p, name in people.items():
        if _one_word(name):
            continue
        word = _last_word(name)
        if not word:
            continue
        short = ox.NamedNode(str(iris.entity_iri("Person", word, "")))
        if short == p:
            continue
        _names, rows = backend.select(
            f"SELECT ?s WHERE {{ GRAPH {entities} {{ ?s a {_PERSON} }} }}", {"s": _rdflib(short)}, union=False
        )
        if not list(rows):
            continue
        fits = {c for c in stored_fuller(backend, word)} | {q for q, n in people.items() if not _one_word(n) and _last_word(n) == word}
        if fits == {p}:
            out[short] = p
    return out


def _rdflib(node: ox.NamedNode) -> Any:
    from rdflib import URIRef

    return URIRef(node.value)
