"""The other list pages: speakers and documents, with keyset pages (by name, by date)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .claims import _decode_cursor, _encode_cursor
from .store import get_index

__all__ = ["SpeakerRow", "DocumentRow", "list_speakers", "list_documents"]

MAX_LIMIT = 500


@dataclass(frozen=True)
class SpeakerRow:
    iri: str
    name: str
    type: str
    claims: int
    first: str
    last: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentRow:
    iri: str
    title: str
    date: str
    outlet: str
    outlet_name: str
    claims: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_speakers(kb: Any, *, q: str = "", after: str | None = None, limit: int = 50) -> tuple[list[SpeakerRow], str | None]:
    """Speakers by name; ``q`` keeps names containing it (case-insensitive)."""
    limit = max(1, min(limit, MAX_LIMIT))
    con = get_index(kb).db()
    where, params = ["speaker != ''"], []
    if q:
        where.append("speaker_name LIKE ? ESCAPE '\\'")
        params.append("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    having = ""
    if after:
        name, _ = _decode_cursor(after)
        # The cursor holds the name; the IRI breaks ties in the second key.
        having = " HAVING (MAX(speaker_name), speaker) > (?, ?)"
        name_key, iri_key = name.split("\x1f", 1) if "\x1f" in name else (name, "")
        params += [name_key, iri_key]
    sql = (
        "SELECT speaker, MAX(speaker_name) AS name, MAX(speaker_type) AS type, COUNT(*) AS n,"
        " MIN(NULLIF(date, '')) AS first, MAX(date) AS last FROM claims WHERE " + " AND ".join(where)
        + " GROUP BY speaker" + having + " ORDER BY name, speaker LIMIT ?"
    )
    rows = con.execute(sql, params + [limit + 1]).fetchall()
    out = [SpeakerRow(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "") for r in rows[:limit]]
    cursor = _encode_cursor(out[-1].name + "\x1f" + out[-1].iri, 0) if len(rows) > limit else None
    return out, cursor


def list_documents(kb: Any, *, after: str | None = None, limit: int = 50) -> tuple[list[DocumentRow], str | None]:
    """Documents with claims, newest first."""
    limit = max(1, min(limit, MAX_LIMIT))
    con = get_index(kb).db()
    params: list[Any] = []
    having = ""
    if after:
        key, _ = _decode_cursor(after)
        date, doc = key.split("\x1f", 1) if "\x1f" in key else (key, "")
        having = " HAVING (MAX(date), doc) < (?, ?)"
        params += [date, doc]
    sql = (
        "SELECT doc, MAX(doc_title), MAX(date) AS d, MAX(outlet), MAX(outlet_name), COUNT(*) FROM claims"
        " WHERE doc != '' GROUP BY doc" + having + " ORDER BY d DESC, doc DESC LIMIT ?"
    )
    rows = con.execute(sql, params + [limit + 1]).fetchall()
    out = [DocumentRow(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows[:limit]]
    cursor = _encode_cursor(out[-1].date + "\x1f" + out[-1].iri, 0) if len(rows) > limit else None
    return out, cursor
