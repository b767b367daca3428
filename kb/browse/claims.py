"""The claims list: full-text search (and why each claim matched), filters, sorting, keyset and numbered pages.

Facets are in :mod:`kb.browse.facets`; what is indexed, in :mod:`kb.browse.index`.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..errors import InputError
from .index import FACETS, SEARCH_FIELDS
from .store import get_index

__all__ = ["ClaimFilter", "ClaimSummary", "ClaimPage", "Match", "list_claims", "SORTS", "FILTER_KEYS"]

SORTS = ("newest", "oldest", "speaker")
FILTER_KEYS = ("q", *(spec.key for spec in FACETS), "date_from", "date_to")
MAX_LIMIT = 500
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_YEAR = re.compile(r"^(\d{4}|none)$")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ClaimFilter:
    """What the user asked for; every field is optional. Dates are YYYY, YYYY-MM or YYYY-MM-DD."""

    q: str = ""
    speaker: str = ""
    org: str = ""
    kind: str = ""
    outlet: str = ""
    via: str = ""
    verdict: str = ""  # true, mixture, false, other, or "none" for unreviewed
    checker: str = ""  # a review author's IRI
    keyword: str = ""
    year: str = ""  # YYYY, or "none" for claims with no date
    date_from: str = ""
    date_to: str = ""
    sort: str = "newest"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InputError(f"unknown sort {self.sort!r} (use {', '.join(SORTS)})")
        for key in ("date_from", "date_to"):
            value = getattr(self, key)
            if value and not _DATE.match(value):
                raise InputError(f"{key}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        if self.year and not _YEAR.match(self.year):
            raise InputError(f"year: {self.year!r} is not a year (use YYYY, or none for undated claims)")

    @classmethod
    def from_args(cls, args: Any) -> "ClaimFilter":
        """From a mapping such as request.args; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: (args.get(k) or "").strip() for k in known if args.get(k)})

    def active(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v and k != "sort"}


@dataclass(frozen=True)
class Match:
    """Why a claim matched the search: one field and its text, split into (text, is a hit) segments."""

    field: str
    label: str
    segments: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(t for t, _hit in self.segments)


@dataclass(frozen=True)
class ClaimSummary:
    iri: str
    text: str
    kind: str
    date: str
    doc: str
    doc_title: str
    speaker: str
    speaker_name: str
    speaker_type: str
    outlet: str
    outlet_name: str
    via: str
    via_name: str
    verdict: str
    matched: tuple[Match, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "matched"}
        out["matched"] = {m.field: m.text for m in self.matched}
        return out


@dataclass
class ClaimPage:
    claims: list[ClaimSummary]
    total: int
    next_cursor: str | None
    filter: ClaimFilter
    page: int = 1  # this page's number (1-based), counting ``limit`` claims a page
    limit: int = 25

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


_COLUMNS = ", ".join(f.name for f in fields(ClaimSummary) if f.name != "matched")


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must match; the last one as a prefix."""
    words = _WORD.findall(text.lower())
    if not words:
        return ""
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(parts)


_FTS_CLAUSE = "id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)"


def _where(f: ClaimFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.q:
        match = fts_query(f.q)
        if match:
            clauses.append(_FTS_CLAUSE)
            params.append(match)
    for spec in FACETS:
        value = getattr(f, spec.key)
        if not value:
            continue
        if not spec.column:
            clauses.append("id IN (SELECT claim FROM claim_values WHERE facet = ? AND value = ?)")
            params += [spec.key, value]
        elif value == "none" and spec.empty:
            clauses.append(f"{spec.column} = ''")
        elif spec.key == "year":
            # The (column, date, id) indexes serve a date range; "2021" is [2021, 2021~).
            clauses.append("date >= ? AND date < ?")
            params += [value, value + "~"]
        else:
            clauses.append(f"{spec.column} = ?")
            params.append(value)
    if f.date_from:
        clauses.append("date >= ?")
        params.append(f.date_from)
    if f.date_to:
        # "2021" includes all of 2021: compare against the first date after the period.
        clauses.append("date < ?")
        params.append(f.date_to + "~")
    return clauses, params


def _encode_cursor(key: Any, rid: int) -> str:
    raw = json.dumps([key, rid], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, rid = json.loads(raw)
        if not isinstance(key, str) or not isinstance(rid, int) or isinstance(rid, bool):
            raise ValueError
        return key, rid
    except (ValueError, TypeError):
        raise InputError("the page cursor is malformed; start again from the first page") from None


_ORDER = {
    "newest": ("date", "DESC", "<"),
    "oldest": ("date", "ASC", ">"),
    "speaker": ("speaker_name", "ASC", ">"),
}


def list_claims(kb: Any, f: ClaimFilter, *, after: str | None = None, page: int | None = None,
                limit: int = 25) -> ClaimPage:
    """One page of claims: ``after`` the ``next_cursor`` of the previous page (keyset paging), or
    page number ``page`` (offset paging, for jumping); the first page without either."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    con = get_index(kb).db()
    clauses, params = _where(f)
    if clauses == [_FTS_CLAUSE]:
        # Search alone: count in the full-text index (one row per claim) without reading claim rows.
        total = con.execute("SELECT COUNT(*) FROM claims_fts WHERE claims_fts MATCH ?", params).fetchone()[0]
    else:
        total = con.execute(
            "SELECT COUNT(*) FROM claims" + (" WHERE " + " AND ".join(clauses) if clauses else ""), params
        ).fetchone()[0]
    key, direction, op = _ORDER[f.sort]
    page_clauses, page_params = list(clauses), list(params)
    offset = 0
    number = 1
    if after:
        value, rid = _decode_cursor(after)
        page_clauses.append(f"({key}, id) {op} (?, ?)")
        page_params += [value, rid]
        # The page number: the matches up to the cursor, counted (the page shows "page 3 of 9").
        before = con.execute(
            "SELECT COUNT(*) FROM claims WHERE " + " AND ".join(clauses + [f"NOT (({key}, id) {op} (?, ?))"]),
            params + [value, rid],
        ).fetchone()[0]
        number = before // limit + 1
    elif page is not None:
        if page < 1:
            raise InputError(f"page: {page} is not a page number (pages start at 1)")
        number = min(page, max(1, -(-total // limit)))
        offset = (number - 1) * limit
    sql = (
        f"SELECT id, {_COLUMNS} FROM claims"
        + (" WHERE " + " AND ".join(page_clauses) if page_clauses else "")
        + f" ORDER BY {key} {direction}, id {direction} LIMIT ? OFFSET ?"
    )
    rows = con.execute(sql, page_params + [limit + 1, offset]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    matched = _matches(con, f, [r["id"] for r in rows]) if f.q and rows else {}
    claims = [ClaimSummary(**{k: r[k] for k in r.keys() if k != "id"}, matched=matched.get(r["id"], ()))
              for r in rows]
    cursor = _encode_cursor(rows[-1][key], rows[-1]["id"]) if more and rows else None
    return ClaimPage(claims, total, cursor, f, number, limit)


_HIT_START, _HIT_END = "\x02", "\x03"


def _matches(con: Any, f: ClaimFilter, ids: list[int]) -> dict[int, tuple[Match, ...]]:
    """For each claim of a page, the fields the search words were found in (FTS5's highlight())."""
    match = fts_query(f.q)
    if not match:
        return {}
    columns = ", ".join(f"highlight(claims_fts, {i}, '{_HIT_START}', '{_HIT_END}')" for i in range(len(SEARCH_FIELDS)))
    marks = ", ".join("?" for _ in ids)
    out: dict[int, tuple[Match, ...]] = {}
    for row in con.execute(f"SELECT rowid, {columns} FROM claims_fts WHERE claims_fts MATCH ? AND rowid IN ({marks})",
                           [match, *ids]):
        found = []
        for (name, label), text in zip(SEARCH_FIELDS, row[1:]):
            if text and _HIT_START in text:
                found.append(Match(name, label, _segments(text)))
        out[row[0]] = tuple(found)
    return out


def _segments(text: str) -> tuple[tuple[str, bool], ...]:
    parts = re.split(f"({_HIT_START}.*?{_HIT_END})", text)
    return tuple((p.strip(_HIT_START + _HIT_END), p.startswith(_HIT_START)) for p in parts if p)
