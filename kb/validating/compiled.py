"""SHACL compiled to SPARQL and run on Oxigraph: the fast validator behind kb's writes.

Why: pySHACL evaluates every constraint of every focus node in Python over an
rdflib graph, and runs each SHACL-SPARQL constraint once per focus node with
rdflib's SPARQL engine. A 10-claim document has ~500 focus nodes, so one
validated write costs ~1 s, and validating the whole knowledge base costs hours
at 100k claims (see ``bench/README.md``). Here every constraint of the shapes
becomes one SPARQL SELECT that finds *all* its violations at once, and Oxigraph
runs it: over a small in-memory store (new data + stored context) for a write,
or over the persistent store itself for ``kb validate``.

What is supported is exactly what ``shapes/`` uses, and anything else raises
:class:`UnsupportedShapeError` when the shapes are compiled (callers then fall
back to pySHACL), so the compiler never silently ignores a constraint:

- targets: ``sh:targetClass`` (with ``rdfs:subClassOf*``), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- paths: a predicate, ``sh:inversePath``, sequences, ``sh:alternativePath``,
  ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``, ``sh:zeroOrOnePath``;
- constraints: ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``,
  ``sh:maxCount``, ``sh:minInclusive``, ``sh:maxInclusive``,
  ``sh:minExclusive``, ``sh:maxExclusive``, ``sh:pattern`` (+ ``sh:flags``),
  ``sh:in``, ``sh:hasValue``, ``sh:lessThan``, ``sh:lessThanOrEquals``,
  ``sh:node``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:property``,
  ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``,
  and SPARQL-based constraints (``sh:sparql`` with ``sh:select`` and
  ``sh:prefixes``) on node shapes.

Semantics are pySHACL's (``tests/test_shaclsparql.py`` compares the two on
valid and invalid data: same focus nodes, paths, values and constraint
components). One deliberate difference, forced by the store: Oxigraph stores
every ``xsd:integer`` subtype (``xsd:nonNegativeInteger``, ``xsd:int``...) as
``xsd:integer``, so ``sh:datatype xsd:nonNegativeInteger`` is checked as "an
``xsd:integer`` in the range of ``xsd:nonNegativeInteger``": the only check
that can pass on stored data at all.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

__all__ = ["UnsupportedShapeError", "Check", "CompiledShapes", "compile_shapes", "FOCUS_GRAPH", "FOCUS_CLASS"]

#: In a validation store, the focus nodes are ``?n a FOCUS_CLASS`` in ``FOCUS_GRAPH``:
#: constant query text, whatever the focus nodes are.
FOCUS_GRAPH = ox.NamedNode("urn:x-kb:focus")
FOCUS_CLASS = ox.NamedNode("urn:x-kb:Focus")


class UnsupportedShapeError(ValueError):
    """The shapes use a SHACL feature this compiler does not implement."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT of ``?this`` (and ``?value``, ``?path``) per violation."""

    shape: Node  # sh:sourceShape
    component: URIRef  # sh:sourceConstraintComponent
    path: Node | None  # sh:resultPath (a predicate, or the path node of the shapes graph)
    message: str
    severity: URIRef
    has_value: bool
    has_path_var: bool
    target: str  # graph pattern binding ?this to the shape's targets
    body: str  # graph pattern that matches iff ?this violates the constraint

    def query(self, *, focus: bool) -> str:
        """The SELECT; with ``focus``, only nodes marked in :data:`FOCUS_GRAPH` are checked."""
        # The focus test comes last, as a FILTER: Oxigraph then evaluates the
        # (usually empty) violations first and tests only those, instead of joining
        # every focus node with every target -- 50x faster on a write's data.
        marker = f"FILTER EXISTS {{ GRAPH {FOCUS_GRAPH} {{ ?this a {FOCUS_CLASS} }} }}\n" if focus else ""
        cols = "?this" + (" ?value" if self.has_value else "") + (" ?path" if self.has_path_var else "")
        return f"SELECT DISTINCT {cols} WHERE {{\n{self.target}\n{self.body}\n{marker}}}"


# xsd:integer subtypes (Oxigraph stores them as xsd:integer) and their ranges.
_INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.integer: (None, None),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
}
#: Datatypes whose lexical forms SPARQL can check by casting (pySHACL checks these too).
_CASTABLE = {XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date, XSD.dateTime, XSD.time}
#: Datatypes the store rewrites (so no check on stored data could see them).
_REWRITTEN = {XSD.dateTimeStamp}

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_COMPARISONS = {
    SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
    SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
    SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
    SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent),
}
#: Predicates a shape may carry that are not constraints.
_NON_CONSTRAINTS = {
    SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.message, SH.name,
    SH.description, SH.severity, SH.deactivated, SH.order, SH.group, SH.defaultValue, SH.flags,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.declare, SH.prefixes,
}
_HANDLED = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.pattern, SH["in"], SH.hasValue,
    SH.lessThan, SH.lessThanOrEquals, SH.node, SH["or"], SH["and"], SH["not"], SH.property,
    SH.qualifiedValueShape, SH.sparql, *_COMPARISONS,
}
_RDF_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"


def _t(term: Node) -> str:
    """A term in SPARQL syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    raise UnsupportedShapeError(f"a blank node {term} cannot be used as a constant in a shape")


class _Compiler:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.counter = itertools.count()

    def var(self) -> str:
        return f"?_v{next(self.counter)}"

    def one(self, node: Node, p: URIRef) -> Node | None:
        values = list(self.g.objects(node, p))
        if len(values) > 1:
            raise UnsupportedShapeError(f"{node} has {len(values)} values of {p}")
        return values[0] if values else None

    def items(self, node: Node) -> list[Node]:
        return list(Collection(self.g, node))

    def int_param(self, node: Node, p: URIRef) -> int:
        value = self.one(node, p)
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise UnsupportedShapeError(f"{node} {p} must be an integer")
        return int(value.toPython())

    # -- paths -------------------------------------------------------------
    def path(self, p: Node) -> str:
        if isinstance(p, URIRef):
            return f"<{p}>"
        if (p, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(x) for x in self.items(p)) + ")"
        for key, fmt in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = self.one(p, key)
            if inner is not None:
                return "(" + fmt.format(self.path(inner)) + ")"
        alt = self.one(p, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(x) for x in self.items(alt)) + ")"
        raise UnsupportedShapeError(f"unsupported sh:path {p}")

    # -- conformance of a node to a shape, as a SPARQL expression -----------
    def conforms(self, shape: Node, v: str) -> str:
        parts = [f"NOT EXISTS {{ {body} }}" for *_ignored, body in self.constraints(shape, v)]
        return "(" + " && ".join(parts) + ")" if parts else "true"

    # -- the violations of a shape's constraints ---------------------------
    def constraints(self, shape: Node, f: str) -> list[tuple[Node, URIRef, Node | None, str | None, str]]:
        """(source shape, component, path, value variable or None, violation pattern) per constraint."""
        if self.one(shape, SH.deactivated) == Literal(True):
            return []
        for p in set(self.g.predicates(shape, None)):
            if str(p).startswith(str(SH)) and p not in _NON_CONSTRAINTS and p not in _HANDLED:
                raise UnsupportedShapeError(f"unsupported SHACL parameter {p} in shape {shape}")
        path_node = self.one(shape, SH.path)
        out: list[tuple[Node, URIRef, Node | None, str | None, str]] = []
        if path_node is None:
            # A node shape: the value node is the focus node itself.
            for component, test in self.value_tests(shape, f):
                out.append((shape, component, None, f, f"FILTER ({test})"))
            for ps in self.g.objects(shape, SH.property):
                out += self.constraints(ps, f)
            return out
        path = self.path(path_node)
        if (shape, SH.property, None) in self.g:
            raise UnsupportedShapeError(f"sh:property inside the property shape {shape}")
        v = self.var()
        for component, test in self.value_tests(shape, v):
            out.append((shape, component, path_node, v, f"{f} {path} {v} . FILTER ({test})"))
        for n, component, negate in (
            (self.one(shape, SH.minCount), SH.MinCountConstraintComponent, True),
            (self.one(shape, SH.maxCount), SH.MaxCountConstraintComponent, False),
        ):
            if n is None:
                continue
            count = int(n.toPython()) if isinstance(n, Literal) else -1
            if count < 0 or count > 8:
                raise UnsupportedShapeError(f"{shape}: counts from 0 to 8 only")
            if negate:  # minCount n: there are no n distinct values
                if count > 0:
                    out.append((shape, component, path_node, None, f"FILTER NOT EXISTS {{ {self.distinct(f, path, count)} }}"))
            else:  # maxCount n: there are n + 1 distinct values
                out.append((shape, component, path_node, None, self.at_least(f, path, count + 1)))
        q = self.one(shape, SH.qualifiedValueShape)
        if q is not None:
            if self.one(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise UnsupportedShapeError(f"{shape}: sh:qualifiedValueShapesDisjoint")
            for key, negate, component in (
                (SH.qualifiedMinCount, True, SH.QualifiedMinCountConstraintComponent),
                (SH.qualifiedMaxCount, False, SH.QualifiedMaxCountConstraintComponent),
            ):
                if self.one(shape, key) is None:
                    continue
                count = self.int_param(shape, key)
                if count < 0 or count > 8:
                    raise UnsupportedShapeError(f"{shape}: counts from 0 to 8 only")
                if negate:
                    if count > 0:
                        pattern = self.distinct(f, path, count, lambda x: self.conforms(q, x))
                        out.append((shape, component, path_node, None, f"FILTER NOT EXISTS {{ {pattern} }}"))
                else:
                    out.append((shape, component, path_node, None,
                                self.at_least(f, path, count + 1, lambda x: self.conforms(q, x))))
        has = self.one(shape, SH.hasValue)
        if has is not None:
            out.append((shape, SH.HasValueConstraintComponent, path_node, None, f"FILTER NOT EXISTS {{ {f} {path} {_t(has)} }}"))
        for key, op, component in (
            (SH.lessThan, "<", SH.LessThanConstraintComponent),
            (SH.lessThanOrEquals, "<=", SH.LessThanOrEqualsConstraintComponent),
        ):
            for other in self.g.objects(shape, key):
                o = self.var()
                out.append(
                    (shape, component, path_node, v,
                     f"{f} {path} {v} . {f} {self.path(other)} {o} . FILTER (!COALESCE({v} {op} {o}, false))")
                )
        return out

    def at_least(self, f: str, path: str, n: int, test=None) -> str:  # type: ignore[no-untyped-def]
        """A pattern that holds when ``f`` has at least n distinct values (each passing ``test``).

        At the top level (``f`` is ``?this``) the values are counted per focus node, once each:
        ``kb validate`` reads the union of the store's graphs, where a triple stated in k graphs
        (a speaker's role, repeated in each article that names them) comes k times, and the n-way
        join of :meth:`distinct` would enumerate k to the n rows, quadratic in a speaker's fame.
        Nested in a shape's conformance test (``f`` another variable, inside ``NOT EXISTS``), it
        stays the join: a sub-select there would not see the outer binding."""
        if f != "?this":
            return self.distinct(f, path, n, test)
        x = self.var()
        where = f"?this {path} {x} ." + (f" FILTER ({test(x)})" if test is not None else "")
        return f"{{ SELECT ?this WHERE {{ {where} }} GROUP BY ?this HAVING (COUNT(DISTINCT {x}) >= {n}) }}"

    def distinct(self, f: str, path: str, n: int, test=None) -> str:  # type: ignore[no-untyped-def]
        """A pattern matching n pairwise distinct values (each passing ``test``)."""
        vs = [self.var() for _ in range(n)]
        conds = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
        if test is not None:
            conds += [test(x) for x in vs]
        where = " ".join(f"{f} {path} {x} ." for x in vs)
        return where + (f" FILTER ({' && '.join(conds)})" if conds else "")

    def value_tests(self, shape: Node, v: str) -> Iterator[tuple[URIRef, str]]:
        """(component, SPARQL expression true iff the value node ``v`` violates it)."""
        for c in self.g.objects(shape, SH["class"]):
            yield SH.ClassConstraintComponent, f"NOT EXISTS {{ {v} {_RDF_TYPE}/{_SUBCLASS}* {_t(c)} }}"
        for d in self.g.objects(shape, SH.datatype):
            yield SH.DatatypeConstraintComponent, f"!({self.datatype_ok(d, v)})"
        for k in self.g.objects(shape, SH.nodeKind):
            kind = URIRef(str(k))
            if kind not in _NODE_KINDS:
                raise UnsupportedShapeError(f"{shape}: unknown sh:nodeKind {k}")
            yield SH.NodeKindConstraintComponent, f"!({_NODE_KINDS[kind].format(v=v)})"
        for pattern in self.g.objects(shape, SH.pattern):
            flags = self.one(shape, SH.flags)
            args = _t(Literal(str(pattern))) + (f", {_t(Literal(str(flags)))}" if flags is not None else "")
            yield SH.PatternConstraintComponent, f"isBlank({v}) || !REGEX(STR({v}), {args})"
        for lst in self.g.objects(shape, SH["in"]):
            members = " || ".join(f"sameTerm({v}, {_t(x)})" for x in self.items(lst)) or "false"
            yield SH.InConstraintComponent, f"!({members})"
        for key, (op, component) in _COMPARISONS.items():
            for bound in self.g.objects(shape, key):
                yield component, f"!COALESCE({v} {op} {_t(bound)}, false)"
        for s in self.g.objects(shape, SH.node):
            yield SH.NodeConstraintComponent, f"!{self.conforms(s, v)}"
        for lst in self.g.objects(shape, SH["or"]):
            yield SH.OrConstraintComponent, "!(" + " || ".join(self.conforms(s, v) for s in self.items(lst)) + ")"
        for lst in self.g.objects(shape, SH["and"]):
            yield SH.AndConstraintComponent, "!(" + " && ".join(self.conforms(s, v) for s in self.items(lst)) + ")"
        for s in self.g.objects(shape, SH["not"]):
            yield SH.NotConstraintComponent, self.conforms(s, v)
        if self.one(shape, SH.path) is None:
            has = self.one(shape, SH.hasValue)
            if has is not None:
                yield SH.HasValueConstraintComponent, f"!sameTerm({v}, {_t(has)})"

    def datatype_ok(self, d: Node, v: str) -> str:
        if not isinstance(d, URIRef) or d in _REWRITTEN:
            raise UnsupportedShapeError(f"sh:datatype {d} cannot be checked on data stored in Oxigraph")
        if d == RDF.langString:
            return f"isLiteral({v}) && LANG({v}) != \"\""
        if d == RDFS.Literal:
            return f"isLiteral({v})"
        if d in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[d]
            test = f"isLiteral({v}) && DATATYPE({v}) = <{XSD.integer}> && COALESCE(isLiteral(<{XSD.integer}>({v})), false)"
            if low is not None:
                test += f" && {v} >= {low}"
            if high is not None:
                test += f" && {v} <= {high}"
            return test
        test = f"isLiteral({v}) && DATATYPE({v}) = <{d}>"
        if d in _CASTABLE:
            test += f" && COALESCE(isLiteral(<{d}>({v})), false)"
        return test

    # -- top level ---------------------------------------------------------
    def target(self, shape: Node) -> str | None:
        parts = []
        for c in self.g.objects(shape, SH.targetClass):
            parts.append(f"{{ ?this {_RDF_TYPE}/{_SUBCLASS}* {_t(c)} }}")
        for n in self.g.objects(shape, SH.targetNode):
            parts.append(f"{{ VALUES ?this {{ {_t(n)} }} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {_t(p)} ?_ts }}")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?_to {_t(p)} ?this }}")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def sparql_checks(self, shape: Node, target: str, severity: URIRef) -> Iterator[Check]:
        for c in self.g.objects(shape, SH.sparql):
            if self.one(c, SH.deactivated) == Literal(True):
                continue
            select = self.one(c, SH.select)
            if select is None:
                raise UnsupportedShapeError(f"{c}: only sh:select SPARQL constraints are supported")
            text = str(select)
            if re.search(r"\$(PATH|shapesGraph|currentShape)\b", text):
                raise UnsupportedShapeError(f"{c}: $PATH, $shapesGraph and $currentShape are not supported")
            prefixes = "".join(
                f"PREFIX {self.one(d, SH.prefix)}: <{self.one(d, SH.namespace)}>\n"
                for p in self.g.objects(c, SH.prefixes)
                for d in self.g.objects(p, SH.declare)
            )
            text = re.sub(r"\$this\b", "?this", text)
            has_path = re.search(r"\bAS\s+\?path\s*\)", text) is not None
            messages = [str(m) for m in self.g.objects(c, SH.message)] or [str(m) for m in self.g.objects(shape, SH.message)]
            # The constraint is a sub-SELECT joined with the targets: the same as
            # pre-binding $this for these queries (no $this in sub-queries or MINUS).
            body = "{ " + text.strip() + " }"
            if prefixes:
                # PREFIX declarations must open the query: _query_text moves them there.
                body = "#PREFIXES\n" + prefixes + "#END\n" + body
            yield Check(
                shape=shape, component=SH.SPARQLConstraintComponent, path=None,
                message="; ".join(sorted(messages)) or "violates a SPARQL constraint",
                severity=severity, has_value=True, has_path_var=has_path, target=target, body=body,
            )

    def compile(self) -> list[Check]:
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(self.g.subjects(RDF.type, SH.PropertyShape))
        for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            shapes |= set(self.g.subjects(key, None))
        for p in (SH.target, URIRef(str(SH) + "targetValidator")):
            if (None, p, None) in self.g:
                raise UnsupportedShapeError(f"{p} (SHACL-AF targets) is not supported")
        checks: list[Check] = []
        for shape in sorted(shapes, key=str):
            if (shape, RDF.type, RDFS.Class) in self.g:
                raise UnsupportedShapeError(f"{shape}: implicit class targets are not supported")
            target = self.target(shape)
            if target is None or self.one(shape, SH.deactivated) == Literal(True):
                continue
            severity = self.one(shape, SH.severity) or SH.Violation
            for source, component, path, value, body in self.constraints(shape, "?this"):
                messages = [str(m) for m in self.g.objects(source, SH.message)]
                if value is not None and value != "?this":
                    body = re.sub(re.escape(value) + r"\b", "?value", body)
                    value = "?value"
                checks.append(
                    Check(
                        shape=source,
                        component=component,
                        path=path,
                        message="; ".join(sorted(messages)) or _default_message(component, path),
                        severity=self.one(source, SH.severity) or severity,  # type: ignore[arg-type]
                        has_value=value is not None,
                        has_path_var=False,
                        target=target,
                        body=body if value != "?this" else body + "\nBIND (?this AS ?value)",
                    )
                )
            checks.extend(self.sparql_checks(shape, target, severity))  # type: ignore[arg-type]
        return checks


def _default_message(component: URIRef, path: Node | None) -> str:
    name = str(component).rsplit("#", 1)[-1].replace("ConstraintComponent", "")
    return f"violates sh:{name[0].lower() + name[1:]}" + (f" on {path}" if isinstance(path, URIRef) else "")


class CompiledShapes:
    """The compiled checks of a shapes graph, ready to run on any Oxigraph store."""

    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = list(checks)
        self._queries: dict[bool, list[str]] = {f: [_query_text(c, f) for c in self.checks] for f in (True, False)}

    def run(self, store: ox.Store, *, focus: bool, union: bool = False) -> Iterator[tuple[Check, dict[str, object]]]:
        """Yield (check, row) per violation; rows hold pyoxigraph terms ``this``, ``value``, ``path``."""
        for check, query in zip(self.checks, self._queries[focus]):
            result = store.query(query, use_default_graph_as_union=union)
            assert isinstance(result, ox.QuerySolutions)  # every compiled check is a SELECT
            names = [v.value for v in result.variables]
            for solution in result:
                yield check, {n: solution[n] for n in names}


def _query_text(check: Check, focus: bool) -> str:
    text = check.query(focus=focus)
    m = re.search(r"#PREFIXES\n(.*?)#END\n", text, re.S)
    if m:
        text = m.group(1) + text.replace(m.group(0), "")
    return text


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every targeted shape of ``shapes``; raise :class:`UnsupportedShapeError` on any unsupported feature."""
    return CompiledShapes(_Compiler(shapes).compile())
