"""kb: a fact and claim tracking knowledge base.

The public API is what ``__all__`` lists; every other module is private. Names
are imported on first use, so ``import kb`` (and the ``kb`` command's start-up)
stays fast, and query worker processes do not load rdflib or pySHACL.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    # the knowledge base
    "KnowledgeBase",
    "default_location",
    "IngestResult",
    "QueryOutcome",
    "ValidationReport",
    "Violation",
    # claim records
    "ArticleRecord",
    "parse_record",
    # errors
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
    # vocabularies
    "SDO",
    "PROV",
    "OA",
    "KB",
    "__version__",
]

_WHERE = {
    "KnowledgeBase": "knowledge",
    "default_location": "knowledge",
    "IngestResult": "writing.changes",
    "QueryOutcome": "querying.sandbox",
    "ValidationReport": "validating",
    "Violation": "validating",
    "ArticleRecord": "record",
    "parse_record": "record",
    "SDO": "vocab",
    "PROV": "vocab",
    "OA": "vocab",
    "KB": "vocab",
}

if TYPE_CHECKING:  # pragma: no cover
    from .errors import *  # noqa: F401,F403
    from .writing.changes import IngestResult
    from .knowledge import KnowledgeBase, default_location
    from .record import ArticleRecord, parse_record
    from .querying.sandbox import QueryOutcome
    from .validating import ValidationReport, Violation
    from .vocab import KB, OA, PROV, SDO


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("claimkb")
        except PackageNotFoundError:
            return "0+unknown"
    if name in _WHERE:
        module = importlib.import_module(f".{_WHERE[name]}", __name__)
    elif name in __all__:
        module = importlib.import_module(".errors", __name__)
    else:
        raise AttributeError(f"module 'kb' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
