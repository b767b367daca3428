"""The merged layout and wording helpers: the headline test, the dateline test, the
per-article name questions and the anonymous-party fallback, on exact inputs."""

from __future__ import annotations

import re

import pytest

from kb.extract.entities import ANON, ORG, PERSON, Registry
from kb.extract.layout import dateline, title_case
from kb.extract.names import nameless
from kb.extract.wording import Wording, _first_name


@pytest.mark.parametrize(("line", "min_words", "expected"), [
    ("Clinton Hid Past Health Problems From Public, Former White House Doctor Says", 4, True),
    ("He flew to the United States.", 4, False),
    ("Derelict Obama and Clinton", 4, False),  # three words longer than three letters
    ("Derelict Obama and Clinton", 3, True),
    ("Why Republicans Won’t Renounce Trump.", 4, True),  # "Won’t" is one word
    ("Clinton said Past Health Problems", 4, True),  # 4 of 5 capitalized: 80%
    ("Clinton said past Health Problems", 4, False),  # 3 of 5
])
def test_title_case(line: str, min_words: int, expected: bool) -> None:
    assert title_case(line, min_words=min_words) is expected


@pytest.mark.parametrize(("text", "end"), [
    ("LONDON (Reuters) - Donald Trump said", 19),
    ("RENO, Nev. (AP) — Trump said", 18),
    ("PHILADELPHIA, July 25 (UPI) — The", 30),
    ("Washington (AFP) – The", 19),
    ("CHARLESTON, S.C.\xa0— In the fall", 19),
    ("WASHINGTON ― Donald", 13),
    ("BOSTON —Standing in front", 8),
    ("SIEGEL--Jerome Arthur", 8),
    ("U.S.-led forces said", None),  # a compound, not a dateline
    ("Washington said on Monday", None),
    ("NATO said - on Monday", None),
])
def test_dateline(text: str, end: int | None) -> None:
    assert dateline(text) == end


def test_dateline_at_an_offset() -> None:
    assert dateline("Intro.\nLONDON — A", 7) == 16
    assert dateline("Intro.\nLONDON — A", 0) is None


def test_full_names() -> None:
    w = Wording("Derelict Obama, Nasty Hillary Clinton Lies Again\nThe ex-president, Bill Clinton, spoke. "
                "Ava DuVernay directed it. DuVernay said so.")
    assert w.full_names("DuVernay") == {"Ava DuVernay"}
    assert w.full_names("Clinton") == {"Bill Clinton"}  # the headline line does not count
    assert w.full_names("Obama") == set()
    assert Wording("Nasty Hillary Clinton Lies Again").full_names("Clinton") == set()
    assert Wording("She met Hillary Clinton there.").full_names("Clinton") == {"Hillary Clinton"}


def test_personal() -> None:
    w = Wording("moderator Lester Holt asked. Mr. Murdoch spoke. Fiorina, the former Hewlett-Packard CEO who ran.")
    assert w.personal("Lester Holt") and w.personal("Rupert Murdoch") and w.personal("Carly Fiorina")
    assert not Wording("Apple said it would. The Apple store.").personal("Apple")


def test_fragment_and_dateline() -> None:
    w = Wording("Principles PAC said so. The Principles PAC ads ran.\nWASHINGTON — Officials said.")
    assert w.fragment("PAC") and not w.fragment("Officials") and not w.fragment("Absent")
    assert w.dateline("WASHINGTON") and not Wording("WASHINGTON said it.").dateline("WASHINGTON")


def _scanned_full_names(text: str, word: str) -> set[str]:
    """The old whole-text scan, kept as the reference the index must agree with."""
    out: set[str] = set()
    for m in re.finditer(r"((?:[A-Z][\w’'.-]*\s+){1,3})" + re.escape(word) + r"\b", text):
        lo, hi = text.rfind("\n", 0, m.start()) + 1, text.find("\n", m.start())
        if title_case(text[lo:hi if hi >= 0 else len(text)], min_words=3):
            continue
        before = m.group(1).split()
        k = len(before)
        while k and _first_name(before[k - 1]):
            k -= 1
        if before[k:] and not before[k].endswith("."):
            out.add(" ".join(before[k:] + [word]))
    return out


@pytest.mark.parametrize(("text", "expected"), [
    # Three words reach the second "Clinton": one match, as a left-to-right scan finds it.
    ("the aide Bill Clinton Hillary Clinton met them", {"Bill Clinton Hillary Clinton"}),
    ("She said Bill Clinton and then Hillary Clinton met.", {"Bill Clinton", "Hillary Clinton"}),
    ("we saw Aa Bb Cc Dd Clinton and then xYz Clinton and later Clinton Clinton there today",
     {"Bb Cc Dd Clinton", "Yz Clinton", "Clinton Clinton"}),
])
def test_full_names_index_answers_like_a_whole_text_scan(text: str, expected: set[str]) -> None:
    assert Wording(text).full_names("Clinton") == _scanned_full_names(text, "Clinton") == expected


def test_nameless() -> None:
    assert [nameless(x) for x in ("74 percent", "2016", "Twelve percent", "R-Texas")] == [True] * 4
    assert [nameless(x) for x in ("one", "two dozen", "reporters", "Host")] == [False] * 4


def test_add_party_falls_back_to_an_anonymous_party_only_for_descriptions() -> None:
    reg = Registry("WASHINGTON — Officials said.\nHe told reporters and 74 percent of voters.")
    reporters = reg.add_party("reporters", ORG)
    assert reporters is not None and (reporters.name, reporters.type) == ("reporters", ANON)
    one = reg.add_party("one", ORG)
    assert one is not None and (one.name, one.type) == ("one", ANON)
    assert reg.add_party("74 percent", ORG) is None
    assert reg.add_party("WASHINGTON", ORG) is None
    host = reg.add_party("Host", PERSON)
    assert host is not None and (host.name, host.type) == ("Host", ANON)
    assert [e.name for e in reg.entities] == ["reporters", "one", "Host"]
