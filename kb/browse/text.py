"""Cut a document's text into segments so that templates can highlight spans in it.

Spans may overlap (a partial quote inside a paraphrase); the text is split at
every span boundary and each piece carries every mark covering it, innermost
first, so a template links the piece to the most specific claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Mark", "Segment", "segments", "paragraph_window"]


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    role: str  # "quote", "speaker", "cue", "claim"
    target: str = ""  # the IRI the piece links to
    title: str = ""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Segment:
    text: str
    marks: list[Mark] = field(default_factory=list)

    @property
    def mark(self) -> Mark | None:
        return self.marks[0] if self.marks else None

    @property
    def roles(self) -> str:
        return " ".join(sorted({m.role for m in self.marks}))


def segments(text: str, marks: list[Mark], start: int = 0, end: int | None = None) -> list[Segment]:
    """The text between ``start`` and ``end`` as segments, each with the marks covering it."""
    end = len(text) if end is None else end
    inside = [m for m in marks if m.start < end and m.end > start and 0 <= m.start < m.end <= len(text)]
    cuts = sorted({start, end} | {max(start, m.start) for m in inside} | {min(end, m.end) for m in inside})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        covering = sorted((m for m in inside if m.start <= a and m.end >= b), key=lambda m: (m.length, m.role))
        if out and [id(m) for m in out[-1].marks] == [id(m) for m in covering]:
            out[-1].text += text[a:b]
        else:
            out.append(Segment(text[a:b], covering))
    return out


def paragraph_window(text: str, start: int, end: int, extra: int = 0) -> tuple[int, int]:
    """The paragraph(s) holding ``[start, end)``, plus ``extra`` paragraphs either side."""
    a = text.rfind("\n\n", 0, start)
    a = 0 if a < 0 else a + 2
    b = text.find("\n\n", end)
    b = len(text) if b < 0 else b
    for _ in range(extra):
        prev = text.rfind("\n\n", 0, max(0, a - 2))
        a = 0 if prev < 0 else prev + 2
        nxt = text.find("\n\n", b + 2)
        b = len(text) if nxt < 0 else nxt
    return a, b
