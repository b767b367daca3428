"""Finding date expressions and resolving them against the article date.

Precision follows the expression: "on Thursday" is a day ("2021-05-20"), "this week"
an ISO week ("2021-W20"), "last month" a month ("2021-04"), "last year" a year.
A weekday means the latest such day on or before the article date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
DATE_EXPR = re.compile(
    r"\b(?:"
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<mday>" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)"
    r"|(?P<rel>(?:this|last|next|past)\s+(?:week|month|year))"
    r"|(?P<day>yesterday|today|tonight|(?:this|last)\s+(?:morning|afternoon|evening|night))"
    r"|(?P<wd>(?:last\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?)"
    r"|(?P<month>in\s+" + _MONTH + r"(?:\s+\d{4})?)"
    r")\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    value: str | None  # ISO date, week, month or year; None when it cannot be resolved


def find_dates(text: str, start: int, end: int, article: datetime.date | None) -> list[DateMention]:
    """Date expressions in ``text[start:end]`` with their resolved values."""
    found = []
    for m in DATE_EXPR.finditer(text, start, end):
        found.append(DateMention(m.start(), m.end(), resolve(m.group(0), article)))
    return found


def resolve(expr: str, article: datetime.date | None) -> str | None:
    """The ISO value of one date expression, or None without an article date."""
    e = " ".join(expr.lower().replace(".", "").replace(",", "").split())
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", e)
    if m:
        return e
    if article is None:
        # Absolute month-day-year needs no anchor.
        m = re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)? (\d{4})", e)
        if m and m.group(1) in MONTHS:
            return _iso(int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
        return None
    if e in ("today", "tonight") or e in ("this morning", "this afternoon", "this evening"):
        return article.isoformat()
    if e == "yesterday" or e == "last night":
        return (article - datetime.timedelta(days=1)).isoformat()
    m = re.fullmatch(r"(this|last|next|past) (week|month|year)", e)
    if m:
        step = {"this": 0, "last": -1, "past": -1, "next": 1}[m.group(1)]
        if m.group(2) == "week":
            d = article + datetime.timedelta(weeks=step)
            year, week, _ = d.isocalendar()
            return f"{year}-W{week:02d}"
        if m.group(2) == "month":
            month = article.month + step
            year = article.year + (month - 1) // 12
            return f"{year}-{(month - 1) % 12 + 1:02d}"
        return str(article.year + step)
    m = re.fullmatch(r"(last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                     r"(?: (?:morning|afternoon|evening|night))?", e)
    if m:
        back = (article.weekday() - WEEKDAYS.index(m.group(2))) % 7
        if m.group(1) and back == 0:
            back = 7  # "last Thursday" on a Thursday is a week ago
        return (article - datetime.timedelta(days=back)).isoformat()
    m = re.fullmatch(r"([a-z]+) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", e)
    if m and m.group(1) in MONTHS:
        month, day = MONTHS[m.group(1)], int(m.group(2))
        if m.group(3):
            return _iso(int(m.group(3)), month, day)
        # Without a year: the latest such day on or before the article date.
        year = article.year if (month, day) <= (article.month, article.day) else article.year - 1
        return _iso(year, month, day)
    m = re.fullmatch(r"in ([a-z]+)(?: (\d{4}))?", e)
    if m and m.group(1) in MONTHS:
        month = MONTHS[m.group(1)]
        year = int(m.group(2)) if m.group(2) else (
            article.year if month <= article.month else article.year - 1)
        return f"{year}-{month:02d}"
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
