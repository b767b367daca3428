"""Look at a SPARQL request before any engine sees it.

A small lexer skips strings, IRIs and comments, so that a keyword inside a
literal ("SERVICE" in a quote) is not mistaken for syntax. It tells the query
form and refuses what a read-only endpoint must never run: updates (INSERT,
DELETE, LOAD, ...) and SERVICE, which would make the server send requests to
other machines.
"""

from __future__ import annotations

import re

from .errors import ReadOnlyError

__all__ = ["query_form", "check_read_only", "keywords"]

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[A-Za-z0-9_\-.]*)?)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, outside strings, IRIs and comments."""
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.group("word") and ":" not in m.group("word")]


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``UPDATE`` for an update request."""
    for word in keywords(text):
        if word in _FORMS:
            return word
        if word in _UPDATES:
            return "UPDATE"
    return "UNKNOWN"


def check_read_only(text: str) -> str:
    """Return the query form, or raise :class:`ReadOnlyError` for updates and SERVICE."""
    words = keywords(text)
    if "SERVICE" in words:
        raise ReadOnlyError("SERVICE is refused: queries here never reach other servers")
    form = query_form(text)
    if form == "UPDATE":
        raise ReadOnlyError("SPARQL Update (INSERT, DELETE, LOAD, ...) is not allowed in a read-only query")
    return form
