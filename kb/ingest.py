"""Compatibility names for the write path, which lives in :mod:`kb.writing`."""

from __future__ import annotations

from .writing.changes import (
    Change,
    IngestResult,
    InputMeta,
    changes_from_rdf,
    changes_from_record,
    changes_from_record_ox,
    skolemize,
)
from .writing.pipeline import accept

__all__ = [
    "InputMeta", "Change", "IngestResult", "changes_from_record", "changes_from_record_ox", "changes_from_rdf",
    "skolemize", "accept",
]
