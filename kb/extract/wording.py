"""How the article itself writes a name: the evidence that overrules the recognizer's label.

The small NER model labels many people and places ORG; the registry asks the article's
own words: is "DuVernay" written after a first name ("Ava DuVernay"), "Holt" after a
role noun ("moderator Lester Holt"), "Review" only inside a longer name ("National
Review"), "WASHINGTON" only as a dateline?

Each question is about the places where the name stands. :class:`Wording` indexes the
words of one article once, so a question looks at those few places and not at the whole
text: the registry asks for every organisation it meets, and an article may name hundreds.
Every answer is what a left-to-right regex scan of the whole text gives (non-overlapping
matches included).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from kb.extract.layout import dateline, title_case
from kb.extract.lexicon import (COMMON_NOUNS, MEDIA_NAME_WORDS, NAME_LEADS, NOT_FIRST_NAMES, ORG_WORDS,
                                PARTY_LEADS, PERSON_ROLES, TITLES)
from kb.extract.names import is_role

__all__ = ["Wording"]

_RUN = re.compile(r"\w+")
_FIRST = re.compile(r"[A-Z][a-z][\w’'-]*|[A-Z]\.")
# Up to three capitalized words right before a name (ending where the name starts).
_GIVEN = re.compile(r"(?:[A-Z][\w’'.-]*\s+){1,3}\Z")
_CAP_WORD = re.compile(r"[A-Z][\w’'.-]*\s+")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Sen|Rep|Gov|Dr)\.?\Z")
_ROLE_WORD = re.compile(r"[\w.]+\Z")
_NOT_FIRST = NOT_FIRST_NAMES | NAME_LEADS | COMMON_NOUNS | ORG_WORDS | MEDIA_NAME_WORDS | PARTY_LEADS | {
    t.casefold() for t in TITLES}
# How far back three capitalized words may start: long enough for any real name.
_REACH = 300


def _first_name(word: str) -> bool:
    low = word.casefold()
    return bool(_FIRST.fullmatch(word)) and low not in _NOT_FIRST and low.rstrip("s") not in _NOT_FIRST


class Wording:
    """The text of one article and, built on first use, where each of its words stands."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._runs: dict[str, list[int]] | None = None  # word (\w+ run) -> its offsets
        self._lines: list[int] | None = None  # offset of each line start
        self._headline: dict[int, bool] = {}  # line start -> whether the line is a headline

    def at(self, name: str) -> Iterator[int]:
        """The offsets where ``name`` is written, starting where a word starts (any
        match of ``\\bname`` or of ``\\sname``), in order."""
        if self._runs is None:
            self._runs = {}
            for m in _RUN.finditer(self.text):
                self._runs.setdefault(m.group(0), []).append(m.start())
        head = _RUN.search(name)
        if head is None:
            return
        for start in self._runs.get(head.group(0), ()):
            pos = start - head.start()
            if pos >= 0 and self.text.startswith(name, pos):
                yield pos

    def _line(self, at: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [0] + [m.end() for m in re.finditer(r"\n", self.text)]
        k = bisect_right(self._lines, at) - 1
        hi = self._lines[k + 1] - 1 if k + 1 < len(self._lines) else len(self.text)
        return self._lines[k], hi

    def _in_headline(self, at: int) -> bool:
        lo, hi = self._line(at)
        if lo not in self._headline:
            self._headline[lo] = title_case(self.text[lo:hi], min_words=3)
        return self._headline[lo]

    def full_names(self, word: str) -> set[str]:
        """The personal names the text writes ending in ``word`` ("Ava DuVernay" for
        "DuVernay"): one or two first names (and initials) right before it."""
        out: set[str] = set()
        after = re.compile(re.escape(word) + r"\b")
        done = 0  # the end of the last match: a scan goes on from there
        for pos in self.at(word):
            if pos < done or not after.match(self.text, pos):
                continue
            lead = _GIVEN.search(self.text, max(done, pos - _REACH), pos)
            if lead is None:
                continue
            # From where the first words start, a scan takes as many words as reach a
            # mention (three at most): "Bill Clinton Hillary Clinton" is one match.
            start, end, words = lead.start(), pos, lead.group(0)
            at = start
            for _ in range(3):
                step = _CAP_WORD.match(self.text, at)
                if step is None:
                    break
                at = step.end()
                if at > pos and after.match(self.text, at):
                    end, words = at, self.text[start:at]
            done = end + len(word)
            if self._in_headline(start):
                continue  # a headline capitalizes every word: "Derelict Obama and Clinton"
            before = words.split()
            k = len(before)
            while k and _first_name(before[k - 1]):
                k -= 1
            given = before[k:]
            if given and not given[0].endswith("."):
                out.add(" ".join(given + [word]))
        return out

    def personal(self, name: str) -> bool:
        """Whether the text writes ``name`` as a person's: right after a role noun ("moderator
        Lester Holt", "Foreign Minister Jean-Marc Ayrault"), or its last word after a
        personal honorific ("Mr. Murdoch", "Sen. Cruz")."""
        text = self.text
        after = re.compile(re.escape(name) + r"\b")
        done = 0
        for pos in self.at(name):
            space = pos
            while space > done and text[space - 1].isspace():
                space -= 1
            if pos < done or space == pos or not after.match(text, pos):
                continue
            role = _ROLE_WORD.search(text, max(done, space - _REACH), space)
            if role is None:
                continue
            done = pos + len(name)
            if is_role(role.group(0)) and role.group(0).casefold() not in ORG_WORDS:
                return True
        last = name.split()[-1]
        after = re.compile(re.escape(last) + r"\b")
        for pos in self.at(last):
            space = pos
            while space and text[space - 1].isspace():
                space -= 1
            if space < pos and after.match(text, pos) and _HONORIFIC.search(text, max(0, space - 4), space):
                return True
        # "Fiorina, the former Hewlett-Packard CEO who …": an apposition headed by a role.
        apposition = re.compile(r"\b" + re.escape(last) + r",\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){0,5}?([\w’'-]+)"
                                r"(?=[,.;]|\s+(?:who|of|at|for|and)\b)")
        done = 0
        for pos in self.at(last):
            m = apposition.match(text, pos) if pos >= done else None
            if m is not None:
                done = m.end()
                if m.group(1).casefold() in PERSON_ROLES:
                    return True
        return False

    def fragment(self, word: str) -> bool:
        """Whether every time the text writes ``word`` it is part of a longer capitalized
        name ("National Review", "Principles PAC"): the recognizer cut the name short."""
        text = self.text
        whole = re.compile(r"\b" + re.escape(word) + r"\b")
        seen = False
        done = 0
        for pos in self.at(word):
            m = whole.match(text, pos) if pos >= done else None
            if m is None:
                continue
            seen, done = True, m.end()
            after = re.match(r"[ \t]+([A-Z][\w’'.-]*)", text[m.end():m.end() + 40])
            before = re.search(r"([A-Z][\w’'.-]*)[ \t]+$", text[max(0, m.start() - 40):m.start()])
            if not (after and after.group(1).casefold() not in _NOT_FIRST
                    or before and before.group(1).casefold() not in _NOT_FIRST):
                return False
        return seen

    def dateline(self, name: str) -> bool:
        """"WASHINGTON — …": ``name`` opens a line as a dateline's place, so it is no speaker."""
        after = re.compile(re.escape(name) + r"\b")
        for pos in self.at(name):
            lo, _hi = self._line(pos)
            if not self.text[lo:pos].strip(" \t") and after.match(self.text, pos) and dateline(self.text, pos):
                return True
        return False
