"""Geometry for the inline SVG pictures (drawn by templates, so all text is escaped)."""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass
from typing import Any, Sequence

from kb.browse.detail import ChainLink


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    maximum: int
    axis: str = ""  # what the horizontal axis spans, e.g. "2023-10 to 2024-09, by month"


#: The shortest time axis, in months: fewer months are padded around the data (one month's
#: bar would otherwise fill the whole chart, and look like a trend of its own).
MIN_MONTHS = 12
#: The longest axis counted by month; a longer one is counted by year.
MAX_MONTHS = 120


def _month(key: str) -> int:
    y, m = map(int, key.split("-"))
    return y * 12 + m - 1


def _key(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bars(months: Sequence[tuple[str, int]], width: int = 720, height: int = 180) -> BarChart:
    """Claims per month, every month between the first and last shown (gaps as empty months),
    padded to at least :data:`MIN_MONTHS` months centred on the data; per year beyond :data:`MAX_MONTHS`."""
    if not months:
        return BarChart(width, height, [], [], 0)
    counts = dict(months)
    first, last = _month(months[0][0]), _month(months[-1][0])
    missing = MIN_MONTHS - (last - first + 1)
    if missing > 0:
        first -= missing // 2
        last += missing - missing // 2
    unit = "month"
    if last - first + 1 > MAX_MONTHS:  # decades of months would be hairlines: count by year
        by_year: dict[str, int] = {}
        for key, n in months:
            by_year[key[:4]] = by_year.get(key[:4], 0) + n
        counts, unit = by_year, "year"
        keys = [f"{y:04d}" for y in range(first // 12, last // 12 + 1)]
    else:
        keys = [_key(i) for i in range(first, last + 1)]
    top = max(counts.values())
    plot_h = height - 24
    step = width / len(keys)
    bars = []
    for i, key in enumerate(keys):
        n = counts.get(key, 0)
        h = 0 if not top else max(1.0 if n else 0.0, plot_h * n / top)
        bars.append(Bar(round(i * step + step * 0.1, 2), round(plot_h - h, 2), round(step * 0.8, 2), round(h, 2), key, n))
    every = max(1, -(-len(keys) // 8))
    ticks = [(round(i * step + step / 2, 2), k) for i, k in enumerate(keys) if i % every == 0]
    return BarChart(width, height, bars, ticks, top, f"{keys[0]} to {keys[-1]}, by {unit}")


@dataclass(frozen=True)
class HBar:
    y: float
    width: float
    label: str
    count: int
    target: str  # the IRI the bar links to


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_width: int
    row: int
    bars: list[HBar]
    maximum: int


def ranked_bars(values: Sequence[Any], width: int = 360, label_width: int = 150, row: int = 22) -> HBarChart:
    """Horizontal bars, one per value (a :class:`kb.browse.FacetValue`), longest for the largest count."""
    top = max((v.count for v in values), default=0)
    plot_w = width - label_width - 40  # room for the count after the longest bar
    bars = [HBar(i * row, round(max(1.0, plot_w * v.count / top), 2) if top else 0, v.label, v.count, v.value)
            for i, v in enumerate(values)]
    return HBarChart(width, len(bars) * row, label_width, row, bars, top)


@dataclass(frozen=True)
class ChainBox:
    x: int
    width: int
    link: ChainLink


def chain_boxes(chain: Sequence[ChainLink], box: int = 170, gap: int = 44) -> tuple[int, list[ChainBox]]:
    boxes = [ChainBox(i * (box + gap), box, link) for i, link in enumerate(chain)]
    width = len(chain) * box + max(0, len(chain) - 1) * gap
    return width, boxes


@dataclass(frozen=True)
class SpreadDot:
    x: float
    y: float
    label: str  # the outlet's name
    date: str
    target: str  # the outlet's IRI


@dataclass(frozen=True)
class SpreadChart:
    width: int
    height: int
    label_width: int
    dots: list[SpreadDot]
    ticks: list[tuple[float, str]]
    undated: list[str]  # outlets whose appearance has no date


def spread_chart(outlets: Sequence[tuple[str, str, str]], width: int = 640, label_width: int = 170,
                 row: int = 24) -> SpreadChart:
    """One row per outlet (``(iri, name, date)``, oldest first) with a dot on a day axis when it
    first carried the quote: how the quote spread over time."""
    import datetime as dt

    dated = []
    undated = []
    for iri, name, date in outlets:
        try:
            dated.append((iri, name or iri, date, dt.date.fromisoformat(date[:10]).toordinal()))
        except ValueError:
            undated.append(name or iri)
    if not dated:
        return SpreadChart(width, 0, label_width, [], [], undated)
    first, last = min(d[3] for d in dated), max(d[3] for d in dated)
    span = max(1, last - first)
    plot = width - label_width - 20
    x_of = lambda day: round(label_width + 10 + plot * (day - first) / span, 2)  # noqa: E731
    dots = [SpreadDot(x_of(day), i * row + row / 2, name, date, iri) for i, (iri, name, date, day) in enumerate(dated)]
    days = sorted({d[3] for d in dated})
    every = max(1, -(-len(days) // 5))
    ticks = [(x_of(day), dt.date.fromordinal(day).isoformat()) for i, day in enumerate(days) if i % every == 0]
    return SpreadChart(width, len(dots) * row + 22, label_width, dots, ticks, undated)


@dataclass(frozen=True)
class RoleBar:
    x: float
    y: float
    width: float
    label: str  # the role's name
    org: str  # the organization's IRI ('' if none)
    org_name: str
    start: str
    end: str  # '' for a role still held (as far as the knowledge base knows)
    open: bool  # no end date: the bar runs to ``today``


@dataclass(frozen=True)
class RoleTimeline:
    width: int
    height: int
    label_width: int
    row: int
    bars: list[RoleBar]
    ticks: list[tuple[float, str]]
    undated: list[Any]  # the roles without a start date (kb.browse.Role), listed apart
    axis: str = ""


def _day(value: str, last: bool = False) -> int | None:
    """The ordinal day of YYYY, YYYY-MM or YYYY-MM-DD (its first day, or its last with ``last``); None if not a date."""
    parts = value.strip()[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if last else 1)
        day = int(parts[2]) if len(parts) > 2 else (calendar.monthrange(year, month)[1] if last else 1)
        return _dt.date(year, month, day).toordinal()
    except (ValueError, IndexError):
        return None


def role_timeline(roles: Sequence[Any], today: _dt.date, width: int = 640, label_width: int = 240,
                  row: int = 26) -> RoleTimeline:
    """One bar per role (a :class:`kb.browse.Role`: name, org, org_name, start, end) from its start to its
    end, oldest first, on a year axis; a role without an end runs to ``today`` (a date) and is marked open.
    Roles without a usable start date are not drawn: they come back in ``undated``, to be listed apart."""
    now = today.toordinal()
    dated: list[tuple[int, int, Any]] = []
    undated = []
    for role in roles:
        start = _day(role.start or "")
        if start is None:
            undated.append(role)
            continue
        end = _day(role.end, last=True) if role.end else None
        dated.append((start, max(start, end if end is not None else now), role))
    if not dated:
        return RoleTimeline(width, 0, label_width, row, [], [], undated)
    dated.sort(key=lambda d: (d[0], d[2].name))
    first_year = _dt.date.fromordinal(min(d[0] for d in dated)).year
    last_year = _dt.date.fromordinal(max(d[1] for d in dated)).year
    first, last = _dt.date(first_year, 1, 1).toordinal(), _dt.date(last_year + 1, 1, 1).toordinal()
    plot = width - label_width - 16
    x_of = lambda day: round(label_width + 8 + plot * (day - first) / (last - first), 2)  # noqa: E731
    bars = [RoleBar(x_of(start), i * row, max(2.0, round(x_of(end) - x_of(start), 2)), role.name, role.org,
                    role.org_name, role.start, role.end, not role.end)
            for i, (start, end, role) in enumerate(dated)]
    years = list(range(first_year, last_year + 1))  # each year's tick at its start
    every = max(1, -(-len(years) // 8))
    ticks = [(x_of(_dt.date(y, 1, 1).toordinal()), str(y)) for i, y in enumerate(years) if i % every == 0]
    axis = f"{first_year} to {last_year}, open roles to {today.isoformat()}" if any(b.open for b in bars) \
        else f"{first_year} to {last_year}"
    return RoleTimeline(width, len(bars) * row + 22, label_width, row, bars, ticks, undated, axis)
