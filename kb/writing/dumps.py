"""Large RDF dumps, streamed in bounded memory.

A backup of a 100k-claim knowledge base is millions of quads: parsed whole
into rdflib it takes gigabytes. Every file of N-Quads, TriG, N-Triples or
Turtle is therefore read twice by pyoxigraph's streaming parser (ten times
faster than rdflib's): once to check its syntax (so a malformed file writes
nothing), then to write it graph by graph through the same pipeline as
everything else. A file under :data:`STREAM_BYTES` is one all-or-nothing
write; a larger one is written in batches of about :data:`BATCH_QUADS` quads,
each batch a validated, atomic write. Memory stays bounded by the batch, whatever
the file's size. A batch the shapes refuse stops the ingest; the graphs of the
batches before it stay written, and the report says how many.

Quads of one graph are expected together (as ``kb export`` and every
triple store write them); the quads of a graph that comes back later in the
file are gathered in memory and written last, whole.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .. import iris
from ..errors import InputError, KBError, ParseError
from ..formats import check_storable, media_type, ox_format
from ..store.convert import from_ox, to_ox
from ..vocab import RDF, SDO
from .changes import Change, IngestResult, InputMeta, OxTriple, skolemize

if TYPE_CHECKING:  # pragma: no cover
    from ..knowledge import KnowledgeBase

__all__ = ["STREAM_BYTES", "BATCH_QUADS", "STREAMED", "streams", "large", "ingest_dump"]

#: Files at least this large are streamed (smaller ones are one all-or-nothing write).
STREAM_BYTES = int(os.environ.get("KB_STREAM_BYTES", str(16 * 1024 * 1024)))
#: About how many quads one write of a streamed dump holds.
BATCH_QUADS = 50_000
#: The formats pyoxigraph's streaming parser reads here (JSON-LD and RDF/XML keep rdflib's
#: parser, which refuses DTDs and remote contexts: kb.formats.parse_rdf).
STREAMED = ("nquads", "trig", "nt", "turtle")


def streams(path: str | Path, kind: str) -> bool:
    """Whether a file of this kind is read by pyoxigraph's streaming parser (every
    N-Quads, TriG, N-Triples and Turtle file: it is also 10x faster than rdflib's)."""
    return kind in STREAMED and Path(path).is_file()


def large(path: str | Path) -> bool:
    """Whether a file is written in several batches rather than one all-or-nothing write."""
    try:
        return Path(path).stat().st_size >= STREAM_BYTES
    except OSError:
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parse(path: Path, kind: str, name: str) -> Iterator[ox.Quad]:
    try:
        for quad in ox.parse(path=str(path), format=ox_format(kind)):
            yield quad
    except SyntaxError as err:
        raise ParseError(f"{name}: malformed {kind}: {' '.join(str(err).split())[:300]}") from None
    except (OSError, ValueError) as err:
        raise InputError(f"{name}: cannot read: {err}") from None


def _check_utf8(path: Path, name: str) -> None:
    """UTF-8 text, as every input must be (the same message as kb.formats.decode_utf8)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                raise ParseError(f"{name}: not UTF-8 text (invalid byte at offset {offset + err.start})") from None
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as err:
            raise ParseError(f"{name}: not UTF-8 text (invalid byte at offset {offset + err.start})") from None


def _check(path: Path, kind: str, name: str) -> set[object]:
    """The first pass: the whole file parses, and carries nothing RDF/XML could not.
    Returns the graphs whose quads are not all together (they are gathered in memory)."""
    _check_utf8(path, name)
    seen: set[object] = set()
    split: set[object] = set()
    current: object = None
    for quad in _parse(path, kind, name):
        if isinstance(quad.object, ox.Literal):
            check_storable(quad.object.value, name)
        if quad.graph_name != current:
            current = quad.graph_name
            if current in seen:
                split.add(current)
            seen.add(current)
    return split


def _changes(path: Path, kind: str, meta: InputMeta, split: set[object]) -> Iterator[Change]:
    """One change per graph: a contiguous run of its quads, or, for the ``split`` graphs,
    all of them, gathered and given last."""
    default = ox.NamedNode(str(iris.graph_iri(meta.sha256[:20])))
    current: ox.NamedNode | None = None
    triples: list[OxTriple] = []
    gathered: dict[ox.NamedNode, list[OxTriple]] = {}

    def change(current: ox.NamedNode, triples: list[OxTriple]) -> Change:
        graph = URIRef(current.value)
        if any(isinstance(t, ox.BlankNode) for s, _p, o in triples for t in (s, o)):
            g = Graph()
            for s, p, o in triples:
                g.add((from_ox(s), from_ox(p), from_ox(o)))
            g = skolemize(g, iris.digest(meta.sha256, graph))
            content = [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in g]
        else:
            content = list(triples)
        claims = sum(1 for _s, p, o in content if p.value == _TYPE and getattr(o, "value", "") == _CLAIM)
        return Change(graph, None, meta, claims=claims, ox_triples=content)

    for quad in _parse(path, kind, meta.name):
        graph = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else default
        triple = (quad.subject, quad.predicate, quad.object)
        if quad.graph_name in split:
            gathered.setdefault(graph, []).append(triple)
            continue
        if graph != current:
            if current is not None and triples:
                yield change(current, triples)
            current, triples = graph, []
        triples.append(triple)
    if current is not None and triples:
        yield change(current, triples)
    for graph, content in gathered.items():
        yield change(graph, content)


_TYPE = str(RDF.type)
_CLAIM = str(SDO.Claim)


def ingest_dump(
    kb: "KnowledgeBase", path: str | Path, kind: str, *, agent: str | None = None, reason: str | None = None
) -> IngestResult:
    """Stream a large dump into the knowledge base (see the module docstring)."""
    p = Path(path)
    name = p.name
    split = _check(p, kind, name)
    meta = InputMeta(name, _sha256(p), media_type(kind))
    total = IngestResult()
    batch: list[Change] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if not batch:
            return
        try:
            total.merge(kb.commit(batch, agent=agent, reason=reason, notify=False))
        except KBError as err:
            done = sum(1 for s in total.graphs.values() if s != "unchanged")
            if done:  # the message says what stays written; the error keeps its report
                err.args = (f"{err} ({done} graphs of {name} were written before this batch)",)
            raise
        batch.clear()
        size = 0

    limit = BATCH_QUADS if large(p) else None  # a file under STREAM_BYTES is one all-or-nothing write
    try:
        for change in _changes(p, kind, meta, split):
            if change.graph in iris.DERIVED_GRAPHS:
                continue  # derived again from the graphs written
            if change.graph == iris.PROVENANCE_GRAPH:
                raise InputError(f"{name}: the graph {iris.PROVENANCE_GRAPH} is kept by kb and cannot be written")
            batch.append(change)
            size += len(change.ox())
            if limit is not None and size >= limit:
                flush()
        flush()
    finally:
        if total.changed:
            kb.notify(total)  # the derived indexes follow once, after the last batch written
    if not total.graphs:
        raise InputError(f"{name}: holds no triples")
    return total
