"""SHACL validation: the data contract in ``shapes/`` applied with pySHACL.

Writes are validated incrementally: only the nodes a write adds or changes are
focus nodes (pySHACL's ``focus_nodes``), checked against a small graph made of
the new triples plus what the store already says about every node they name.
The whole knowledge base is validated only on demand (``kb validate``).

Two engines give the same results (``tests/test_shaclsparql.py``):

- ``sparql`` (the default): the shapes compiled to SPARQL by :mod:`kb.validating.compiled`
  and run by Oxigraph, over a small in-memory store for a write or over the
  persistent store for ``kb validate``. It is 50-1000x faster than pySHACL (see
  ``bench/README.md``) and is what makes validated writes cheap.
- ``pyshacl``: the reference. Used when ``KB_SHACL_ENGINE=pyshacl``, and when the
  shapes use a SHACL feature the compiler does not implement (with a warning),
  so a new shape is never silently skipped.
"""

from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import KBError
from ..vocab import PREFIXES, RDF, SH

__all__ = [
    "Violation",
    "ValidationReport",
    "shapes_dir",
    "shapes_graph",
    "validate_graph",
    "validate_quads",
    "validate_store",
    "engine",
]


def shapes_dir() -> Path:
    """``$KB_SHAPES``, else ``shapes/`` beside the kb package (a checkout or editable install)."""
    configured = os.environ.get("KB_SHAPES")
    if configured:
        return Path(configured)
    here = Path(__file__).resolve().parent.parent  # kb/, above kb/validating/
    for candidate in (here.parent / "shapes", here / "shapes"):
        if candidate.is_dir():
            return candidate
    raise KBError("the SHACL shapes folder was not found; set KB_SHAPES to the shapes/ folder")


@functools.lru_cache(maxsize=4)
def _load_shapes(folder: str) -> Graph:
    g = Graph()
    for path in sorted(Path(folder).glob("*.ttl")):
        g.parse(path, format="turtle")
    if len(g) == 0:
        raise KBError(f"no SHACL shapes (*.ttl) in {folder}")
    return g


def shapes_graph() -> Graph:
    return _load_shapes(str(shapes_dir()))


def _short(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = str(term)
        return repr(text if len(text) <= 60 else text[:59] + "…")
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result (https://www.w3.org/TR/shacl/#results-validation-result)."""

    focus: Node
    message: str
    severity: str = "Violation"
    path: Node | None = None
    value: Node | None = None
    shape: Node | None = None
    constraint: Node | None = None

    def line(self) -> str:
        where = _short(self.focus) + (f" {_short(self.path)}" if self.path is not None else "")
        value = f" (value {_short(self.value)})" if self.value is not None else ""
        return f"{where}: {self.message}{value}"

    def as_dict(self) -> dict[str, str | None]:
        def s(t: Node | None) -> str | None:
            return None if t is None else str(t)

        return {
            "focus": s(self.focus), "path": s(self.path), "value": s(self.value),
            "message": self.message, "severity": self.severity,
            "shape": s(self.shape), "constraint": s(self.constraint),
        }


@dataclass
class ValidationReport:
    """The outcome of a validation: ``conforms`` and every violation found."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    focus_count: int = 0

    def summary(self) -> str:
        """One line: what a CLI prints on stderr."""
        if self.conforms:
            return f"valid: {self.focus_count} nodes conform to the shapes"
        n = len(self.violations)
        first = self.violations[0].line() if self.violations else "see the report"
        return f"{n} SHACL violation{'s' if n != 1 else ''}; first: {first}"

    def text(self) -> str:
        """The readable report: one line per violation, sorted."""
        if self.conforms:
            return self.summary() + "\n"
        lines = sorted({v.line() for v in self.violations})
        return f"{len(self.violations)} SHACL violation(s):\n" + "".join(f"  - {line}\n" for line in lines)

    def as_dict(self) -> dict[str, object]:
        return {"conforms": self.conforms, "violations": [v.as_dict() for v in self.violations]}


def _report(results: Graph, focus_count: int) -> ValidationReport:
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = results.value(result, SH.resultSeverity)
        messages = [str(m) for m in results.objects(result, SH.resultMessage)]
        violations.append(
            Violation(
                focus=results.value(result, SH.focusNode) or URIRef("urn:kb:unknown-focus"),
                message="; ".join(sorted(messages)) or "violates a shape",
                severity=str(severity).rsplit("#", 1)[-1],
                path=results.value(result, SH.resultPath),
                value=results.value(result, SH.value),
                shape=results.value(result, SH.sourceShape),
                constraint=results.value(result, SH.sourceConstraintComponent),
            )
        )
    violations.sort(key=lambda v: (str(v.focus), str(v.path), v.message))
    errors = [v for v in violations if v.severity == "Violation"]
    return ValidationReport(conforms=not errors, violations=violations, focus_count=focus_count)


@functools.lru_cache(maxsize=4)
def _compile(folder: str) -> "CompiledShapes | None":
    from .compiled import UnsupportedShapeError, compile_shapes

    try:
        return compile_shapes(_load_shapes(folder))
    except UnsupportedShapeError as err:
        warnings.warn(f"validating with pySHACL (slow): the SPARQL compiler cannot handle the shapes: {err}", stacklevel=3)
        return None


def engine() -> str:
    """``sparql`` or ``pyshacl``: which engine validation uses with the current shapes."""
    if os.environ.get("KB_SHACL_ENGINE", "sparql") == "pyshacl":
        return "pyshacl"
    return "sparql" if _compile(str(shapes_dir())) is not None else "pyshacl"


def _compiled() -> "CompiledShapes":
    compiled = _compile(str(shapes_dir()))
    assert compiled is not None
    return compiled


def validate_graph(data: Graph, focus: Sequence[URIRef] | None = None) -> ValidationReport:
    """Validate ``data`` (changed in place: pass a graph made for this call).

    With ``focus``, only violations of those nodes count; the rest of ``data``
    is context for them (the stored nodes they link to).
    """
    if engine() == "sparql":
        from ..store.convert import to_ox

        dg = ox.DefaultGraph()
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), dg) for s, p, o in data]
        return validate_quads(quads, None if focus is None else [ox.NamedNode(str(f)) for f in focus])
    return _validate_pyshacl(data, focus)


def validate_quads(quads: Iterable[ox.Quad], focus: Sequence[ox.NamedNode] | None) -> ValidationReport:
    """Validate quads of pyoxigraph terms (their graph names are ignored) with the SPARQL engine.

    The quads go into a fresh in-memory Oxigraph store. With ``focus``, only the
    violations of those nodes are reported: each compiled query starts from the
    focus nodes, and nested shapes (``sh:or``, ``sh:node``...) are still checked
    on every value node, focus or not (see :func:`_validate_pyshacl`).
    """
    store = ox.Store()  # in memory: nothing touches the disk
    dg = ox.DefaultGraph()
    store.bulk_extend(
        q if isinstance(q.graph_name, ox.DefaultGraph) else ox.Quad(q.subject, q.predicate, q.object, dg) for q in quads
    )
    if focus is not None:
        from .compiled import FOCUS_CLASS, FOCUS_GRAPH

        rdf_type = ox.NamedNode(str(RDF_TYPE))
        store.bulk_extend(ox.Quad(f, rdf_type, FOCUS_CLASS, FOCUS_GRAPH) for f in focus)
    return validate_store(store, focus=focus is not None, union=False, focus_count=len(focus) if focus is not None else None)


def validate_store(
    store: ox.Store, *, focus: bool = False, union: bool = True, focus_count: int | None = None
) -> ValidationReport:
    """Validate everything in an Oxigraph store (the union of its graphs with ``union``),
    or, with ``focus``, only the nodes marked in :data:`kb.validating.compiled.FOCUS_GRAPH`.

    This is also the fast path for ``kb validate``: run on the persistent store
    itself, it validates the whole knowledge base without copying it.
    """
    from ..store.convert import from_ox

    violations = []
    for check, row in _compiled().run(store, focus=focus, union=union):
        value, path = row.get("value"), row.get("path")
        violations.append(
            Violation(
                focus=from_ox(row["this"]),
                message=check.message,
                severity=str(check.severity).rsplit("#", 1)[-1],
                path=from_ox(path) if path is not None else check.path,
                value=from_ox(value) if value is not None else None,
                shape=check.shape,
                constraint=check.component,
            )
        )
    violations = sorted(set(violations), key=lambda v: (str(v.focus), str(v.path), v.message, str(v.value)))
    if focus_count is None:
        focus_count = _count_subjects(store, union)
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in violations), violations=violations, focus_count=focus_count
    )


def _count_subjects(store: ox.Store, union: bool) -> int:
    rows = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=union)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        return int(row["n"].value)
    return 0


def _validate_pyshacl(data: Graph, focus: Sequence[URIRef] | None) -> ValidationReport:
    """The reference engine: pySHACL over an rdflib graph.

    With ``focus``, only violations of those nodes count; the rest of ``data``
    is context for them (the stored nodes they link to).

    Why not pySHACL's own ``focus_nodes`` option: pySHACL (0.40) applies that
    filter to *every* shape evaluation, nested ones included, so the value nodes
    checked inside ``sh:or``, ``sh:node`` or ``sh:qualifiedValueShape`` that are
    not themselves focus nodes are skipped and those constraints pass vacuously
    (a claim whose author is an untyped web page would be accepted). Filtering
    the results by focus node is sound; the cost is validating the small
    context as well.
    """
    import pyshacl

    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        inplace=True,
        allow_warnings=True,
    )
    assert isinstance(results, Graph)
    report = _report(results, len(focus) if focus is not None else len(set(data.subjects())))
    if focus is not None:
        keep = set(focus)
        report.violations = [v for v in report.violations if v.focus in keep]
        report.conforms = not any(v.severity == "Violation" for v in report.violations)
    return report


RDF_TYPE = URIRef(str(RDF.type))

if False:  # pragma: no cover - for type checkers only
    from .compiled import CompiledShapes


def subjects_and_objects(graph: Iterable[tuple[Node, Node, Node]]) -> set[URIRef]:
    nodes: set[URIRef] = set()
    for s, p, o in graph:
        if isinstance(s, URIRef):
            nodes.add(s)
        if isinstance(o, URIRef) and str(p) != str(RDF.type):
            nodes.add(o)
    return nodes
