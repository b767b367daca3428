"""Check a corrected claim record against the record rules and the SHACL shapes, writing nothing.

The ingest preview calls this after every edit, so the page shows, claim by claim, what a save
would refuse: the record rules (every claim's problems, not only the first), then the shapes,
through the write pipeline's validate-only entry (:meth:`KnowledgeBase.check_record`).

It also flags each claim that an existing fact-check already covers (:func:`review_flags`, through
:func:`kb.matching.flag_reviewed` and the match module's own "similar enough" threshold), so the user
sees the verdict before storing the claim again.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Mapping

from .. import iris
from ..errors import KBError
from ..record import parse_record
from ..validating import ValidationReport
from .store import get_index

__all__ = ["RecordCheck", "check_record", "review_flags"]

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


#: Flags already computed, per set of stored reviews and claim text: the check runs after every edit of the
#: preview, which mostly leaves the other claims' texts as they were, and embedding a text with the dense
#: model costs ~40-60 ms of CPU at 10k reviews (BM25 alone, ~0.2 ms).
_flags: "OrderedDict[tuple[str, int, str, int], list[dict[str, Any]]]" = OrderedDict()
_flags_lock = threading.Lock()
_FLAGS_KEPT = 2048


def review_flags(knowledge: Any, record: Mapping[str, Any], *, top: int = 3) -> dict[int, list[dict[str, Any]]]:
    """For each claim of ``record`` (by index) that matches stored reviews, those reviews, best first:
    ``{"review", "url", "claim", "claim_reviewed", "headline", "verdict", "rating", "author", "score"}``.
    Claims without a similar enough review are left out; so is a record without claims."""
    # Imported here: kb.matching builds on kb.browse's index, so kb.browse must not need it to load.
    from ..matching import dense, flag_reviewed
    from ..matching.index import get_match_index

    listed = record.get("claims")
    claims = listed if isinstance(listed, list) else []
    texts = [" ".join(str(c.get("text") or "").split()) if isinstance(c, Mapping) else "" for c in claims]
    # The stored reviews (their digest changes with any of them) and the ranking in use (KB_MATCH_DENSE=0
    # turns the model off).
    reviews = f"{get_index(knowledge).path}|{get_match_index(knowledge).fingerprint}"
    keys = {t: (reviews, 1 if dense.available() else 0, t, top) for t in texts if t}
    found: dict[str, list[dict[str, Any]]] = {}
    with _flags_lock:
        for text, key in keys.items():
            if key in _flags:
                found[text] = _flags[key]
                _flags.move_to_end(key)
    todo = [t for t in keys if t not in found]
    if todo:
        for text, hits in zip(todo, flag_reviewed(knowledge, todo, top=top)):
            found[text] = [m.as_dict() for m in hits]
        with _flags_lock:
            for text in todo:
                _flags[keys[text]] = found[text]
            while len(_flags) > _FLAGS_KEPT:
                _flags.popitem(last=False)
    return {i: [dict(m) for m in found[t]] for i, t in enumerate(texts) if t and found[t]}
