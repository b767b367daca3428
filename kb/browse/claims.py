"""The claims list: full-text search, filters, facets with counts, sorting, keyset pages."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..errors import InputError
from .store import get_index

__all__ = ["ClaimFilter", "ClaimSummary", "ClaimPage", "Facet", "FacetValue", "list_claims", "facets", "SORTS",
           "FILTER_KEYS"]

SORTS = ("newest", "oldest", "speaker")
FILTER_KEYS = ("q", "speaker", "org", "kind", "outlet", "via", "verdict", "date_from", "date_to")
MAX_LIMIT = 500
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
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

    @classmethod
    def from_args(cls, args: Any) -> "ClaimFilter":
        """From a mapping such as request.args; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: (args.get(k) or "").strip() for k in known if args.get(k)})

    def active(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v and k != "sort"}


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

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ClaimPage:
    claims: list[ClaimSummary]
    total: int
    next_cursor: str | None
    filter: ClaimFilter


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Facet:
    key: str
    title: str
    values: list[FacetValue] = field(default_factory=list)


_COLUMNS = ", ".join(f.name for f in fields(ClaimSummary))


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must match; the last one as a prefix."""
    words = _WORD.findall(text.lower())
    if not words:
        return ""
    parts = [f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*']
    return " ".join(parts)


def _where(f: ClaimFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.q:
        match = fts_query(f.q)
        if match:
            clauses.append("id IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)")
            params.append(match)
    for key in ("speaker", "kind", "outlet", "via"):
        value = getattr(f, key)
        if value:
            clauses.append(f"{key} = ?")
            params.append(value)
    if f.verdict:
        clauses.append("verdict = ?")
        params.append("" if f.verdict == "none" else f.verdict)
    if f.org:
        clauses.append("id IN (SELECT claim FROM claim_orgs WHERE org = ?)")
        params.append(f.org)
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


def list_claims(kb: Any, f: ClaimFilter, *, after: str | None = None, limit: int = 25) -> ClaimPage:
    """One page of claims. ``after`` is the ``next_cursor`` of the previous page (keyset paging)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    con = get_index(kb).db()
    clauses, params = _where(f)
    total = con.execute(
        "SELECT COUNT(*) FROM claims" + (" WHERE " + " AND ".join(clauses) if clauses else ""), params
    ).fetchone()[0]
    key, direction, op = _ORDER[f.sort]
    page_clauses, page_params = list(clauses), list(params)
    if after:
        value, rid = _decode_cursor(after)
        page_clauses.append(f"({key}, id) {op} (?, ?)")
        page_params += [value, rid]
    sql = (
        f"SELECT id, {_COLUMNS} FROM claims"
        + (" WHERE " + " AND ".join(page_clauses) if page_clauses else "")
        + f" ORDER BY {key} {direction}, id {direction} LIMIT ?"
    )
    rows = con.execute(sql, page_params + [limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    claims = [ClaimSummary(**{k: r[k] for k in r.keys() if k != "id"}) for r in rows]
    cursor = _encode_cursor(rows[-1][key], rows[-1]["id"]) if more and rows else None
    return ClaimPage(claims, total, cursor, f)


# -- facets -----------------------------------------------------------------------
_FACETS = (
    # key, title, SQL returning (value, label, count) for the filtered claims
    ("speaker", "Speaker", "SELECT speaker, MAX(speaker_name), COUNT(*) AS n FROM claims {w} {a} speaker != ''"
                           " GROUP BY speaker ORDER BY n DESC, MAX(speaker_name) LIMIT ?"),
    ("org", "Organization", "SELECT o.org, MAX(o.org_name), COUNT(*) AS n FROM claim_orgs o JOIN claims ON claims.id = o.claim"
                            " {w} GROUP BY o.org ORDER BY n DESC, MAX(o.org_name) LIMIT ?"),
    ("kind", "Kind", "SELECT kind, kind, COUNT(*) AS n FROM claims {w} {a} kind != '' GROUP BY kind ORDER BY n DESC, kind LIMIT ?"),
    ("outlet", "Outlet", "SELECT outlet, MAX(outlet_name), COUNT(*) AS n FROM claims {w} {a} outlet != ''"
                         " GROUP BY outlet ORDER BY n DESC, MAX(outlet_name) LIMIT ?"),
    ("via", "Reported via", "SELECT via, MAX(via_name), COUNT(*) AS n FROM claims {w} {a} via != ''"
                            " GROUP BY via ORDER BY n DESC, MAX(via_name) LIMIT ?"),
    ("verdict", "Review verdict", "SELECT CASE verdict WHEN '' THEN 'none' ELSE verdict END AS v,"
                                  " CASE verdict WHEN '' THEN 'not reviewed' ELSE verdict END, COUNT(*) AS n"
                                  " FROM claims {w} GROUP BY v ORDER BY n DESC, v LIMIT ?"),
    ("year", "Year", "SELECT substr(date, 1, 4) AS y, substr(date, 1, 4), COUNT(*) AS n FROM claims {w} {a} date != ''"
                     " GROUP BY y ORDER BY y DESC LIMIT ?"),
)

_cache: "OrderedDict[tuple[Any, ...], list[Facet]]" = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def facets(kb: Any, f: ClaimFilter, *, size: int = 10) -> list[Facet]:
    """Counts per speaker, organization, kind, outlet, intermediary, verdict and year, over the filtered claims.

    Cached per index version: the same filter costs one dict lookup until the next ingest.
    """
    index = get_index(kb)
    key = (index.path, index.version, f, size)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    con = index.db()
    clauses, params = _where(f)
    where = " AND ".join(clauses)
    out = []
    for fkey, title, sql in _FACETS:
        text = sql.format(w=("WHERE " + where) if where else "", a=("AND" if where else "WHERE"))
        rows = con.execute(text, params + [size]).fetchall()
        out.append(Facet(fkey, title, [FacetValue(str(r[0]), str(r[1] or r[0]), int(r[2])) for r in rows]))
    with _cache_lock:
        _cache[key] = out
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return out
