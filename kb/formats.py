"""Read input files safely and name the RDF formats kb reads and writes.

Reading is where hostile input arrives, so this module refuses, with one clear
line each: bytes that are not UTF-8, unknown suffixes, malformed RDF, RDF/XML
that declares entities (the "billion laughs" bomb and external entities), and
JSON-LD whose ``@context`` is remote (it is never fetched). The schema.org
context is the one exception: ClaimReview markup always names it, so kb
substitutes a local copy of what it means instead of fetching it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from rdflib import Dataset

from .errors import InputError, ParseError, UnknownFormatError
from .vocab import KB

__all__ = [
    "RDF_FORMATS",
    "REVIEW_KINDS",
    "INPUT_KINDS",
    "FORMAT_ALIASES",
    "SUFFIXES",
    "EXPORT_FORMATS",
    "InputFile",
    "read_input",
    "recognize",
    "parse_rdf",
    "load_json",
    "check_storable",
    "storable_text",
    "rdf_format_for",
    "media_type",
    "file_suffix",
]

#: kb's RDF format names → (media type, file suffix, rdflib parser name, holds graphs?)
RDF_FORMATS: dict[str, tuple[str, str, str, bool]] = {
    "turtle": ("text/turtle", "ttl", "turtle", False),
    "trig": ("application/trig", "trig", "trig", True),
    "nt": ("application/n-triples", "nt", "nt", False),
    "nquads": ("application/n-quads", "nq", "nquads", True),
    "jsonld": ("application/ld+json", "jsonld", "json-ld", True),
    "xml": ("application/rdf+xml", "rdf", "xml", False),
}
FORMAT_ALIASES = {
    "ttl": "turtle", "n-triples": "nt", "ntriples": "nt", "n-quads": "nquads", "nq": "nquads",
    "json-ld": "jsonld", "rdfxml": "xml", "rdf": "xml", "rdf/xml": "xml", "owl": "xml",
}
#: file suffix → input kind: an RDF format name, "record" (claim-record JSON), "article",
#: or a review format (see :data:`REVIEW_KINDS`)
SUFFIXES = {
    ".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads",
    ".jsonld": "jsonld", ".rdf": "xml", ".owl": "xml", ".xml": "xml",
    ".json": "record", ".jsonl": "record", ".txt": "article", ".csv": "claimskg-csv",
}
#: Inputs that are fact-checks, mapped onto kb's model on the way in:
#: ClaimReview JSON-LD as fact-checkers publish it, ClaimsKG RDF (Turtle) and CSV exports.
REVIEW_KINDS = ("claimreview", "claimskg", "claimskg-csv")
#: Every value ``--format`` takes for an input file.
INPUT_KINDS = ("record", "article", *REVIEW_KINDS)

# JSON-LD contexts kb understands without fetching them. What they map to is what
# ClaimReview and ClaimsKG markup needs: schema.org terms, with url/sameAs as IRIs.
_SCHEMA_CONTEXT: dict[str, Any] = {
    "@vocab": "http://schema.org/",
    "url": {"@id": "http://schema.org/url", "@type": "@id"},
    "sameAs": {"@id": "http://schema.org/sameAs", "@type": "@id"},
}
_KNOWN_CONTEXTS = {
    "http://schema.org", "http://schema.org/", "https://schema.org", "https://schema.org/",
    "http://schema.org/docs/jsonldcontext.json", "https://schema.org/docs/jsonldcontext.json",
}
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_CLAIMREVIEW = re.compile(r'"@type"\s*:\s*(\[[^\]]*)?"(schema:|https?://schema\.org/)?ClaimReview"')
_CLAIMSKG = re.compile(r"http://data\.gesis\.org/claimskg/")
_RDF_CLAIMREVIEW = re.compile(r"(schema:|schema\.org/)ClaimReview\b")
_KB_NS = str(KB._NS)

#: Recognition by content, after the suffix: (kinds a suffix gives, test of the text, the kind it is then).
#: Fact-checks are mapped onto kb's model rather than stored as they are: ClaimReview JSON (one
#: review, an array, an ``@graph`` feed or JSON Lines) and ClaimsKG dumps (Turtle or N-Triples:
#: Turtle's parser reads both). Data that uses kb's own vocabulary is kb's export, stored as it is.
BY_CONTENT: list[tuple[frozenset[str], Callable[[str], bool], str]] = [
    (frozenset({"jsonld", "record"}), lambda text: bool(_CLAIMREVIEW.search(text)) and _KB_NS not in text,
     "claimreview"),
    (frozenset({"turtle", "nt"}), lambda text: bool(_CLAIMSKG.search(text) and _RDF_CLAIMREVIEW.search(text))
     and _KB_NS not in text, "claimskg"),
]

#: Everything ``kb export`` writes: format name → (media type, file suffix). The RDF formats, and
#: ``claimreview``: every review as ClaimReview JSON-LD, as fact-checkers publish it (kb.importing.claimreview).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    **{name: (spec[0], spec[1]) for name, spec in RDF_FORMATS.items()},
    "claimreview": ("application/ld+json", "json"),
}


def ox_format(fmt: str) -> Any:
    """The pyoxigraph ``RdfFormat`` of a format of :data:`RDF_FORMATS`, derived from its media
    type, so that this one table serves the store, the sandbox and the parsers too."""
    import pyoxigraph as ox

    return ox.RdfFormat.from_media_type(RDF_FORMATS[canonical_format(fmt)][0])


def canonical_format(name: str) -> str:
    key = name.lower()
    key = FORMAT_ALIASES.get(key, key)
    if key not in RDF_FORMATS:
        known = ", ".join(RDF_FORMATS)
        raise UnknownFormatError(f"unknown RDF format {name!r} (use one of: {known})")
    return key


def rdf_format_for(name: str) -> str:
    """Accept a format name, alias, suffix or media type; return kb's format name."""
    lowered = name.lower().split(";")[0].strip()
    for key, (mime, _suffix, _parser, _graphs) in RDF_FORMATS.items():
        if lowered == mime:
            return key
    return canonical_format(lowered.lstrip("."))


def media_type(fmt: str) -> str:
    return RDF_FORMATS[fmt][0]


def file_suffix(fmt: str) -> str:
    return RDF_FORMATS[fmt][1]


@dataclass(frozen=True)
class InputFile:
    """One input, read and decoded. ``kind`` is an RDF format, "record" or "article"."""

    name: str
    kind: str
    data: bytes
    text: str


def read_input(path: str | Path, fmt: str | None = None) -> InputFile:
    """Read a file, decide what it holds, and check it is UTF-8 text."""
    p = Path(path)
    _kind(p.name, fmt)  # an unknown suffix is refused before the file is read
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a file") from None
    except OSError as err:
        raise InputError(f"{p}: cannot read: {err.strerror}") from None
    return recognize(str(p), data, fmt)


def _kind(name: str, fmt: str | None) -> str:
    if fmt:
        return fmt if fmt in INPUT_KINDS else canonical_format(fmt)
    suffix = Path(name).suffix.lower()
    kind = SUFFIXES.get(suffix, "")
    if not kind:
        raise UnknownFormatError(
            f"{name}: unknown file type {suffix or '(no suffix)'!r}; use --format, or one of "
            + ", ".join(sorted(SUFFIXES))
        )
    return kind


def recognize(name: str, data: bytes, fmt: str | None = None) -> InputFile:
    """What an input holds: ``fmt`` if given, else its suffix refined by its content
    (:data:`BY_CONTENT`); the bytes must be UTF-8 text. Files and web uploads alike."""
    kind = _kind(name, fmt)
    text = decode_utf8(data, name)
    if kind == "article":
        text = storable_text(text)  # as kb extract reads it (kb.extract.article)
    check_storable(text, name)
    if kind in ("record", "jsonld", "claimreview"):
        check_json_depth(text, name)
    if kind not in INPUT_KINDS or not fmt:  # an RDF format named by --format is refined too
        kind = next((to for kinds, test, to in BY_CONTENT if kind in kinds and test(text)), kind)
    return InputFile(name, kind, data, text)


def decode_utf8(data: bytes, name: str) -> str:
    try:
        # newline="" semantics: keep \r so offsets count the text exactly as stored.
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ParseError(f"{name}: not UTF-8 text (invalid byte at offset {err.start})") from None


def _localize_contexts(node: Any, name: str) -> Any:
    """Replace known remote contexts by local ones; refuse any other remote context."""
    if isinstance(node, list):
        return [_localize_contexts(item, name) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            out[key] = _local_context(value, name)
        else:
            out[key] = _localize_contexts(value, name)
    return out


def _local_context(value: Any, name: str) -> Any:
    if isinstance(value, list):
        return [_local_context(v, name) for v in value]
    if isinstance(value, str):
        if value.rstrip("/") in {c.rstrip("/") for c in _KNOWN_CONTEXTS}:
            return dict(_SCHEMA_CONTEXT)
        raise ParseError(f"{name}: JSON-LD remote @context {value!r} is not fetched; inline the context")
    if isinstance(value, dict):
        if "@import" in value:
            raise ParseError(f"{name}: JSON-LD @import of {value['@import']!r} is not fetched; inline it")
        return {k: _localize_contexts(v, name) for k, v in value.items()}
    return value


#: Deeper JSON is refused before any parser sees it: Python's parsers recurse per level.
MAX_JSON_DEPTH = 100
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
# What XML 1.0 (so RDF/XML, and every export) cannot carry: C0 controls but tab, LF and CR,
# raw or as the escapes of SPARQL, Turtle, N-Triples and JSON (\u0000, \b, \f...).
#: Raw control characters RDF/XML cannot carry (tab, LF and CR it can).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: ... and their escapes in N-Triples, Turtle and JSON text.
_UNSTORABLE = re.compile(
    _CONTROL.pattern
    + r"|(?<!\\)(?:\\\\)*\\(?:[bf]|u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|U0000(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]))"
)


def check_json_depth(text: str, name: str) -> None:
    """Refuse JSON nested deeper than :data:`MAX_JSON_DEPTH` (counted without recursion)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        char = m.group()
        if char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ParseError(f"{name}: JSON nested deeper than {MAX_JSON_DEPTH} levels is refused")
        elif char in "]}":
            depth -= 1


def load_json(text: str, name: str, what: str = "JSON") -> Any:
    """``json.loads`` with the depth limit, and one clear line for malformed input."""
    check_storable(text, name)
    check_json_depth(text, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ParseError(f"{name}: malformed {what}: {err.msg} at line {err.lineno} column {err.colno}") from None


def storable_text(text: str) -> str:
    """An article's text with each control character no RDF/XML export could carry (an ESC
    left by a copy from a terminal) replaced by U+FFFD: one code point for one, so every offset
    into the text still counts the file's characters. Articles are prose, not RDF syntax: a
    stray byte of this kind is noise to keep out, not a reason to refuse the article."""
    return _CONTROL.sub("\ufffd", text)


def check_storable(text: str, name: str) -> None:
    """Refuse control characters that no RDF/XML export could carry, so every export reads back."""
    m = _UNSTORABLE.search(text)
    if m is not None:
        shown = repr(m.group()[-6:]) if m.group().startswith("\\") else f"U+{ord(m.group()):04X}"
        line = text.count("\n", 0, m.start()) + 1
        raise ParseError(f"{name}: control character {shown} at line {line} is refused "
                         "(RDF/XML cannot carry it; only tab, LF and CR are allowed)")


def parse_rdf(data: bytes | str, fmt: str, name: str = "input", *, publicID: str | None = None) -> Dataset:
    """Parse RDF into an rdflib Dataset. Triple formats land in its default graph."""
    fmt = canonical_format(fmt)
    text = data if isinstance(data, str) else decode_utf8(data, name)
    if fmt == "xml" and _DOCTYPE.search(text.encode("utf-8")):
        # A DTD is how entity-expansion bombs and external entities get in; RDF/XML
        # never needs one, so refuse before any XML parser sees it.
        raise ParseError(f"{name}: RDF/XML with a DOCTYPE or ENTITY declaration is refused")
    check_storable(text, name)
    if fmt == "jsonld":
        doc = load_json(text, name, "JSON-LD")
        text = json.dumps(_localize_contexts(doc, name))
    ds = Dataset()
    try:
        ds.parse(data=text, format=RDF_FORMATS[fmt][2], publicID=publicID)
    except Exception as err:  # rdflib's parsers raise many unrelated types
        message = " ".join(str(err).split())[:300] or type(err).__name__
        raise ParseError(f"{name}: malformed {fmt}: {message}") from None
    return ds

