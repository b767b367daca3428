"""When two quotes are the same words: normalized tokens, shingles, and the comparison.

Quotes travel with small changes: other quote marks and punctuation, a clause
trimmed with an ellipsis, an editor's "[the IRGC]" inserted. So a quote is
compared as its lowercased word tokens without bracketed insertions, and two
quotes are the same when the tokens are equal, when the shorter is a contiguous
run of the longer (a partial quote), or when nearly all the shorter's tokens
appear in order in the longer (a light edit).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from typing import Sequence

__all__ = ["tokens", "shingles", "compare", "Match", "MIN_TOKENS", "PARAPHRASE_MIN"]

_BRACKETS = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
#: Shorter quotes ("great", "living martyr") say too little to be tracked as the same words.
MIN_TOKENS = 4
#: Below this, a light edit is a different quote.
EDIT_COVERAGE = 0.85
#: Content-word overlap (Jaccard) from which a paraphrase is proposed.
PARAPHRASE_MIN = 0.5
# Shingles skip these so that common word pairs do not make every claim a candidate.
_STOP = frozenset(
    "a an and are as at be but by for from had has have he her his i in is it its of on or our she that the their "
    "them they this to was we were will with you your not no".split()
)


def tokens(text: str) -> list[str]:
    """``“Has opened a new era [sic],” he`` → ``["has", "opened", "a", "new", "era", "he"]``."""
    folded = unicodedata.normalize("NFKC", _BRACKETS.sub(" ", text)).casefold()
    return [w.replace("’", "'") for w in _WORD.findall(folded)]


def content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in _STOP]


def shingles(words: Sequence[str]) -> set[int]:
    """Hashed pairs of consecutive content words (single words for a one-word text): the
    keys a candidate must share with a claim."""
    kept = content(words) or list(words)
    grams = [" ".join(kept[i : i + 2]) for i in range(max(1, len(kept) - 1))] if kept else []
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=7).digest(), "big") for g in grams}


class Match:
    """How two claims' words relate: ``how`` is ``same``, ``contained``, ``edit`` or ``paraphrase``."""

    __slots__ = ("how", "score")

    def __init__(self, how: str, score: float) -> None:
        self.how, self.score = how, round(score, 3)

    def __repr__(self) -> str:
        return f"Match({self.how!r}, {self.score})"


def _contains(longer: Sequence[str], shorter: Sequence[str]) -> bool:
    n = len(shorter)
    first = shorter[0]
    return any(longer[i] == first and list(longer[i : i + n]) == list(shorter) for i in range(len(longer) - n + 1))


def compare(a: Sequence[str], b: Sequence[str], *, quotes: bool) -> Match | None:
    """The relation of two token lists, or None. ``quotes``: both are quotes (same words
    count); otherwise only a paraphrase is looked for."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if quotes and len(short) >= MIN_TOKENS:
        if list(a) == list(b):
            return Match("same", 1.0)
        if _contains(long_, short):
            return Match("contained", 0.95)
        # The words both share (as multisets) bound what any alignment can match: most
        # candidates fail this cheap test, and the exact alignment below is quadratic.
        if len(short) >= MIN_TOKENS + 1 and sum((Counter(short) & Counter(long_)).values()) >= EDIT_COVERAGE * len(short):
            matcher = SequenceMatcher(None, list(short), list(long_), autojunk=False)
            matched = sum(block.size for block in matcher.get_matching_blocks())
            coverage = matched / len(short)
            if coverage >= EDIT_COVERAGE:
                ratio = 2 * matched / (len(short) + len(long_))
                return Match("edit", min(0.9, 0.5 * coverage + 0.5 * ratio))
    ca, cb = set(content(a)), set(content(b))
    if len(ca) >= 3 and len(cb) >= 3:
        jaccard = len(ca & cb) / len(ca | cb)
        if jaccard >= PARAPHRASE_MIN:
            return Match("paraphrase", jaccard)
    return None
