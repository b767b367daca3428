"""Indirect speech (paraphrase claims), each rule on a small sentence written for the test."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kb.errors import ExtractionError
from kb.extract import extract_text
from kb.extract.paraphrase import reports

DATE = datetime.date(2021, 5, 20)


def claims(text: str) -> list[tuple]:
    try:
        record: dict[str, Any] = extract_text(text, date=DATE)
    except ExtractionError as exc:  # pragma: no cover - depends on the environment
        pytest.fail(str(exc))
    out = []
    for c in record["claims"]:
        speaker, cue = c["speaker"] or {}, c["cue"] or {}
        assert c["text"] == text[c["start"]:c["end"]]
        out.append((c["kind"], c["text"], speaker.get("name"), speaker.get("start"), cue.get("text")))
    return out


def test_participle_after_a_quote_is_a_statement_of_its_own() -> None:
    assert claims("“We will win,” Tom Reed said, adding that the plan was fine.") == [
        ("direct-quote", "We will win,", "Tom Reed", 15, "said"),
        ("paraphrase", "the plan was fine", "Tom Reed", 15, "adding"),
    ]


def test_object_of_a_quote_cue_goes_with_the_quote() -> None:
    # "Deif" is not a paraphrase of its own: the quote carries what Qaani said of him.
    assert claims("Qaani praised Deif as a “living martyr” in the letter.") == [
        ("partial-quote", "living martyr", "Qaani", 0, "praised"),
    ]


def test_headline_with_a_name_and_a_colon() -> None:
    assert claims("Obama: I’m optimistic Americans will say no to Trump.") == [
        ("paraphrase", "I’m optimistic Americans will say no to Trump", "Obama", 0, ":"),
    ]


def test_headline_in_title_case() -> None:
    text = "Clinton Hid Past Health Problems From Public, Former White House Doctor Says."
    assert reports(text) and not reports("He flew to the United States.")
    assert claims(text) == [
        ("paraphrase", "Clinton Hid Past Health Problems From Public", "House Doctor", 59, "Says"),
    ]


def test_relative_clause_with_who_is_the_antecedents_stance() -> None:
    assert claims("Senator Mitch McConnell, who endorsed Donald Trump in May, stayed silent.") == [
        ("paraphrase", "Donald Trump", "Mitch McConnell", 25, "endorsed"),
    ]


def test_stance_noun_with_a_to_clause() -> None:
    assert claims("Ambassador Nikki Haley criticized President Obama's decision to lift the sanctions.") == [
        ("paraphrase", "President Obama's decision to lift the sanctions", "Nikki Haley", 11, "criticized"),
    ]
    assert claims("Obama's decision to lift the sanctions surprised Congress.") == [
        ("paraphrase", "to lift the sanctions", "Obama", 0, "decision"),
    ]


def test_preposition_object_of_a_stance_verb() -> None:
    assert claims("Senator Tom Reed has talked about trade for years.") == [
        ("paraphrase", "trade", "Tom Reed", 8, "talked"),
    ]


def test_passive_subject_is_not_the_speaker() -> None:
    # The peacekeepers are accused; who accuses them is not said.
    assert claims("Peacekeepers were accused of hurting the civilians.") == []
    # The one asked is not who asks.
    assert [c for c in claims("Asked about the polls, Marco Rubio said nothing.") if c[4] == "Asked"] == []


def test_clause_after_the_verb_is_its_content() -> None:
    assert claims("It is unlikely; Clinton’s team says she will continue her march toward Election Day.") == [
        ("paraphrase", "she will continue her march toward Election Day", "Clinton’s team", 16, "says"),
    ]


def test_reported_clause_ends_where_a_branch_goes_on_to_quote() -> None:
    # The parser hangs "telling …, “…”" on "saw": the paraphrase is the clause before it.
    text = "Carson said he saw no need to change anything about his campaign, telling Stephanopoulos, “We are doing fine.”"
    assert claims(text) == [
        ("paraphrase", "he saw no need to change anything about his campaign", "Carson", 0, "said"),
        ("partial-quote", "We are doing fine.", "Carson", 0, "telling"),
    ]


def test_a_name_the_parser_hung_on_the_phrase_before_still_speaks() -> None:
    # spaCy makes "Marcel Lehel Lazar" an apposition of "plea", leaving "said" without a subject.
    text = "As a part of his plea, Marcel Lehel Lazar, 44, said that he victimized nearly 100 Americans."
    assert claims(text) == [("paraphrase", "he victimized nearly 100 Americans", "Marcel Lehel Lazar", 23, "said")]


def test_the_question_put_is_what_asked_reports() -> None:
    assert claims("Then Mr. Rubin asked the students if they were always so preternaturally serious.") == [
        ("paraphrase", "they were always so preternaturally serious", "Rubin", 9, "asked")]


def test_a_statement_issued_speaks_for_its_issuer() -> None:
    # "saying" describes the statement (an acl participle), and the statement's words are
    # whoever issued it: the subject of "issued", not the statement.
    text = "Mitch McConnell issued a statement saying that the Senate should not confirm a nominee."
    assert claims(text) == [
        ("reported-fact", text, None, None, None),
        ("paraphrase", "the Senate should not confirm a nominee", "Mitch McConnell", 0, "saying"),
    ]
