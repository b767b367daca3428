"""Quote-aware sentence splitting.

spaCy's small model splits sentences inside quotes and after titles such as
"Brig.-Gen.", which breaks attribution. These units are what the attribution rules
read: a quote is never cut, and a period after a known abbreviation or an initial
does not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.extract.quotes import DOUBLE_MARKS, Quote

# Lower-cased abbreviations whose period does not end a sentence. A token such as
# "Brig.-Gen" is checked piece by piece, so "brig" and "gen" cover it.
ABBREVIATIONS = frozenset("""
mr mrs ms messrs dr prof gen brig col lt maj sgt cpl capt cmdr cmdt adm gov sen rep reps
rev hon pres supt insp det atty asst amb st ste mt ft jr sr vs etc inc co corp ltd llc
no nos vol fig jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur
thurs fri sat sun u.s u.k u.n e.u d.c a.m p.m e.g i.e approx dept est univ ave blvd rd
""".split())

SENTENCE_END = re.compile(r"[.!?…]+")
CLOSERS = "”’\")]}'"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of its paragraph

    def text(self, text: str) -> str:
        return text[self.start:self.end]


def is_abbreviation(text: str, dot: int, lo: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial."""
    i = dot
    while i > lo and not text[i - 1].isspace() and text[i - 1] not in DOUBLE_MARKS + "(‘":
        i -= 1
    word = text[i:dot]
    if not word:
        return False
    if len(word) == 1 and word.isupper():
        return True  # an initial: "George W. Bush"
    low = word.lower()
    if low in ABBREVIATIONS or low.rstrip(".") in ABBREVIATIONS:
        return True
    # "Brig.-Gen", "U.S": dotted tokens whose last piece is a title or one letter.
    pieces = [p for p in re.split(r"[.\-]", low) if p]
    if len(pieces) > 1 and (pieces[-1] in ABBREVIATIONS or len(pieces[-1]) == 1):
        return True
    return False


def split_sentences(text: str, paragraphs: list[tuple[int, int]],
                    quotes: list[Quote]) -> list[Sentence]:
    """Sentences of every paragraph; a quote (even over several paragraphs) is never cut."""
    # Offsets inside a quote, so that sentence ends inside quotes are skipped.
    inside = bytearray(len(text) + 1)
    for q in quotes:
        inside[q.open + 1:q.close] = b"\x01" * max(0, q.close - q.open - 1)
    sentences: list[Sentence] = []
    start: int | None = None
    for index, (lo, hi) in enumerate(paragraphs):
        if start is None or not inside[lo]:
            if start is not None:
                sentences.append(Sentence(start, _trim_end(text, start, lo), index - 1))
            start = lo
        for m in SENTENCE_END.finditer(text, lo, hi):
            if inside[m.start()] and not (m.end() < hi and text[m.end()] in DOUBLE_MARKS
                                          and not inside[m.end()]):
                continue  # inside a quote, unless the quote closes right after: “… .” Next
            end = m.end()
            while end < hi and text[end] in CLOSERS:
                end += 1
            if end >= hi:
                continue
            if not text[end].isspace():
                continue
            nxt = end
            while nxt < hi and text[nxt].isspace():
                nxt += 1
            if nxt >= hi:
                continue
            follower = text[nxt]
            if not (follower.isupper() or follower.isdigit() or follower in DOUBLE_MARKS + "‘(["):
                continue
            if text[m.start()] == "." and m.end() - m.start() == 1 and is_abbreviation(text, m.start(), lo):
                continue
            if end > m.end() and text[end - 1] in DOUBLE_MARKS and attribution_follows(text, nxt, hi):
                continue  # “… senator!” Scott's niece shouted. - one sentence
            sentences.append(Sentence(start, end, index))
            start = nxt
        # A paragraph ends a sentence unless a quote carries on into the next one.
        if not inside[hi] or index + 1 == len(paragraphs):
            if start is not None and start < hi:
                sentences.append(Sentence(start, hi, index))
            start = None
    if start is not None:
        sentences.append(Sentence(start, _trim_end(text, start, paragraphs[-1][1]), len(paragraphs) - 1))
    return sentences


def attribution_follows(text: str, start: int, end: int) -> bool:
    """True when the words after a closing quote are its attribution ("Trump said.")."""
    from kb.extract.lexicon import CUE_WORD  # local: lexicon is heavier than this module

    if text[start] in DOUBLE_MARKS:
        return False
    stop = SENTENCE_END.search(text, start, end)
    clause = text[start:stop.start() if stop else end]
    m = CUE_WORD.search(clause)
    mark = next((i for i, ch in enumerate(clause) if ch in DOUBLE_MARKS), None)
    if mark is not None and not clause[:mark].rstrip().endswith((",", ":")):
        return False  # “…” Russia insisted that Pyongyang “stop …” - a sentence of its own
    return m is not None and len(clause[:m.start()].split()) <= 8 and len(clause.split()) <= 20


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
