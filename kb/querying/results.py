"""Serialize SPARQL results, with a row cap, in every standard format.

pyoxigraph can serialize a whole result set, but a capped one ("the first
10,000 rows, and say it was cut") needs our own writers. They follow:
JSON https://www.w3.org/TR/sparql11-results-json/,
XML https://www.w3.org/TR/rdf-sparql-XMLres/,
CSV and TSV https://www.w3.org/TR/sparql11-results-csv-tsv/.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

__all__ = ["SELECT_FORMATS", "OUTPUT_FORMATS", "wire_format", "serialize_select", "serialize_boolean", "term_json"]

#: result format name → media type
SELECT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: What ``--format`` means for each query form: output name → the format kb asks for.
#: "xml" and "json" name a result format for SELECT and ASK, and RDF/XML and JSON-LD
#: for CONSTRUCT and DESCRIBE; "table" is the terminal's view (JSON read back, or Turtle).
_GRAPH_OUTPUT = {"table": "turtle", "json": "jsonld", "turtle": "turtle", "trig": "trig", "nt": "nt",
                 "nquads": "nquads", "jsonld": "jsonld", "xml": "xml"}
OUTPUT_FORMATS: dict[str, dict[str, str]] = {
    "SELECT": {"table": "json", **{name: name for name in SELECT_FORMATS}},
    "ASK": {"table": "json", **{name: name for name in SELECT_FORMATS}},
    "CONSTRUCT": _GRAPH_OUTPUT,
    "DESCRIBE": _GRAPH_OUTPUT,
}


def wire_format(form: str, output: str) -> str:
    """The format to ask for when a ``form`` query's results are shown as ``output``;
    a :class:`~kb.errors.UnknownFormatError` naming what that form gives otherwise."""
    from ..errors import UnknownFormatError

    table = OUTPUT_FORMATS.get(form, {})
    if output not in table:
        raise UnknownFormatError(
            f"--format {output} does not fit a {form} query: {form} gives {', '.join(table)}")
    return table[output]


# Read off pyoxigraph, not spelled here: this module runs in query workers, which do not load
# kb.vocab (its declarations need rdflib).
_XSD_STRING = ox.Literal("").datatype.value
_LANG_STRING = ox.Literal("", language="en").datatype.value


def term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {  # type: ignore[dict-item]
            "subject": term_json(term.subject), "predicate": term_json(term.predicate),
            "object": term_json(term.object)}}
    raise TypeError(term)


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _tsv_value(term: Any) -> str:
    # TSV cells are terms in Turtle/N-Triples syntax; pyoxigraph's str() is exactly that.
    return "" if term is None else str(term)


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def serialize_select(names: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, *, truncated: bool = False) -> bytes:
    """``rows`` are sequences of pyoxigraph terms (or None) in the order of ``names``."""
    if fmt == "json":
        bindings = [
            {name: term_json(term) for name, term in zip(names, row) if term is not None} for row in rows
        ]
        doc: dict[str, Any] = {"head": {"vars": list(names)}, "results": {"bindings": bindings}}
        if truncated:
            doc["truncated"] = True  # not in the spec; readers ignore unknown keys
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in names]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>" for n, t in zip(names, row) if t is not None
            ]
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_csv_value(t) for t in row])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_tsv_value(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(fmt)


def serialize_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    # CSV/TSV define no boolean form; one cell is what every tool reads.
    return (("_askResult\n" if fmt == "csv" else "?_askResult\n") + ("true" if value else "false") + "\n").encode()
