"""Reading article files and resolving dates (no spaCy needed)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kb.errors import InputError, ParseError
from kb.extract.article import body_start, paragraphs, read_article
from kb.extract.dates import resolve
from kb.extract.quotes import find_quotes
from kb.extract.segment import split_sentences

THURSDAY = datetime.date(2021, 5, 20)


def test_read_article_keeps_text_exactly(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(" date 2021-05-20 First line.\r\n\r\nSecond “line”.\r\n".encode("utf-8"))
    text, date = read_article(f)
    assert text == " date 2021-05-20 First line.\r\n\r\nSecond “line”.\r\n"
    assert date == THURSDAY
    assert body_start(text) == 17


def test_read_article_without_date_line(tmp_path: Path) -> None:
    f = tmp_path / "b.txt"
    f.write_text("No date here.", encoding="utf-8")
    assert read_article(f) == ("No date here.", None)


def test_read_article_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    with pytest.raises(ParseError):
        read_article(bad)
    with pytest.raises(InputError):
        read_article(tmp_path / "missing.txt")


@pytest.mark.parametrize("expr, value", [
    ("Thursday", "2021-05-20"), ("on Thursday".split()[1], "2021-05-20"), ("Monday", "2021-05-17"),
    ("last Thursday", "2021-05-13"), ("yesterday", "2021-05-19"), ("today", "2021-05-20"),
    ("this week", "2021-W20"), ("last week", "2021-W19"), ("last month", "2021-04"),
    ("last year", "2020"), ("May 3", "2021-05-03"), ("Sept. 19", "2020-09-19"),
    ("in March", "2021-03"), ("March 4, 2019", "2019-03-04"),
])
def test_relative_dates(expr: str, value: str) -> None:
    assert resolve(expr, THURSDAY) == value


def test_relative_date_needs_article_date() -> None:
    assert resolve("Thursday", None) is None
    assert resolve("March 4, 2019", None) == "2019-03-04"


def test_quotes_and_sentences() -> None:
    text = "Brig.-Gen. Omar Tal spoke. “One. Two,” he said. He left 'quietly'.\n\n“Three.\n\n“Four.”"
    pars = paragraphs(text)
    quotes = find_quotes(text, pars)
    assert [q.content(text) for q in quotes] == ["One. Two,", "Three.\n\n“Four."]
    sents = [s.text(text) for s in split_sentences(text, pars, quotes)]
    assert sents == ["Brig.-Gen. Omar Tal spoke.", "“One. Two,” he said.", "He left 'quietly'.",
                     "“Three.\n\n“Four.”"]


def test_straight_quote_direction_from_context() -> None:
    text = 'He said "yes," and then "no" again; she wrote ”maybe.”'
    quotes = find_quotes(text, paragraphs(text))
    assert [q.content(text) for q in quotes] == ["yes,", "no", "maybe."]
