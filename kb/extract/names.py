"""Is it a name? The words of a mention read as a person's or an organisation's name, or not.

The recognizer and the parser hand the registry whatever stands where a name could:
"The president", "Everything Trump", "74 percent", "surgery", "Clinton's plan",
"spokesman Jason Miller". Only names become people and organisations; the rest is a
description, which the registry resolves to the person holding the role it names
("the president" -> the one President met), or leaves to be an anonymous source.

The rules are lexical, over the word lists in :mod:`kb.extract.lexicon`: a name has a
capitalized word that is not a determiner, a quantity or a common noun, and its head
(last word) is capitalized, unless it is a word that keeps a name an organisation's
("the Clinton campaign"). Callers that have the parse say whether any token was a
proper noun (``proper``), which catches capitalized common nouns that open a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.extract.lexicon import (COMMON_NOUNS, MEDIA_NAME_WORDS, NAME_JOINERS, NAME_LEADS, NAME_PARTICLES,
                                NOT_FIRST_NAMES, NUMBER_WORDS, ORG_HEADS, ORG_WORDS, PARTY_LEADS, PERSON_ROLES,
                                REPORTING_FORMS, TITLES, lemma_of)

PERSON, ORG, MEDIA_ORG, PLACE, ANON = "Person", "Organization", "NewsMediaOrganization", "Place", "Anonymous"

_POSSESSIVE = re.compile(r"(?:['’‘]s|s['’‘])$")
_NUMBER = re.compile(r"(?:[$€£]?\d[\d.,:/%]*(?:s|st|nd|rd|th|-\w+)*|%)$", re.IGNORECASE)
# "(D-Newport News)", "R-Texas": a party and a place, not an entity.
_DESIGNATION = re.compile(r"^[DRI]-[A-Z]")
# "al-Qassam", "iPhone": lowercase first letter, yet a name word.
_INNER_CAPITAL = re.compile(r"^(?:(?:al|el|ul|ud|ad|an|ar|as|at|az|ash|bin|ibn|ben|abu)-[A-Z]|[a-z][A-Z])")
# "Del.", "Fla.": a state abbreviated after a party letter ("D-Del."), not an organisation.
_STATE_ABBREVIATION = re.compile(r"^[A-Z][a-z]{1,3}\.$")
# Plural nouns for groups of people ("Americans", "Democrats", "Catholics"): a group, not a body.
_PEOPLE_PLURAL = re.compile(r"(?:ans|ats|ics|ists|ites|ims)$")
# Adjectives the recognizer labels NORP ("Japanese", "Islamophobic", "Salafist").
_ADJECTIVE = re.compile(r"(?:ese|ical|ic|ist|ish)$")
_CALENDAR = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december
""".split())
# Occupations written like titles before a name ("Actress Amandla Stenberg").
_PRE_NAME_ROLES = frozenset("""
actress actor author billionaire millionaire singer rapper comedian filmmaker activist
novelist businessman businesswoman entrepreneur economist pastor bishop coach archbishop
assemblyman assemblywoman supervisor hacker celebrity celebrities
""".split())
# Number words that count people ("one of his aides", "two dozen"), unlike units ("percent").
_COUNTS = NUMBER_WORDS - frozenset("percent percentage per cent points point".split())
_HEADLINE_VERBS = frozenset("""
tells says slams blasts warns urges admits vows asks denies accuses mocks praises defends
explains reveals insists confirms
""".split())
_NOT_GIVEN = NOT_FIRST_NAMES - frozenset("april may june august".split())
_SHORT_TITLES = frozenset("mr mrs ms dr gov sen rep".split())
# A sentence break inside a name: "Ariana Huichapa. Getty" (a photo credit).
_BREAK = re.compile(r"(?<=[a-z]{2})\.\s+\S")
_DASH = frozenset("- – — ―".split())
_TITLE_WORDS = frozenset(t.casefold() for t in TITLES)
_ROLE_SUFFIX = re.compile(r"(?:man|woman|person|ist|er|or)$")
# The outlets' own heads: a "person" named "Washington Post" is the newspaper.
_OUTLET_HEADS = frozenset("post times news journal herald tribune gazette network channel magazine".split())


@dataclass(frozen=True)
class Reading:
    """What a mention's words are: a name of ``type`` (``name`` set), or a description
    (``name`` None) naming a person by ``role`` ("president"), if they name one."""

    name: str | None
    type: str
    role: str | None = None


def is_name_word(word: str) -> bool:
    """Capitalized ("Qaani", "al-Qassam", "iPhone"), or a digit-led code ("3M")."""
    word = word.lstrip("\"“‘'(")  # "Marcia “Cia” Price"
    return word[:1].isupper() or bool(_INNER_CAPITAL.match(word)) or (word[:1].isdigit() and not _NUMBER.match(word))


def is_quantity(words: list[str]) -> bool:
    """"74 percent", "Another 19 percent", "2016", "Twelve percent": numbers, never entities."""
    low = [w.casefold().strip(",.") for w in words]
    if any(w in ("percent", "%", "percentage") for w in low):
        return True
    return bool(low) and all(w in NUMBER_WORDS or _NUMBER.match(w) for w in low)


def nameless(name: str) -> bool:
    """Words that never stand for anyone, by name or by description: a party and a place
    ("R-Texas"), a figure ("74 percent", "2016"). Number words alone may ("told one of
    his aides": "one")."""
    words = name.split()
    return bool(_DESIGNATION.match(name)) or is_quantity(words) and not all(
        w.casefold().strip(",.") in _COUNTS for w in words)


def is_role(word: str) -> bool:
    w = word.casefold().rstrip(".")
    return w in PERSON_ROLES or w in _TITLE_WORDS or (len(w) > 4 and bool(_ROLE_SUFFIX.search(w))
                                                      and w not in COMMON_NOUNS)


def _description(words: list[str], type_: str) -> Reading:
    """Words that name nobody by name: a role holder if the head is a role noun."""
    head = words[-1].casefold().rstrip(".") if words else ""
    return Reading(None, type_, head if head and is_role(head) and type_ in (PERSON, ORG) else None)


def read_name(name: str, type_: str) -> Reading:
    """How the registry should take ``name``, offered as a ``type_`` (see the module)."""
    if type_ == ANON:
        return Reading(name, type_)
    words = name.split()
    if not words or _DESIGNATION.match(name) or is_quantity(words):
        return Reading(None, type_)
    if type_ == PLACE:
        while len(words) > 1 and words[0].casefold() in NAME_LEADS:
            words = words[1:]
        ok = is_name_word(words[0]) and not is_quantity(words)
        return Reading(" ".join(words) if ok else None, type_)
    if len(words) > 1 and all(w.isupper() for w in words) and any(len(w) > 4 for w in words):
        return Reading(None, type_)  # a shouted headline or a dateline: "NEW YORK", "OZ’S BOSS"
    words = _trimmed(name, words, type_)
    # A headline's verb after the name: "Howard Dean Tells …", "Board Of Election Finds".
    verb = next((k for k, w in enumerate(words) if k and _inflected_cue(w)), None)
    words = words[:verb] if verb else words
    if type_ == PERSON:
        while len(words) > 1 and _title_word(words[0]):
            words = words[1:]  # "Gov Fallin", "Archbishop Aris Shirvanian"
    if not words:
        return Reading(None, type_)
    possessive = _possessive(words, type_)
    if possessive is not None:
        return possessive
    # Lowercase words before the name: "spokesman Jason Miller", "federal Securities …".
    lead: list[str] = []
    while words and not is_name_word(words[0]) and words[0].casefold() not in NAME_PARTICLES:
        lead.append(words.pop(0))
    if not words:
        return _description(lead, type_)
    inner = [w for w in words[:-1] if not is_name_word(w) and w.casefold() not in NAME_JOINERS | NAME_PARTICLES]
    if not is_name_word(words[-1]):
        # A lowercase head: "Clinton campaign" is an organisation, "IMF report" and
        # "California congressman" are descriptions.
        if words[-1].casefold() in ORG_HEADS and type_ != PERSON and not inner:
            return _checked(words, ORG)
        return _description(words, type_)
    if inner:
        return _description(words, type_)  # "Hulu streams Ora", a phrase rather than a name
    if lead and type_ != PERSON and is_role(lead[-1]) and not looks_org(words):
        type_ = PERSON  # "spokesman Jason Miller", "candidate Donald Trump"
    # A role before the name inside it: "NYPD Commissioner James O’Neill", "Actress
    # Amandla Stenberg", "Reps. Chris Collins".
    title = next((k for k, w in enumerate(words[:-2]) if _title_word(w)), None)
    if title is not None and 2 <= len(words) - title - 1 <= 3 and not looks_org(words[title + 1:]) \
            and (type_ == PERSON or title or not looks_org(words)):
        return _checked(words[title + 1:], PERSON)
    if type_ == PERSON:
        last = words[-1].casefold()
        if last in ORG_WORDS and len(words) > 1:
            type_ = ORG  # "Tulsa Police Department", "Tax Foundation"
        elif last in _OUTLET_HEADS and len(words) > 1:
            type_ = MEDIA_ORG  # "Washington Post"
        elif len(words) > 1 and (last in PERSON_ROLES or last.rstrip("s") in PARTY_LEADS or last in COMMON_NOUNS):
            return _description(words, type_)  # "Charlotte Mayor", "Arizona Republican", "New Poll"
        elif len(words) > 1 and words[0].casefold() in _NOT_GIVEN:
            type_ = ORG  # "United States", "North Carolina": never a first name
        elif len(words) > 2 and words[0].casefold() in PARTY_LEADS:
            words = words[1:]  # "Democrat Hillary Clinton"
    return _checked(words, type_)


def _trimmed(name: str, words: list[str], type_: str) -> list[str]:
    """The words without what runs past the name ("Ariana Huichapa. Getty", "Vikings -
    while", "Obama, party") and without the determiners and openers before it."""
    if type_ == PERSON and (m := _BREAK.search(name)):
        words = name[:m.start() + 1].rstrip(".").split()
    cut = next((k for k, w in enumerate(words) if w in _DASH), None)
    words = words[:cut] if cut else words
    comma = next((k for k, w in enumerate(words[:-1]) if w.endswith(",")), None)
    if comma is not None and not all(is_name_word(w) for w in words[comma + 1:]):
        words = words[:comma + 1]
        words[-1] = words[-1].rstrip(",")
    # Determiners and openers: "The president", "Everything Trump", "Fellow Republicans".
    # An outlet keeps its article: "The New York Times", "The New Yorker".
    keep_the = (words[0] == "The" and len(words) > 1 and all(is_name_word(w) or w.casefold() in NAME_JOINERS
                                                             for w in words[1:])
                and any(w.casefold() in MEDIA_NAME_WORDS for w in words[1:]))
    while words and words[0].casefold() in NAME_LEADS and not keep_the:
        words = words[1:]
    return words


def _possessive(words: list[str], type_: str) -> Reading | None:
    """"Clinton's plan" (a description), "Trump’s campaign" (the Trump campaign), "NBC’s
    Dante Chinni" (a person), "Clinton’s State Department"; None without a possessive."""
    k = next((k for k, w in enumerate(words[:-1]) if _POSSESSIVE.search(w)), None)
    if k is None:
        return None
    owner, rest = words[:k + 1], words[k + 1:]
    if not all(is_name_word(r) or r.casefold() in NAME_JOINERS for r in rest):
        if rest[-1].casefold() in ORG_HEADS and len(rest) == 1 and all(is_name_word(o) for o in owner):
            return Reading(" ".join(owner[:-1] + [_POSSESSIVE.sub("", owner[-1])] + rest), ORG)
        return read_name(" ".join(rest), type_)
    if looks_org(rest):
        return read_name(" ".join(rest), ORG if type_ == PERSON else type_)
    if any(r.casefold() in NAME_JOINERS for r in rest):
        return None  # "Democratic People's Republic of Korea": the possessive is part of the name
    # "London’s Raheem" is Raheem, "NBC’s Dante Chinni" a person, "Iran’s Hezbollah" Hezbollah.
    return read_name(" ".join(rest), PERSON if len(rest) in (2, 3) else type_)


def _inflected_cue(word: str) -> bool:
    """"Tells", "Explained", "Questioned": a reporting verb's inflected form, capitalized
    in a headline ("Said" is also a surname)."""
    low = word.casefold()
    if not word[:1].isupper() or low not in REPORTING_FORMS or low == "said" or lemma_of(low) == low:
        return False
    # "-s" forms are mostly plural nouns in a name ("United States", "Tax Notes").
    return not low.endswith("s") or low in _HEADLINE_VERBS


def _title_word(word: str) -> bool:
    """A title or a role written before a name ("Commissioner", "Actress", "Reps.")."""
    low = word.casefold()
    return word[:1].isupper() and (low in _TITLE_WORDS or low.endswith("s.") and low[:-2] + "." in _TITLE_WORDS
                                   or low in _SHORT_TITLES
                                   or low.rstrip(".") in PERSON_ROLES or low in _PRE_NAME_ROLES)


def _checked(words: list[str], type_: str) -> Reading:
    """The last checks on a name's words: no lone common noun, title, day or function word."""
    if len(words) == 1:
        low = words[0].casefold().rstrip(".")
        if low in COMMON_NOUNS or low in NAME_LEADS or low in _TITLE_WORDS or low in NAME_JOINERS:
            return _description(words, type_)
        if (_STATE_ABBREVIATION.match(words[0]) or low in _CALENDAR
                or type_ != PERSON and _ADJECTIVE.search(low) and not words[0].isupper()
                or _PEOPLE_PLURAL.search(low) and not words[0].isupper() and (type_ != PERSON or len(low) > 6)):
            return Reading(None, type_)
    return Reading(" ".join(words), type_)


def looks_org(words: list[str]) -> bool:
    """Words with an organisation's or an outlet's word ("Committee", "Network")."""
    return any(_POSSESSIVE.sub("", w).casefold() in ORG_WORDS | MEDIA_NAME_WORDS for w in words)
