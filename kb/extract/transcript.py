"""Interviews written as transcripts: ``PENCE: Well, look, …``.

A paragraph that starts (after an optional opening quote mark) with a speaker label in
capitals and a colon is one turn of a transcript: the label is the speaker, the colon is
the cue, and the rest of the paragraph is what was said, word for word (a direct
quote). A turn carries on over the next paragraphs while they reopen a quote mark, as a
multi-paragraph quote does, up to the next label or a stage note such as
``(CROSSTALK.)``.

One labelled paragraph is not a transcript: "CLARIFICATION: …" or "UPDATE: …" are
notes of the newsroom, so such words never count and an article needs at least two
turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.extract.quotes import DOUBLE_MARKS

DASHES = "—–―"
# A dialogue turn: a paragraph that opens with a dash ("— It will, in June.").
DASH_TURN = re.compile(r"[" + DASHES + r"][ \t]+(?=\S)")

LABEL = re.compile(r"([" + DOUBLE_MARKS + DASHES + r"]?)[ \t]*"
                   r"((?:[A-Z][A-Z'’.-]*[A-Z.])(?:[ \t]+[A-Z][A-Z'’.-]*[A-Z.]){0,2}):[ \t]+(?=\S)")
# Newsroom labels that are not speakers.
NOT_SPEAKERS = frozenset("""
update updated correction clarification note editor editors editor's editor’s watch read
related video photo photos more breaking exclusive source sources listen see also
transcript advertisement disclosure warning spoiler spoilers q a
""".split())
STAGE_NOTE = re.compile(r"\A\W*\([^()]*\)\W*\Z")


@dataclass
class Turn:
    label: tuple[int, int] | None     # the speaker label; None: the interviewee of a dash dialogue
    colon: int                        # offset of the colon (the cue)
    spans: list[tuple[int, int]]      # what was said, one span per paragraph
    paragraphs: tuple[int, int]       # [first, last] paragraph index

    def covers(self, offset: int, paragraph_spans: list[tuple[int, int]]) -> bool:
        lo = paragraph_spans[self.paragraphs[0]][0]
        hi = paragraph_spans[self.paragraphs[1]][1]
        return lo <= offset <= hi


def _label(text: str, lo: int, hi: int) -> re.Match[str] | None:
    m = LABEL.match(text, lo, hi)
    if m is None:
        return None
    words = [w.strip(".'’-").lower() for w in m.group(2).split()]
    if any(w in NOT_SPEAKERS for w in words) or sum(ch.isalpha() for ch in m.group(2)) < 2:
        return None
    return m


def _content(text: str, lo: int, hi: int) -> tuple[int, int]:
    """The said text of a paragraph from ``lo``: without the quote mark a transcript
    leaves open, or closes at its very end."""
    end = hi
    while end > lo and text[end - 1].isspace():
        end -= 1
    chunk = text[lo:end]
    if chunk and chunk[-1] in DOUBLE_MARKS and sum(ch in DOUBLE_MARKS for ch in chunk) % 2:
        end -= 1
    return lo, end


def find_turns(text: str, paragraphs: list[tuple[int, int]]) -> list[Turn]:
    """The turns of a transcript in the article, or [] when it holds none."""
    labelled = [(k, m) for k, (lo, hi) in enumerate(paragraphs) if (m := _label(text, lo, hi))]
    if len(labelled) < 2:
        return dash_turns(text, paragraphs)
    turns: list[Turn] = []
    starts = {k for k, _ in labelled}
    for k, m in labelled:
        lo, hi = paragraphs[k]
        spans = [_content(text, m.end(), hi)]
        last = k
        if m.group(1) and m.group(1) in DOUBLE_MARKS:
            # A quoted transcript: the turn goes on while paragraphs reopen the quote.
            j = k + 1
            while j < len(paragraphs) and j not in starts:
                plo, phi = paragraphs[j]
                if text[plo] not in DOUBLE_MARKS or STAGE_NOTE.match(text[plo:phi]):
                    break
                spans.append(_content(text, plo + 1, phi))
                last = j
                j += 1
        spans = [(a, b) for a, b in spans if b > a]
        if spans:
            turns.append(Turn(m.span(2), m.end(2), spans, (k, last)))
    return turns


def dash_turns(text: str, paragraphs: list[tuple[int, int]]) -> list[Turn]:
    """An interview printed as a dialogue of dash-led paragraphs, without labels:

        — Will the pier reopen?
        — It will, in June.

    Questions (ending in "?") are the interviewer's; the other turns are the
    interviewee's answers, each a direct quote whose cue is its dash. Two dash-led
    paragraphs in a row make a dialogue; a lone dash is an aside.
    """
    led = [k for k, (lo, hi) in enumerate(paragraphs) if DASH_TURN.match(text, lo, hi)]
    in_run = {k for k in led if k - 1 in led or k + 1 in led}
    turns: list[Turn] = []
    for k in sorted(in_run):
        lo, hi = paragraphs[k]
        m = DASH_TURN.match(text, lo, hi)
        assert m is not None
        a, b = _content(text, m.end(), hi)
        if b > a and not text[a:b].rstrip("”\"' ").endswith("?"):
            turns.append(Turn(None, lo, [(a, b)], (k, k)))
    return turns
