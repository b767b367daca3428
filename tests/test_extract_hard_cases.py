"""Hard cases of quote extraction, each on a small sentence written for the test."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

pytest.importorskip("spacy")
from kb.errors import ExtractionError  # noqa: E402
from kb.extract import extract_text  # noqa: E402

DATE = datetime.date(2021, 5, 20)  # a Thursday


def extract(text: str) -> dict[str, Any]:
    try:
        return extract_text(text, date=DATE)
    except ExtractionError as exc:  # pragma: no cover - depends on the environment
        pytest.skip(str(exc))


def brief(claim: dict[str, Any]) -> tuple:
    speaker = claim["speaker"] or {}
    cue = claim["cue"] or {}
    return (claim["kind"], claim["text"], claim["start"], claim["end"], speaker.get("name"),
            speaker.get("start"), cue.get("text"))


def check_offsets(record: dict[str, Any]) -> None:
    text = record["document"]["text"]
    for c in record["claims"]:
        spans = c.get("spans") or [[c["start"], c["end"]]]
        assert c["text"] == " ".join(text[a:b] for a, b in spans)
        if c["speaker"]:
            names = {e["name"] for e in record["entities"]}
            assert c["speaker"]["name"] in names


def test_curly_and_straight_marks_with_apostrophes() -> None:
    text = '“We don\'t sell land,” Maria Lopez said. "Farmers’ rights matter," she added.'
    r = extract(text)
    check_offsets(r)
    assert [brief(c) for c in r["claims"]] == [
        ("direct-quote", "We don't sell land,", 1, 20, "Maria Lopez", 22, "said"),
        ("direct-quote", "Farmers’ rights matter,", 41, 64, "Maria Lopez", 66, "added"),
    ]
    assert r["claims"][1]["speaker"]["end"] == 69  # the mention is "she"


def test_quote_split_around_attribution() -> None:
    text = "“The harbor will reopen,” Anna Berg said, “but not before the storm passes.”"
    r = extract(text)
    check_offsets(r)
    (c,) = r["claims"]
    assert c["spans"] == [[1, 24], [43, 75]]
    assert c["text"] == "The harbor will reopen, but not before the storm passes."
    assert (c["start"], c["end"], c["kind"]) == (1, 75, "direct-quote")
    assert c["speaker"]["name"] == "Anna Berg" and c["cue"]["text"] == "said"


def test_partial_quote_inside_paraphrase() -> None:
    text = "The mayor praised Tom Hale as a “tireless builder” of the town."
    r = extract(text)
    check_offsets(r)
    assert [brief(c) for c in r["claims"]] == [
        ("partial-quote", "tireless builder", 33, 49, "The mayor", 0, "praised"),
    ]


def test_quote_over_paragraphs_reopened_without_closing() -> None:
    text = "Anna Berg told reporters:\n\n“We checked every bridge.\n\n“We found no damage at all.”"
    r = extract(text)
    check_offsets(r)
    (c,) = r["claims"]
    assert (c["kind"], c["start"], c["end"]) == ("direct-quote", 28, 81)
    assert c["text"].startswith("We checked every bridge.") and c["text"].endswith("no damage at all.")
    assert (c["speaker"]["name"], c["cue"]["text"]) == ("Anna Berg", "told")


@pytest.mark.parametrize("text, start, speaker_start, cue", [
    ("Coach Ray Dunn had a simple explanation: “We lost because we were slow.”", 42, 6, ":"),
    ("Ray Dunn: “We lost because we were slow.”", 11, 0, ":"),
    ("Ray Dunn said — “We lost because we were slow.”", 17, 0, "said"),
    ("“We lost because we were slow.” ― Ray Dunn", 1, 34, "―"),
])
def test_colon_and_dash_attributions(text: str, start: int, speaker_start: int, cue: str) -> None:
    r = extract(text)
    check_offsets(r)
    (c,) = r["claims"]
    assert brief(c) == ("direct-quote", "We lost because we were slow.", start, start + 29,
                        "Ray Dunn", speaker_start, cue)


def test_title_with_periods_does_not_end_sentence() -> None:
    text = "Brig.-Gen. Omar Tal spoke to troops. “Hold the line,” Tal said."
    r = extract(text)
    check_offsets(r)
    assert [brief(c) for c in r["claims"]] == [
        ("direct-quote", "Hold the line,", 38, 52, "Omar Tal", 54, "said"),
    ]
    (tal,) = [e for e in r["entities"] if e["name"] == "Omar Tal"]
    assert tal["honorific"] == "Brig.-Gen." and tal["aliases"] == ["Tal"]


def test_said_adding_that() -> None:
    text = "“The dam is safe,” Omar Tal said, adding that the river “will not flood the valley.”"
    r = extract(text)
    check_offsets(r)
    assert [brief(c) for c in r["claims"]] == [
        ("direct-quote", "The dam is safe,", 1, 17, "Omar Tal", 19, "said"),
        ("partial-quote", "will not flood the valley.", 57, 83, "Omar Tal", 19, "adding"),
    ]


def test_nested_single_quotes_are_not_claims() -> None:
    text = "“We call this plan 'Operation Spring' for a reason,” Omar Tal said."
    r = extract(text)
    check_offsets(r)
    assert [brief(c) for c in r["claims"]] == [
        ("direct-quote", "We call this plan 'Operation Spring' for a reason,", 1, 51, "Omar Tal", 53, "said"),
    ]


def test_venue_place_and_date() -> None:
    text = "Lena Holm, the chief of the Northern Fleet, spoke at a briefing in Oslo on Monday, saying, “The ice is thin.”"
    r = extract(text)
    (c,) = r["claims"]
    assert (c["venue"], c["place"], c["date"]) == ("a briefing in Oslo", "Oslo", "2021-05-17")
    assert {"name": "Oslo", "type": "Place", "aliases": []} in r["entities"]


def test_medium_addressee_and_intermediary() -> None:
    text = ("Omar Tal wrote in a letter to Ana Ruiz that the border “is closed to traffic,” "
            "according to The Harbor Times.")
    r = extract(text)
    check_offsets(r)
    (c,) = r["claims"]
    assert (c["kind"], c["text"], c["cue"]["text"]) == ("partial-quote", "is closed to traffic,", "wrote")
    assert (c["medium"], c["addressee"], c["via"]) == ("letter", "Ana Ruiz", "The Harbor Times")
    types = {e["name"]: e["type"] for e in r["entities"]}
    assert types["The Harbor Times"] == "NewsMediaOrganization" and types["Ana Ruiz"] == "Person"


def test_scare_titles_and_numbers_are_not_claims() -> None:
    text = "She appeared on “Morning Report” and posted “12345” online."
    assert extract(text)["claims"] == []
