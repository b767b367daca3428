"""Words for matching: what a tweet and a fact-check's claim have in common.

Tweets carry URLs, @handles, #CamelCaseHashtags and a "— Name (@handle) date"
trailer; fact-checks are plain prose. Both go through the same steps: URLs
dropped (t.co links carry no words), handles and hashtags split into words
("#DefundTheCBC" → "defund the cbc"), stop words dropped, Snowball-stemmed.
The trailer is kept: on CLEF-2020 the tweeter's name helps more than it hurts
(train MAP@5 0.831 with it, 0.797 without, measured while tuning).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

__all__ = ["tokens", "STOP_WORDS"]

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+", re.IGNORECASE)
_TAG = re.compile(r"[#@](\w+)")
# Word boundaries inside a CamelCase or letters-and-digits run: "DefundTheCBC2020" → Defund The CBC 2020.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")

STOP_WORDS = frozenset("""
a an the and or but if of at by for with about against between into through during before after above below to
from up down in out on off over under again further then once here there when where why how all any both each
few more most other some such no nor not only own same so than too very s t can will just don should now i me my
myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its
itself they them their theirs themselves what which who whom this that these those am is are was were be been
being have has had having do does did doing would could ought i'm you're he's she's it's we're they're i've
you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't
weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't
mustn't let's that's who's what's here's there's when's where's why's how's
""".split())

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def _split_tag(m: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", m.group(1)) + " "


def tokens(text: str) -> list[str]:
    """The stemmed content words of ``text``, in order, repeats kept."""
    text = _TAG.sub(_split_tag, _URL.sub(" ", text))
    out = []
    for word in _WORD.findall(text):
        word = word.lower().replace("’", "'")
        if word in STOP_WORDS:
            continue
        if word.endswith("'s"):
            word = word[:-2]
        out.append(_stem(word))
    return out
