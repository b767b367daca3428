"""Who a quote or paraphrase is attributed to, on small sentences written for the test.

Each case is a pattern met in news (PolNeAR train) where the parse alone gives the
wrong speaker, or a speaker where there is none.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import spacy  # noqa: F401  (a dependency of kb: missing, the tests fail)
from kb.errors import ExtractionError  # noqa: E402
from kb.extract import extract_text  # noqa: E402

DATE = datetime.date(2021, 5, 20)


def claims(text: str) -> list[tuple[Any, ...]]:
    try:
        record = extract_text(text, date=DATE)
    except ExtractionError as exc:  # pragma: no cover - depends on the environment
        pytest.fail(str(exc))
    out = []
    for c in record["claims"]:
        speaker = c["speaker"] or {}
        cue = c["cue"] or {}
        out.append((c["kind"], c["text"], speaker.get("name"), speaker.get("start"), cue.get("text")))
    return out


def test_a_dateline_is_not_the_speaker() -> None:
    text = 'LONDON (Reuters) - Donald Trump said he was unlikely to have a "good relationship" with David Cameron.'
    assert claims(text) == [("partial-quote", "good relationship", "Donald Trump", 19, "said")]


def test_a_thing_speaks_for_whoever_put_it_out() -> None:
    text = 'Bernie Sanders is releasing a new ad that urges voters in New York to "send a message" to Wall Street.'
    assert claims(text) == [("partial-quote", "send a message", "Bernie Sanders", 0, "urges")]


def test_a_free_participle_belongs_to_the_reporting_clause() -> None:
    text = ('Trump argued that a database would keep people from coming into the country illegally, '
            'saying it is "all about management."')
    assert claims(text) == [
        ("paraphrase", "a database would keep people from coming into the country illegally", "Trump", 0, "argued"),
        ("partial-quote", "all about management.", "Trump", 0, "saying"),
    ]


def test_linking_verbs_and_passives_without_agent_name_no_speaker() -> None:
    text = "The problem is that the plan costs too much.\n\nTrump is expected to win the primary in New York."
    assert claims(text) == []


def test_a_label_after_a_dash_introduces_the_quote() -> None:
    text = ('Estimates of civic engagement are particularly problematic - Pew Research: '
            '"All the samples evaluated include more engaged individuals."')
    assert claims(text) == [("direct-quote", "All the samples evaluated include more engaged individuals.",
                             "Pew Research", 61, ":")]
    text = 'It is not enough to look representative - More from the report: "Today numerous vendors condition their samples."'
    assert claims(text) == [("direct-quote", "Today numerous vendors condition their samples.", "the report", 52, ":")]


def test_a_quote_after_a_relative_clause_goes_on_with_the_main_speaker() -> None:
    text = ('"I don\'t want to get on the wrong side of Trump," said one former staffer, who said he left on '
            'good terms. "I couldn\'t afford to defend myself."')
    assert claims(text) == [
        ("direct-quote", "I don't want to get on the wrong side of Trump,", "one former staffer", 55, "said"),
        ("paraphrase", "he left on good terms", "one former staffer", 75, "said"),
        ("direct-quote", "I couldn't afford to defend myself.", "one former staffer", 55, "said"),
    ]


def test_markup_attributes_are_not_quotes() -> None:
    text = ('<tweet tweet-author="@edhenry" tweet-date="March 10, 2016">Candidates are not supposed to '
            'confer</tweet>.\n\nHenry said the rule was "clear."')
    assert claims(text) == [("partial-quote", "clear.", "Henry", 107, "said")]


def test_a_cue_the_parser_hangs_on_a_quoted_word_keeps_the_clause_subject() -> None:
    text = 'He called it "shameful" and called on leaders "not to feed that dark impulse inside of us."'
    assert claims(text) == [
        ("partial-quote", "shameful", "He", 0, "called"),
        ("partial-quote", "not to feed that dark impulse inside of us.", "He", 0, "called"),
    ]


def test_the_subject_of_a_linking_verb_before_a_colon_introduces_the_quote() -> None:
    text = 'Clinton\'s response was: "Is Dalton Brody off Conn or Wisconsin?"'
    assert claims(text) == [("direct-quote", "Is Dalton Brody off Conn or Wisconsin?", "Clinton's response", 0, ":")]


def test_an_inverted_cue_opening_a_paragraph_introduces_the_next() -> None:
    # The tagger reads "Stated Stone" as one name: the cue is "Stated", the speaker Stone.
    text = ("Roger Stone spoke to Aaron Klein on Sunday.\n\nStated Stone:\n\n"
            "“I think that the stakes are so high that they would do anything necessary to remain in power.”")
    assert claims(text) == [("direct-quote",
                             "I think that the stakes are so high that they would do anything necessary to remain in power.",
                             "Roger Stone", 52, "Stated")]


def test_a_quote_after_an_attributed_quote_keeps_its_speaker_mention() -> None:
    # "…Michigan…,'' Mr. Trump said. ''…'': the next quote is Trump's, at the same mention, never
    # a name inside the quote before.
    text = ("''Our popularity is strong enough to put states in play: Michigan, Pennsylvania, Virginia,'' "
            "Mr. Trump said. ''I'm a little surprised that I've done this well, to tell you the truth.''")
    found = claims(text)
    assert [c[2:] for c in found] == [("Trump", 97, "said"), ("Trump", 97, "said")]


def test_a_second_reporting_verb_hung_on_the_reported_clause_keeps_the_first_speaker() -> None:
    # The parser takes "and said" as a conjunct of "was made": the speaker is still De Blasio.
    text = "De Blasio said the move was made by Bill Bratton and said, “Who are we to judge?”"
    assert claims(text) == [
        ("paraphrase", "the move was made by Bill Bratton", "De Blasio", 0, "said"),
        ("direct-quote", "Who are we to judge?", "De Blasio", 0, "said"),
    ]
