"""The reading plan of one article: its paragraphs, quotes, sentences and transcript turns,
and which sentences are worth parsing (with or without the entity recognizer).

Plain Python, so that many articles' plans can share one ``nlp.pipe`` call
(:mod:`kb.extract.pipeline`); :mod:`kb.extract.document` reads the parses.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from kb.extract.article import body_start, paragraphs
from kb.extract.lexicon import CUE_WORD, MEDIA, VENUES
from kb.extract.paraphrase import reports
from kb.extract.quotes import DOUBLE_MARKS, Quote, find_quotes, normalize_marks
from kb.extract.segment import Sentence, split_sentences
from kb.extract.transcript import Turn, find_turns

__all__ = ["Plan", "plan", "EVENT_VERBS", "EVENT_WORDS"]

# Verbs that make a statement event of their medium object ("sent a letter").
EVENT_VERBS = frozenset("""
send sent sends sending deliver delivered delivers give gave gives given issue issued
issues release released releases publish published publishes post posted posts pen penned
write wrote writes written hold held holds
""".split())
EVENT_WORDS = re.compile(r"\b(?:" + "|".join(sorted(EVENT_VERBS)) + r")\b.*\b(?:"
                         + "|".join(sorted(MEDIA | VENUES)) + r")s?\b", re.IGNORECASE)

@dataclass
class Plan:
    text: str
    date: datetime.date | None
    paragraphs: list[tuple[int, int]]
    quotes: list[Quote]
    sentences: list[Sentence]
    selected: list[int] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    light: set[int] = field(default_factory=set)  # parsed without entity recognition
    source: str = ""  # the text as read; ``text`` is its view with every quote style as “…”

    def in_turn(self, offset: int) -> bool:
        return any(t.covers(offset, self.paragraphs) for t in self.turns)

    def texts(self, light: bool = False) -> list[str]:
        """The selected sentences to parse with (or, if ``light``, without) entities."""
        return [self.sentences[i].text(self.text) for i in self.selected if (i in self.light) == light]


def plan(text: str, date: datetime.date | None) -> Plan:
    """Split the article and choose the sentences to parse.

    Sentences with a quote mark, a colon that introduces the next one, or a statement
    event get the full pipeline. Other sentences with a reporting word (for
    paraphrases) are parsed without the entity recognizer, which costs more than the
    tagger and parser together.
    """
    source, text = text, normalize_marks(text)
    pars = paragraphs(text, body_start(text))
    quotes = find_quotes(text, pars)
    sentences = split_sentences(text, pars, quotes)
    turns = find_turns(text, pars)
    chosen = set()
    light = set()
    for i, s in enumerate(sentences):
        if turns and any(t.covers(s.start, pars) for t in turns):
            continue  # a transcript turn is attributed by its label, not by parsing
        chunk = s.text(text)
        if any(m in chunk for m in DOUBLE_MARKS):
            chosen.add(i)
            # "…, Schiff said. “The other factor …”": the attribution may sit in the
            # sentence before a quote that opens its sentence.
            if i and chunk[0] in DOUBLE_MARKS and sentences[i - 1].paragraph == s.paragraph \
                    and CUE_WORD.search(sentences[i - 1].text(text)):
                chosen.add(i - 1)
        elif chunk.rstrip().endswith(":") or EVENT_WORDS.search(chunk):
            chosen.add(i)
        elif reports(chunk):
            light.add(i)
    light -= chosen
    selected = sorted(chosen | light)
    return Plan(text, date, pars, quotes, sentences, selected, turns, light, source)
