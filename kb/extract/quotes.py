"""Finding quoted spans by their quote marks.

Only double marks (straight ``"`` and curly ``“ ”``) delimit claims: single marks
double as apostrophes (Hamas’, don't) and, inside a quote, mark a quote within the
quote ('Sword of Jerusalem'), which is never a claim of its own.

Whether a mark opens or closes is read from its neighbours first and its glyph
second, because news text often has a ``”`` that opens or a straight ``"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_MARKS = '"“”„«»'
OPENING_GLYPHS = "“„«"
CLOSING_GLYPHS = "”»"
# Characters after which an opening mark may follow ("(“", "—“", "‘“").
OPEN_LEFT = "([{—–-/‘'" + OPENING_GLYPHS
# Characters before which a closing mark may come ("”,", "”—", "”)").
CLOSE_RIGHT = ".,;:!?)]}—–-…’'" + CLOSING_GLYPHS


@dataclass(frozen=True)
class Quote:
    """A quotation: ``text[start:end]`` is its content without the outer marks."""

    open: int          # offset of the opening mark
    close: int         # offset of the closing mark, or the paragraph end if never closed
    start: int         # first content character
    end: int           # one past the last content character
    closed: bool       # False when the paragraph ended before a closing mark
    paragraphs: int    # how many paragraphs the quote runs over

    def content(self, text: str) -> str:
        return text[self.start:self.end]


# NYT style: two apostrophes for a double mark (''I can't breathe,'' he said).
TWO_APOSTROPHES = re.compile(r"(?<!['’])''(?!['’])")
# A single opening mark that starts a word: ‘Sword of Jerusalem’ (not ‘90s or ‘em).
SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[—–-]))‘(?=[^\W\d])(?!em\b)")
# Its closing mark next to punctuation: ‘…,’ he said / ‘… here’. An apostrophe inside or
# after a word (don’t, Hamas’ leader) has a letter or a space on both sides.
SINGLE_CLOSE = re.compile(r"(?<=[.,;:!?…])’|’(?=[.,;:!?…)—–]|$)", re.MULTILINE)


def normalize_marks(text: str) -> str:
    """``text`` with other quotation styles rewritten as curly double marks.

    The result has the same length, so offsets into it are offsets into ``text``:
    ``''`` becomes a mark and a space on the outer side (`` “``/``” ``), and a ‘…’ pair
    outside double quotes becomes “…”. Marks inside double quotes stay single: they
    quote within a quote.
    """
    chars = list(text)
    for m in TWO_APOSTROPHES.finditer(text):
        i = m.start()
        before = text[i - 1] if i else " "
        after = text[i + 2] if i + 2 < len(text) else " "
        if (before.isspace() or before in "([—–-") and not after.isspace():
            chars[i], chars[i + 1] = " ", "“"
        else:
            chars[i], chars[i + 1] = "”", " "
    view = "".join(chars)
    if "‘" not in view:
        return view
    depth_at = _double_depth(view)
    for m in SINGLE_OPEN.finditer(view):
        i = m.start()
        if depth_at[i]:
            continue
        line_end = view.find("\n", i)
        close = SINGLE_CLOSE.search(view, i + 1, len(view) if line_end < 0 else line_end)
        if close is None or "‘" in view[i + 1:close.start()]:
            continue
        chars[i], chars[close.start()] = "“", "”"
    return "".join(chars)


def _double_depth(text: str) -> bytearray:
    """1 at offsets inside a double-quoted stretch of a line, by glyph alone."""
    inside = bytearray(len(text) + 1)
    depth = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            depth = 0
        elif ch in "“„«":
            depth += 1
        elif ch in "”»" and depth:
            depth -= 1
        elif ch == '"':
            depth = 0 if depth else 1
        inside[i] = 1 if depth else 0
    return inside


def mark_role(text: str, i: int, lo: int, hi: int) -> str | None:
    """'open', 'close' or None (undecided) for the double mark at ``i`` in paragraph [lo, hi)."""
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    left_free = prev.isspace() or prev in OPEN_LEFT
    right_free = nxt.isspace() or nxt in CLOSE_RIGHT
    if left_free and not right_free:
        return "open"
    if right_free and not left_free:
        return "close"
    ch = text[i]
    if ch in OPENING_GLYPHS:
        return "open"
    if ch in CLOSING_GLYPHS:
        return "close"
    return None


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Top-level quotes of ``text``; nested double quotes are kept inside their outer quote.

    A paragraph that ends inside a quote continues it when the next paragraph opens
    with a quote mark (the news convention for multi-paragraph quotes); otherwise the
    quote ends with its paragraph.
    """
    quotes: list[Quote] = []
    in_tag = _markup(text)
    first_open: int | None = None   # opening mark of the outermost open quote
    depth = 0
    n_par = 0
    for index, (lo, hi) in enumerate(paragraphs):
        skip_first = False
        if depth:
            # Continuation: the previous paragraph left the quote open.
            j = lo
            if text[j] in DOUBLE_MARKS and mark_role(text, j, lo, hi) != "close":
                skip_first = True
                n_par += 1
                depth = 1
        for i in range(lo, hi):
            ch = text[i]
            if ch not in DOUBLE_MARKS or in_tag and i in in_tag:
                continue
            if skip_first and i == lo:
                continue
            role = mark_role(text, i, lo, hi)
            if role is None or (i == lo and depth == 0):
                # A mark that starts a paragraph outside any quote can only open one,
                # whatever its glyph ("” … what I learned …,” he said").
                role = "close" if depth and role is None else "open"
            if role == "open":
                if depth == 0:
                    first_open = i
                    n_par = 1
                depth += 1
            elif depth:
                depth -= 1
                if depth == 0 and first_open is not None:
                    quotes.append(_make(text, first_open, i, True, n_par))
                    first_open = None
        if depth and first_open is not None:
            nxt = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else None
            reopens = (nxt is not None and text[nxt] in DOUBLE_MARKS
                       and mark_role(text, nxt, nxt, paragraphs[index + 1][1]) != "close")
            if not reopens:
                quotes.append(_make(text, first_open, hi, False, n_par))
                first_open = None
                depth = 0
    return [q for q in quotes if q.end > q.start]


# Markup left in the text (`<tweet tweet-date="March 10, 2016">`): its attribute
# values are not quotations.
TAG = re.compile(r"<[A-Za-z/][^<>\n]*>")


def _markup(text: str) -> set[int]:
    """Offsets inside markup tags."""
    if "<" not in text:
        return set()
    return {i for m in TAG.finditer(text) for i in range(m.start(), m.end())}


def _make(text: str, open_at: int, close_at: int, closed: bool, n_par: int) -> Quote:
    start, end = open_at + 1, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Quote(open_at, close_at, start, end, closed, n_par)


def inside_any(offset: int, quotes: list[Quote]) -> bool:
    """True when ``offset`` lies within a quote, marks included."""
    return any(q.open <= offset <= q.close for q in quotes)
