"""Check a corrected claim record against the record rules and the SHACL shapes, writing nothing.

The ingest preview calls this after every edit, so the page shows, claim by claim, what a save
would refuse: the record rules (every claim's problems, not only the first), then the shapes,
through the write pipeline's validate-only entry (:meth:`KnowledgeBase.check_record`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .. import iris
from ..errors import KBError
from ..record import parse_record
from ..validating import ValidationReport

__all__ = ["RecordCheck", "check_record"]

_CLAIM_PATH = re.compile(r"^claims\[(\d+)\]")


@dataclass
class RecordCheck:
    """What a save of the record would refuse: about the whole record, and per claim (by index)."""

    errors: list[str] = field(default_factory=list)
    claims: dict[int, list[str]] = field(default_factory=dict)
    report: ValidationReport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.claims

    def add(self, message: str, claim: int | None = None) -> None:
        if claim is None:
            self.errors.append(message)
        else:
            self.claims.setdefault(claim, []).append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": self.errors, "claims": {str(i): m for i, m in sorted(self.claims.items())}}


def _claim_of(message: str) -> int | None:
    m = _CLAIM_PATH.match(message)
    return int(m.group(1)) if m else None


def check_record(knowledge: Any, record: Mapping[str, Any]) -> RecordCheck:
    """Every problem a save of ``record`` into ``knowledge`` would refuse; nothing is written."""
    out = RecordCheck()
    try:
        parsed = parse_record(record)
    except KBError as err:
        # One line names the first problem; check each claim alone to name every claim's.
        listed = record.get("claims")
        claims: list[Any] = listed if isinstance(listed, list) else []
        found = False
        for i, claim in enumerate(claims):
            try:
                parse_record({**record, "claims": [claim], "entities": []})
            except KBError as one:
                message = str(one)
                if _claim_of(message) is not None:
                    out.add(_CLAIM_PATH.sub(f"claims[{i}]", message, count=1), i)
                    found = True
        if not found:
            out.add(str(err), _claim_of(str(err)))
        return out
    report = knowledge.check_record(parsed)  # the write pipeline's validate-only entry: shapes and stored context
    out.report = report
    doc_id = iris.document_id(parsed.document.text)
    owners = {str(iris.claim_iri(doc_id, [(s.start, s.end) for s in c.spans])): i for i, c in enumerate(parsed.claims)}
    for v in report.violations:
        node = str(v.focus).split("#", 1)[0]
        out.add(v.line(), owners.get(node))
    return out
