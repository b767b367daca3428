"""Quote styles and reported speech, each on a small text written for the test."""

from __future__ import annotations


import pytest

import spacy  # noqa: F401  (a dependency of kb: missing, the tests fail)
from kb.extract.quotes import normalize_marks  # noqa: E402
from test_extract_hard_cases import brief, extract  # noqa: E402  # one pair of helpers for both files


def claims(text: str) -> list[tuple]:
    record = extract(text)
    assert record["document"]["text"] == text  # the record keeps the text as given
    for c in record["claims"]:
        spans = c.get("spans") or [[c["start"], c["end"]]]
        assert c["text"] == " ".join(text[a:b] for a, b in spans)
    return [brief(c) for c in record["claims"]]


# -- quote styles ------------------------------------------------------------------
def test_nyt_double_apostrophes() -> None:
    text = "The mayor spoke at length. ''We will rebuild the pier,'' Tom Reed said. ''It's ours.''"
    assert claims(text) == [
        ("direct-quote", "We will rebuild the pier,", 29, 54, "Tom Reed", 57, "said"),
        ("direct-quote", "It's ours.", 74, 84, "Tom Reed", 57, "said"),
    ]


def test_single_curly_quotes_are_told_from_apostrophes() -> None:
    text = "‘We will rebuild the pier,’ Tom Reed said of the town’s harbour. The fishermen’s boats were in the ’90s style."
    assert claims(text) == [("direct-quote", "We will rebuild the pier,", 1, 26, "Tom Reed", 28, "said")]


def test_normalized_view_keeps_offsets() -> None:
    text = "He said ''I can't breathe,'' twice. ‘We will win,’ she said of Hamas’ leaders in the ‘90s."
    view = normalize_marks(text)
    assert len(view) == len(text)
    assert view == "He said  “I can't breathe,”  twice. “We will win,” she said of Hamas’ leaders in the ‘90s."
    # A single quote inside a double quote stays a quote within the quote.
    assert normalize_marks("“It was ‘Sword of Jerusalem’ then.”") == "“It was ‘Sword of Jerusalem’ then.”"


def test_guillemets_and_low_high_quotes() -> None:
    assert claims("Anna Berg said: «The port will reopen.» Tom Reed called it «a fine plan».") == [
        ("direct-quote", "The port will reopen.", 17, 38, "Anna Berg", 0, "said"),
        ("partial-quote", "a fine plan", 60, 71, "Tom Reed", 40, "called"),
    ]
    assert claims("Anna Berg said „we will stay“ on Monday.") == [
        ("partial-quote", "we will stay", 16, 28, "Anna Berg", 0, "said"),
    ]


def test_quote_over_paragraphs_is_one_claim_with_a_span_per_paragraph() -> None:
    text = ("“We built this harbor over forty years,” Anna Berg said.\n\n“Nobody will take it from us.\n\n"
            "“Not the bank, not the storm.”\n\nShe left.")
    record = extract(text)
    first, second = record["claims"]
    assert brief(first) == ("direct-quote", "We built this harbor over forty years,", 1, 39, "Anna Berg", 41, "said")
    assert second["spans"] == [[59, 87], [90, 118]]
    assert second["text"] == "Nobody will take it from us. Not the bank, not the storm."
    assert second["speaker"]["name"] == "Anna Berg"


def test_dash_transcript_with_labels() -> None:
    assert claims("— REED: Will the pier reopen?\n— BERG: It will, in June.") == [
        ("direct-quote", "Will the pier reopen?", 8, 29, "Reed", 2, ":"),
        ("direct-quote", "It will, in June.", 38, 55, "Berg", 32, ":"),
    ]


def test_dash_dialogue_answers_belong_to_the_interviewee() -> None:
    text = ("We spoke with Anna Berg, the harbor master, on Monday.\n— Will the pier reopen?\n"
            "— It will, in June.\n— And the boats?\n— They stay where they are.")
    assert claims(text) == [
        ("direct-quote", "It will, in June.", 81, 98, "Anna Berg", 14, "—"),
        ("direct-quote", "They stay where they are.", 118, 143, "Anna Berg", 14, "—"),
    ]


def test_one_dash_paragraph_is_not_a_dialogue() -> None:
    assert claims("The pier reopened.\n— Photo by the harbor office.") == []


# -- reported speech -----------------------------------------------------------------
def test_said_told_and_according_to() -> None:
    text = ("Tom Reed said that the pier would reopen in June. Anna Berg told reporters that the boats "
            "would stay. According to the harbor office, repairs will cost $2 million.")
    record = extract(text)
    assert [brief(c) for c in record["claims"]] == [
        ("paraphrase", "the pier would reopen in June", 19, 48, "Tom Reed", 0, "said"),
        ("paraphrase", "the boats would stay", 80, 100, "Anna Berg", 50, "told"),
        ("paraphrase", "repairs will cost $2 million", 134, 162, "harbor office", 119, "According to"),
    ]
    assert record["claims"][1]["addressee"] == "reporters"


def test_argue_warn_deny_insist() -> None:
    text = ("Reed argued that the town could pay. Berg warned that storms would return. "
            "Reed denied that the money was gone. Berg insisted that the port stays open.")
    assert [b[:4] + b[5:] for b in claims(text)] == [
        ("paraphrase", "the town could pay", 17, 35, 0, "argued"),
        ("paraphrase", "storms would return", 54, 73, 37, "warned"),
        ("paraphrase", "the money was gone", 92, 110, 75, "denied"),
        ("paraphrase", "the port stays open", 131, 150, 112, "insisted"),
    ]


def test_nominal_forms_and_content_before_the_cue() -> None:
    text = ("Reed's claim that the pier was safe was wrong. The report by the harbor office found that "
            "the pier was unsafe. The pier is unsafe, officials said.")
    assert claims(text) == [
        ("paraphrase", "the pier was safe", 18, 35, "Reed", 0, "claim"),
        ("paraphrase", "the pier was unsafe", 90, 109, "The report", 47, "found"),
        ("paraphrase", "The pier is unsafe", 111, 129, "officials", 131, "said"),
    ]


def test_a_place_that_speaks_is_an_organization_with_less_confidence() -> None:
    text = 'The port is closed, Reed said. "We stay here," Norway said at a rally in Oslo.'
    record = extract(text)
    types = {e["name"]: e["type"] for e in record["entities"]}
    quote = next(c for c in record["claims"] if c["kind"] == "direct-quote")
    assert quote["speaker"]["name"] == "Norway"
    assert quote["speaker"]["type"] == types["Norway"] == "Organization"
    assert quote["confidence"] < 0.9


def test_block_quote_after_an_introducing_colon() -> None:
    text = ("The harbor master spoke after the storm. Anna Berg added:\n\n"
            "The pier will reopen in June and the boats will stay.\n\nRepairs began on Monday.")
    assert claims(text) == [
        ("direct-quote", "The pier will reopen in June and the boats will stay.", 59, 112, "Anna Berg", 41, "added"),
    ]


def test_a_quote_mark_glued_to_the_cue_still_opens_the_quote() -> None:
    # 'said,“Look' is one token to spaCy's tokenizer unless the mark is split off:
    # then neither the cue nor the quote was found.
    text = "Ryan said,“Look, these images have no place in a campaign.”"
    assert claims(text) == [
        ("direct-quote", "Look, these images have no place in a campaign.", 11, 58, "Ryan", 0, "said"),
    ]


def test_words_put_in_the_mouth_of_the_closest_subject_that_can_speak() -> None:
    # No verb of saying: the subject the quoted words hang from is who uses them, with
    # low confidence; an inanimate subject ("The plan") is nobody's voice.
    record = extract("Officials are wary of the “new normal” in the region.")
    (claim,) = record["claims"]
    assert brief(claim) == ("partial-quote", "new normal", 27, 37, "Officials", 0, "wary")
    assert claim["confidence"] == 0.3
    assert [brief(c) for c in extract("Young voters are skeptical of the “sharing economy” their generation pioneered.")[
        "claims"]] == [("partial-quote", "sharing economy", 35, 50, "Young voters", 0, "skeptical")]
    assert extract("The plan would be funded by “closing tax loopholes.”")["claims"] == []


def test_an_answer_voiced_right_after_the_quote() -> None:
    # "screamed" is no reporting verb, but right after the words, with nothing of its own
    # to say, it voices them; the quote is not the previous speaker's continuation.
    text = "Reed asked the crowd who would pay for the wall.\n\n“Mexico!” the audience screamed back."
    assert claims(text) == [("direct-quote", "Mexico!", 51, 58, "the audience", 60, "screamed")]
