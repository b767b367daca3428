"""Look at a SPARQL request before any engine sees it.

A small lexer skips strings, IRIs and comments, so that a keyword inside a
literal ("SERVICE" in a quote) is not mistaken for syntax. It tells the query
form and refuses what a read-only endpoint must never run: updates (INSERT,
DELETE, LOAD, ...) and SERVICE, which would make the server send requests to
other machines.

It also predeclares kb's prefixes for users' queries (:func:`with_prefixes`) and
turns the engine's syntax errors into one readable line (:func:`syntax_message`).
"""

from __future__ import annotations

import re

from ..errors import QueryError, ReadOnlyError
from ..vocab import PREFIXES

__all__ = ["query_form", "check_read_only", "keywords", "with_prefixes", "syntax_message", "with_using"]

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


def _declared(text: str) -> set[str]:
    """The prefixes a query declares itself (``PREFIX name:``)."""
    declared, after_prefix = set(), False
    for m in _TOKEN.finditer(text):
        word = m.group("word")
        if after_prefix and word and word.endswith(":"):
            declared.add(word[:-1])
        after_prefix = bool(word) and word.upper() == "PREFIX"
    return declared


def with_prefixes(text: str) -> tuple[str, int]:
    """The query with kb's prefixes (:data:`kb.vocab.PREFIXES`) it does not declare itself, and
    the number of lines added before it.

    The declarations go in front of the text rather than to the engine's
    ``prefixes=`` option so that an external SPARQL server reads them too; they
    take one line, which :func:`syntax_message` subtracts again. A query's own
    PREFIX line for the same name wins: that name is left out.
    """
    declared = _declared(text)  # once: it tokenizes the whole query
    missing = [(p, ns) for p, ns in PREFIXES.items() if p not in declared]
    if not missing:
        return text, 0
    return " ".join(f"PREFIX {p}: <{ns}>" for p, ns in missing) + "\n" + text, 1


_POSITION = re.compile(r"(?:error at |line |at line )(\d+)[:, ]+(?:column )?(\d+)", re.IGNORECASE)
_KEYWORD = re.compile(r"(?<![\w'\"])([A-Za-z][A-Za-z_]*)(?![\w'\"])")
MAX_MESSAGE = 200


def syntax_message(query: str, raw: str, lines_added: int = 0) -> str:
    """One line, at most 200 characters: where the error is (line, column), the text
    there, and what the engine expected, with its lists of Unicode ranges left out.

    ``raw`` is the engine's message ("error at 1:56: expected one of ..."), for the
    query with ``lines_added`` lines of declarations in front (see :func:`with_prefixes`).
    """
    flat = " ".join(raw.split())
    match = _POSITION.search(flat)
    if match is None:  # another engine's wording (Virtuoso's "line 2: syntax error at ..."): its line, ours
        flat = re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) - lines_added}", flat, count=1)
        return _cut("SPARQL syntax error: " + flat)
    line, column = int(match.group(1)) - lines_added, int(match.group(2))
    rows = query.split("\n")
    source = rows[line - 1] if 0 < line <= len(rows) else ""
    before = source[:max(column - 1, 0)]
    # The text near the error: a little of what precedes it (from a word start), then what follows.
    lead = before[-24:]
    lead = lead if len(before) <= 24 or " " not in lead else lead.split(" ", 1)[1]
    near = (lead + source[max(column - 1, 0):]).strip()
    if "Prefix not found" in flat:
        # The engine points just past the prefixed name it could not expand.
        name = re.search(r"([A-Za-z_][\w.-]*)?:[\w.%-]*$", before.rstrip()) or re.match(r"([A-Za-z_][\w.-]*)?:", near)
        prefix = (name.group(1) or "") if name else ""
        what = f"unknown prefix '{prefix}:' (declare it with PREFIX {prefix}: <...>)"
    else:
        expected = flat[match.end():].lstrip(": ")
        words = [w for w in _KEYWORD.findall(expected.removeprefix("expected one of").removeprefix("expected"))]
        if not words:
            what = _cut(expected, 60) if expected else "unexpected text"
        elif len(words) <= 2:
            what = "expected " + " or ".join(words)
        else:
            what = "expected one of " + ", ".join(words[:6]) + (", ..." if len(words) > 6 else "")
    head = f"SPARQL syntax error at line {line}, column {column}: {what}"
    if not near:
        return _cut(head)
    room = MAX_MESSAGE - len(head) - len(", near ''")
    if room < 8:
        return _cut(head)
    return head + f", near '{near if len(near) <= room else near[:room - 1] + '…'}'"


def _cut(message: str, limit: int = MAX_MESSAGE) -> str:
    return message if len(message) <= limit else message[:limit - 1] + "…"


def with_using(update: str, default: list[str], named: list[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` as USING clauses
    before the WHERE of every DELETE/INSERT operation (SPARQL 1.1 Protocol 2.2.3).

    An update that names its own dataset (USING, WITH) cannot also take the protocol's:
    :class:`~kb.errors.QueryError`, as the protocol requires.
    """
    if not default and not named:
        return update
    words = keywords(update)
    if "USING" in words or "WITH" in words:
        raise QueryError("give the update's dataset either in the update (USING, WITH) or as "
                         "using-graph-uri/using-named-graph-uri parameters, not both")
    clause = " ".join([f"USING <{g}>" for g in default] + [f"USING NAMED <{g}>" for g in named]) + " "
    for g in default + named:
        if not _TOKEN.fullmatch(f"<{g}>"):
            raise QueryError(f"not an IRI: {g!r}")
    out, depth, last, previous = [], 0, 0, ""
    for m in _TOKEN.finditer(update):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif m.group("word") and token.upper() == "WHERE" and depth == 0 and previous != "DELETE":
            out.append(update[last:m.start()] + clause)
            last = m.start()
        if m.group("word"):
            previous = token.upper()
        elif m.group("comment") is None:
            previous = ""
    return "".join(out) + update[last:]
