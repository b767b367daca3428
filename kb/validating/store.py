"""Validating the whole knowledge base, on any backend (``kb validate``).

On the embedded store with the SPARQL engine the compiled shapes run as queries
on the store itself; otherwise graph by graph, each batch with its stored context.
"""

from __future__ import annotations

from typing import Callable, Iterable

from rdflib import Graph, URIRef

from ..store.base import Backend
from ..vocab import RDF
from . import ValidationReport, engine, subjects_and_objects, validate_graph, validate_store

__all__ = ["validate_backend"]


def validate_backend(
    backend: Backend,
    *,
    progress: Callable[[Iterable[URIRef]], Iterable[URIRef]] = lambda items: items,
    batch_triples: int = 50_000,
) -> ValidationReport:
    """Validate everything ``backend`` stores against the shapes."""
    from ..store.embedded import EmbeddedBackend

    if isinstance(backend, EmbeddedBackend) and engine() == "sparql":
        return validate_store(backend.store)
    report = ValidationReport(conforms=True)
    batch = Graph()
    focus: set[URIRef] = set()

    def flush() -> None:
        nonlocal batch, focus
        if not focus:
            return
        context = Graph()
        for node in subjects_and_objects(batch):
            for s, p, o, _g in backend.triples(node):
                context.add((s, p, o))
        linked = {o for o in context.objects() if isinstance(o, URIRef)} - set(context.subjects())
        for node in linked:
            for s, p, o, _g in backend.triples(node):
                if p == RDF.type:
                    context.add((s, p, o))
        part = validate_graph(batch + context, sorted(focus))
        report.conforms = report.conforms and part.conforms
        report.violations.extend(part.violations)
        report.focus_count += part.focus_count
        batch, focus = Graph(), set()

    for graph in progress(backend.graphs()):
        for s, p, o, _g in backend.triples(None, graph):
            batch.add((s, p, o))
            if isinstance(s, URIRef):
                focus.add(s)
        if len(batch) >= batch_triples:
            flush()
    flush()
    report.violations = sorted(set(report.violations), key=lambda v: (str(v.focus), str(v.path), v.message))
    return report
