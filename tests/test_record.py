"""The claim-record JSON: every structural problem is one exact, readable error."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from kb import RecordError, VerbatimError, parse_record
from kb.record import SaidDate, parse_said_date

TEXT = "Mayor Ana Ruiz said on Monday: “We will open the bridge.” Critics disagreed."
QUOTE = "We will open the bridge."
Q_START = TEXT.index(QUOTE)


def record() -> dict:
    return {
        "document": {"text": TEXT, "date": "2024-03-06", "title": "Bridge"},
        "claims": [
            {
                "kind": "direct-quote",
                "text": QUOTE,
                "start": Q_START,
                "end": Q_START + len(QUOTE),
                "speaker": {"name": "Ana Ruiz", "start": 6, "end": 14},
                "cue": {"text": "said", "start": 15, "end": 19},
                "date": "2024-03-04",
                "confidence": 0.9,
            }
        ],
        "entities": [{"name": "Ana Ruiz", "type": "Person", "aliases": ["Ruiz"], "honorific": "Mayor"}],
    }


def test_a_good_record_parses_with_every_field():
    rec = parse_record(record())
    claim = rec.claims[0]
    assert (claim.kind, claim.text, claim.start, claim.end) == ("direct-quote", QUOTE, 32, 56)
    assert claim.speaker.name == "Ana Ruiz" and claim.speaker.text == "Ana Ruiz"
    assert claim.cue.text == "said"
    assert claim.date == SaidDate(dt.date(2024, 3, 4), "day")
    assert rec.document.date == dt.date(2024, 3, 6)
    assert rec.entity("Ana Ruiz").aliases == ("Ruiz",)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.pop("document"), "document: is required"),
        (lambda r: r["document"].pop("text"), "document.text: is required"),
        (lambda r: r["claims"][0].update(kind="rumour"),
         "claims[0].kind: 'rumour' is not one of direct-quote, partial-quote, paraphrase, reported-fact"),
        (lambda r: r["claims"][0].update(end=999),
         f"claims[0]: span [32, 999) is not inside the document text (length {len(TEXT)})"),
        (lambda r: r["claims"][0].update(start="32"), "claims[0].start: must be an integer"),
        (lambda r: r["claims"][0].pop("speaker"), "claims[0].speaker: is required for a direct-quote"),
        (lambda r: r["claims"][0].update(confidence=2), "claims[0].confidence: must be a number from 0 to 1"),
        (lambda r: r["claims"][0].update(date="last year"),
         "claims[0].date: 'last year' is not a date (use YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY)"),
        (lambda r: r["claims"][0]["speaker"].update(type="Robot"),
         "claims[0].speaker.type: must be one of Person, Organization, NewsMediaOrganization, Anonymous"),
        (lambda r: r["entities"][0].update(type="Planet"),
         "entities[0].type: must be one of Person, Organization, NewsMediaOrganization, Place, Anonymous"),
        (lambda r: r.update(claims={}), "claims: must be a list"),
    ],
)
def test_structural_errors_name_the_json_path(change, message):
    rec = copy.deepcopy(record())
    change(rec)
    with pytest.raises(RecordError) as err:
        parse_record(rec)
    assert str(err.value) == message


def test_a_quote_that_differs_from_the_text_is_a_verbatim_error():
    rec = record()
    rec["claims"][0]["text"] = "We will close the bridge."
    with pytest.raises(VerbatimError) as err:
        parse_record(rec)
    assert str(err.value) == (
        "claims[0].text: 'We will close the bridge.' differs from the document text at [32, 56), "
        "which is 'We will open the bridge.'"
    )


def test_a_mention_text_that_differs_is_a_verbatim_error():
    rec = record()
    rec["claims"][0]["cue"]["text"] = "told"
    with pytest.raises(VerbatimError, match=r"claims\[0\]\.cue\.text: 'told' differs .* which is 'said'"):
        parse_record(rec)


def test_split_quotes_join_their_spans_with_one_space():
    text = "“We will,” she said, “open it.”"
    rec = {
        "document": {"text": text},
        "claims": [{"kind": "direct-quote", "text": "We will, open it.", "spans": [[1, 9], [22, 30]],
                    "speaker": {"name": "Ana Ruiz", "start": 11, "end": 14}}],
    }
    claim = parse_record(rec).claims[0]
    assert [(s.start, s.end) for s in claim.spans] == [(1, 9), (22, 30)]
    assert (claim.start, claim.end) == (1, 30)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021-05-20", SaidDate(dt.date(2021, 5, 20), "day")),
        ("2021-W20", SaidDate(dt.date(2021, 5, 17), "week")),
        ("2021-05", SaidDate(dt.date(2021, 5, 1), "month")),
        ("2021", SaidDate(dt.date(2021, 1, 1), "year")),
    ],
)
def test_said_dates_keep_their_precision(text, expected):
    said = parse_said_date(text)
    assert said == expected
    assert said.isoformat() == text
