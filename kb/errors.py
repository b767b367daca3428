"""The one exception tree of :mod:`kb`.

Every error that :mod:`kb` raises on purpose derives from :class:`KBError`, so a
caller (the ``kb`` command, the web app) can catch one class and print one line::

    KBError                      -- base; ``str(err)`` is one readable line
    ├── InputError               -- the caller's input is unusable
    │   ├── UnknownFormatError   -- a file or media type we cannot read or write
    │   ├── ParseError           -- malformed RDF, JSON, SPARQL or text (bad UTF-8 too)
    │   └── RecordError          -- a claim record that is structurally wrong
    │       └── VerbatimError    -- a quote that differs from the text at its offsets
    ├── ValidationError          -- SHACL rejected a write; ``.report`` holds the report
    ├── QueryError               -- a SPARQL query that cannot run
    │   ├── ReadOnlyError        -- UPDATE / LOAD / SERVICE where only reading is allowed
    │   └── QueryTimeoutError    -- the query ran past its time limit
    ├── StoreError               -- the store cannot be opened, locked, or reached
    │   └── NotFoundError        -- a resource, document or graph that is not stored
    └── ExtractionError          -- the claim extractor cannot run (e.g. model missing)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "KBError",
    "InputError",
    "UnknownFormatError",
    "ParseError",
    "RecordError",
    "VerbatimError",
    "ValidationError",
    "QueryError",
    "ReadOnlyError",
    "QueryTimeoutError",
    "StoreError",
    "NotFoundError",
    "ExtractionError",
]


class KBError(Exception):
    """Base of every error :mod:`kb` raises on purpose. ``str()`` is one line."""

    def __str__(self) -> str:
        # One line, always: callers print this straight to stderr or a 4xx page.
        text = super().__str__()
        return " ".join(text.split())


class InputError(KBError):
    """The input given to kb cannot be used as it is."""


class UnknownFormatError(InputError):
    """A format, file suffix or media type that kb does not read or write."""


class ParseError(InputError):
    """Malformed input: RDF, JSON, SPARQL, or bytes that are not UTF-8."""


class RecordError(InputError):
    """A claim record whose structure or values are wrong."""


class VerbatimError(RecordError):
    """A quote whose text differs from the document text at its offsets."""


class ValidationError(KBError):
    """SHACL validation rejected a write. Nothing was written.

    ``report`` is the :class:`kb.ValidationReport` with every violation.
    """

    def __init__(self, message: str, report: Any = None) -> None:
        super().__init__(message)
        self.report = report


class QueryError(KBError):
    """A SPARQL query or update that cannot run."""


class ReadOnlyError(QueryError):
    """An operation that would write (or reach out) where only reading is allowed."""


class QueryTimeoutError(QueryError):
    """A query that ran longer than its time limit and was stopped."""


class StoreError(KBError):
    """The store cannot be opened, is locked by another process, or cannot be reached."""


class NotFoundError(StoreError):
    """The resource, document or graph asked for is not in the store."""


class ExtractionError(KBError):
    """The claim extractor cannot run, for example because its model is missing."""
