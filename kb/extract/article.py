"""Reading article files: exact text, the leading date line, paragraphs.

Offsets in claim records count code points of the file's text *as read*, so the
file is decoded as UTF-8 with ``newline=''`` (``\\r`` kept) and nothing is stripped; a
control character no RDF export could carry becomes U+FFFD, one code point for one
(:func:`kb.formats.storable_text`).
"""

from __future__ import annotations

import datetime
import os
import re

from kb.errors import InputError, ParseError
from kb.formats import storable_text

# The seed corpus starts with " date 2021-05-20 " and then the text, on the same
# line or the next one. Only a line at the very start counts.
DATE_LINE = re.compile(r"\A[ \t]*date[ \t]+(\d{4})-(\d{2})-(\d{2})\b[ \t]*(?:\r\n|\r|\n)?")

# A paragraph ends at a line end: news files put one paragraph on a line, and some
# (lists of reader voices) separate paragraphs by a single newline.
PARAGRAPH_BREAK = re.compile(r"(?:\r\n|\r|\n)\s*")


def read_article(path: str | os.PathLike[str]) -> tuple[str, datetime.date | None]:
    """Read ``path`` as UTF-8 exactly as is; return (text, date of the leading date line)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {os.fspath(path)}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"not a file: {os.fspath(path)}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {os.fspath(path)}: {exc.strerror}") from exc
    try:
        # Decoding bytes ourselves is the same as open(..., newline=''): no newline translation.
        text = storable_text(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ParseError(f"{os.fspath(path)} is not UTF-8 text (byte {exc.start})") from exc
    return text, leading_date(text)


def leading_date(text: str) -> datetime.date | None:
    """The date of a leading `` date YYYY-MM-DD`` line, or None."""
    m = DATE_LINE.match(text)
    if not m:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def body_start(text: str) -> int:
    """Offset where the article body begins (after a leading date line, if any)."""
    m = DATE_LINE.match(text)
    if m and leading_date(text) is not None:
        return m.end()
    return 0


def paragraphs(text: str, start: int = 0) -> list[tuple[int, int]]:
    """[start, end) of each non-blank paragraph from ``start``; surrounding spaces trimmed."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in PARAGRAPH_BREAK.finditer(text, start):
        _add_trimmed(text, pos, m.start(), spans)
        pos = m.end()
    _add_trimmed(text, pos, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
