"""The claim-record JSON: parse it, check it, and explain what is wrong.

A claim record is what ``kb extract`` prints and what ``kb ingest`` reads, so a
user can extract, correct the JSON by hand, and ingest it::

    {"document": {"text", "date", "url"?, "title"?, "publisher"?, "author"?},
     "claims": [{"kind", "text", "start", "end", "spans"?,
                 "speaker": {"name", "start", "end", "type"?} | null,
                 "cue": {"text", "start", "end"} | null,
                 "addressee"?, "medium"?, "venue"?, "place"?, "via"?,
                 "date"?, "confidence"?}],
     "entities"?: [{"name", "type", "aliases"?, "honorific"?, "parent"?,
                    "relation"?, "roles"?: [{"name", "organization"?, "start"?,
                                              "end"?, "text"?, "note"?}]}]}

Offsets are ``[start, end)`` in the document text, counted in code points.
Every problem is reported as one :class:`~kb.errors.RecordError` line that names
the JSON path, e.g. ``claims[3].speaker.end: must be an integer``.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import RecordError, VerbatimError

__all__ = [
    "CLAIM_KINDS",
    "ENTITY_TYPES",
    "SPEAKER_TYPES",
    "Span",
    "Mention",
    "Role",
    "Entity",
    "ClaimRecord",
    "DocumentRecord",
    "ArticleRecord",
    "SaidDate",
    "parse_record",
    "parse_said_date",
]

CLAIM_KINDS = ("direct-quote", "partial-quote", "paraphrase", "reported-fact")
ENTITY_TYPES = ("Person", "Organization", "NewsMediaOrganization", "Place", "Anonymous")
SPEAKER_TYPES = ("Person", "Organization", "NewsMediaOrganization", "Anonymous")

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """A name or word in the text: a speaker mention ("he") or a cue ("said")."""

    text: str
    start: int
    end: int
    name: str | None = None  # the resolved canonical name (speakers only)
    type: str | None = None  # one of SPEAKER_TYPES (speakers only)


@dataclass(frozen=True)
class SaidDate:
    """A date with its precision: ``day``, ``week``, ``month`` or ``year``.

    ``value`` is the first day of the period (the Monday of an ISO week).
    """

    value: dt.date
    precision: str

    def isoformat(self) -> str:
        if self.precision == "week":
            year, week, _ = self.value.isocalendar()
            return f"{year}-W{week:02d}"
        if self.precision == "month":
            return self.value.strftime("%Y-%m")
        if self.precision == "year":
            return f"{self.value.year:04d}"
        return self.value.isoformat()


@dataclass(frozen=True)
class Role:
    name: str
    organization: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Entity:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    honorific: str | None = None
    parent: str | None = None
    relation: str | None = None
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class ClaimRecord:
    kind: str
    text: str
    spans: tuple[Span, ...]
    speaker: Mention | None = None
    cue: Mention | None = None
    addressee: str | None = None
    medium: str | None = None
    venue: str | None = None
    place: str | None = None
    via: str | None = None
    date: SaidDate | None = None
    confidence: float | None = None

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        return self.spans[-1].end


@dataclass(frozen=True)
class DocumentRecord:
    text: str
    date: dt.date | None = None
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """A whole claim record: one document, its claims and the entities they name."""

    document: DocumentRecord
    claims: tuple[ClaimRecord, ...] = ()
    entities: tuple[Entity, ...] = field(default_factory=tuple)

    def entity(self, name: str) -> Entity | None:
        for entity in self.entities:
            if entity.name == name:
                return entity
        return None


def parse_said_date(value: str, where: str = "date") -> SaidDate:
    """Parse ``YYYY-MM-DD``, ``YYYY-Www``, ``YYYY-MM`` or ``YYYY`` into a :class:`SaidDate`."""
    try:
        if m := _WEEK.match(value):
            return SaidDate(dt.date.fromisocalendar(int(m[1]), int(m[2]), 1), "week")
        if m := _MONTH.match(value):
            return SaidDate(dt.date(int(m[1]), int(m[2]), 1), "month")
        if m := _YEAR.match(value):
            return SaidDate(dt.date(int(m[1]), 1, 1), "year")
        return SaidDate(dt.date.fromisoformat(value), "day")
    except ValueError:
        raise RecordError(
            f"{where}: {value!r} is not a date (use YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY)"
        ) from None


class _Reader:
    """Typed access to one JSON object, with errors that name the JSON path."""

    def __init__(self, obj: Any, path: str) -> None:
        if not isinstance(obj, Mapping):
            raise RecordError(f"{path or 'record'}: must be a JSON object")
        self.obj = obj
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        value = self.obj.get(key)
        if value is None and required:
            raise RecordError(f"{self.where(key)}: is required")
        return value

    def str(self, key: str, *, required: bool = False, nonempty: bool = True) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise RecordError(f"{self.where(key)}: must be a string")
        if nonempty and not value.strip():
            if required:
                raise RecordError(f"{self.where(key)}: must not be empty")
            return None
        return value

    def int(self, key: builtins.str) -> int:
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(f"{self.where(key)}: must be an integer")
        return value

    def date(self, key: builtins.str) -> dt.date | None:
        value = self.str(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise RecordError(f"{self.where(key)}: {value!r} is not a YYYY-MM-DD date") from None

    def list(self, key: builtins.str) -> list[Any]:
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise RecordError(f"{self.where(key)}: must be a list")
        return value

    def child(self, key: builtins.str) -> "_Reader | None":
        value = self.obj.get(key)
        return None if value is None else _Reader(value, self.where(key))


def _span(text: str, start: int, end: int, where: str) -> Span:
    if not 0 <= start < end <= len(text):
        raise RecordError(
            f"{where}: span [{start}, {end}) is not inside the document text (length {len(text)})"
        )
    return Span(start, end)


def _mention(reader: _Reader | None, text: str, *, speaker: bool) -> Mention | None:
    if reader is None:
        return None
    start, end = reader.int("start"), reader.int("end")
    _span(text, start, end, reader.path)
    found = text[start:end]
    written = reader.str("text")
    if written is not None and written != found:
        raise VerbatimError(
            f"{reader.where('text')}: {written!r} differs from the document text "
            f"at [{start}, {end}), which is {found!r}"
        )
    if not speaker:
        return Mention(found, start, end)
    kind = reader.str("type") or "Person"
    if kind not in SPEAKER_TYPES:
        raise RecordError(f"{reader.where('type')}: must be one of {', '.join(SPEAKER_TYPES)}")
    return Mention(found, start, end, name=reader.str("name", required=True), type=kind)


def _claim(reader: _Reader, text: str) -> ClaimRecord:
    kind = reader.str("kind", required=True)
    if kind not in CLAIM_KINDS:
        raise RecordError(f"{reader.where('kind')}: {kind!r} is not one of {', '.join(CLAIM_KINDS)}")
    raw_spans = reader.list("spans")
    if raw_spans:
        spans = []
        for i, pair in enumerate(raw_spans):
            where = f"{reader.where('spans')}[{i}]"
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
            ):
                raise RecordError(f"{where}: must be a [start, end] pair of integers")
            spans.append(_span(text, pair[0], pair[1], where))
        if any(a.end > b.start for a, b in zip(spans, spans[1:])):
            raise RecordError(f"{reader.where('spans')}: spans must be in order and not overlap")
    else:
        spans = [_span(text, reader.int("start"), reader.int("end"), reader.path)]
    claim_text = reader.str("text", required=True, nonempty=False)
    expected = " ".join(text[s.start : s.end] for s in spans)
    if claim_text != expected:
        at = ", ".join(f"[{s.start}, {s.end})" for s in spans)
        raise VerbatimError(
            f"{reader.where('text')}: {_short(claim_text or '')!r} differs from the document text "
            f"at {at}, which is {_short(expected)!r}"
        )
    if len(spans) > 1 and (reader.obj.get("start"), reader.obj.get("end")) not in (
        (None, None),
        (spans[0].start, spans[-1].end),
    ):
        raise RecordError(f"{reader.path}: start and end must enclose the spans")
    speaker = _mention(reader.child("speaker"), text, speaker=True)
    if speaker is None and kind != "reported-fact":
        raise RecordError(f"{reader.where('speaker')}: is required for a {kind}")
    confidence = reader.obj.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1
    ):
        raise RecordError(f"{reader.where('confidence')}: must be a number from 0 to 1")
    said = reader.str("date")
    return ClaimRecord(
        kind=kind,
        text=claim_text,
        spans=tuple(spans),
        speaker=speaker,
        cue=_mention(reader.child("cue"), text, speaker=False),
        addressee=reader.str("addressee"),
        medium=reader.str("medium"),
        venue=reader.str("venue"),
        place=reader.str("place"),
        via=reader.str("via"),
        date=parse_said_date(said, reader.where("date")) if said else None,
        confidence=None if confidence is None else float(confidence),
    )


def _entity(reader: _Reader) -> Entity:
    kind = reader.str("type", required=True)
    if kind not in ENTITY_TYPES:
        raise RecordError(f"{reader.where('type')}: must be one of {', '.join(ENTITY_TYPES)}")
    aliases = reader.list("aliases")
    if not all(isinstance(a, str) and a.strip() for a in aliases):
        raise RecordError(f"{reader.where('aliases')}: must be a list of non-empty strings")
    roles = []
    for i, raw in enumerate(reader.list("roles")):
        r = _Reader(raw, f"{reader.where('roles')}[{i}]")
        roles.append(
            Role(
                name=r.str("name", required=True),  # type: ignore[arg-type]
                organization=r.str("organization"),
                start=r.date("start"),
                end=r.date("end"),
                text=r.str("text"),
                note=r.str("note"),
            )
        )
    return Entity(
        name=reader.str("name", required=True),  # type: ignore[arg-type]
        type=kind,
        aliases=tuple(dict.fromkeys(a for a in aliases)),
        honorific=reader.str("honorific"),
        parent=reader.str("parent"),
        relation=reader.str("relation"),
        roles=tuple(roles),
    )


def parse_record(obj: Any) -> ArticleRecord:
    """Check a decoded claim-record JSON object and return it as an :class:`ArticleRecord`.

    Raises :class:`~kb.errors.RecordError` (or its :class:`~kb.errors.VerbatimError`)
    naming the first problem found.
    """
    top = _Reader(obj, "")
    doc = top.child("document")
    if doc is None:
        raise RecordError("document: is required")
    text = doc.str("text", required=True)
    assert text is not None
    document = DocumentRecord(
        text=text,
        date=doc.date("date"),
        url=doc.str("url"),
        title=doc.str("title"),
        publisher=doc.str("publisher"),
        author=doc.str("author"),
    )
    claims = tuple(_claim(_Reader(c, f"claims[{i}]"), text) for i, c in enumerate(top.list("claims")))
    entities = tuple(_entity(_Reader(e, f"entities[{i}]")) for i, e in enumerate(top.list("entities")))
    seen: dict[str, str] = {}
    for i, e in enumerate(entities):
        if seen.get(e.name, e.type) != e.type:
            raise RecordError(f"entities[{i}].name: {e.name!r} is listed twice with different types")
        seen[e.name] = e.type
    return ArticleRecord(document=document, claims=claims, entities=entities)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
