"""Entities: aliases, titles and roles, pronoun speakers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import spacy  # noqa: F401  (a dependency of kb: missing, the tests fail)
from kb.errors import ExtractionError  # noqa: E402
from kb.extract import extract_text  # noqa: E402
from kb.extract.entities import PERSON, Registry  # noqa: E402


def extract(text: str) -> dict[str, Any]:
    try:
        return extract_text(text, date=datetime.date(2021, 5, 20))
    except ExtractionError as exc:  # pragma: no cover
        pytest.fail(str(exc))  # kb needs its model: missing, the tests fail


def entity(record: dict[str, Any], name: str) -> dict[str, Any]:
    (e,) = [e for e in record["entities"] if e["name"] == name]
    return e


def test_registry_merges_surname_and_keeps_longest_name() -> None:
    reg = Registry()
    short = reg.add("Qaleb", PERSON)
    full = reg.add("Brig.-Gen. Sami Qaleb", PERSON)
    assert short is full
    assert (full.name, full.aliases, full.honorific) == ("Sami Qaleb", ["Qaleb"], "Brig.-Gen.")
    assert reg.find("Qaleb’s") is full


def test_alias_merged_across_sentences() -> None:
    r = extract("“Hold the line,” Brig.-Gen. Omar Tal said. “We stay,” Tal said.")
    assert [c["speaker"]["name"] for c in r["claims"]] == ["Omar Tal", "Omar Tal"]
    assert [(c["speaker"]["start"], c["speaker"]["end"]) for c in r["claims"]] == [(28, 36), (54, 57)]
    tal = entity(r, "Omar Tal")
    assert (tal["type"], tal["aliases"], tal["honorific"]) == ("Person", ["Tal"], "Brig.-Gen.")


def test_role_from_apposition_after_name() -> None:
    r = extract("Lena Holm, the chief of the Northern Fleet, said, “The ice is thin.”")
    assert entity(r, "Lena Holm")["roles"] == [
        {"name": "chief", "organization": "Northern Fleet", "text": "chief of the Northern Fleet"}]
    assert entity(r, "Northern Fleet")["type"] == "Organization"


def test_role_and_title_from_apposition_before_name() -> None:
    r = extract("The commander of the Coast Guard, Vice Admiral Lena Holm, praised the crews. "
                "“They saved lives,” Holm said.")
    holm = entity(r, "Lena Holm")
    assert holm["honorific"] == "Vice Admiral"
    assert holm["roles"] == [
        {"name": "commander", "organization": "Coast Guard", "text": "commander of the Coast Guard"}]
    # Written in lower case, "the coast guard" names no organization (a common noun phrase): the role stays,
    # without one.
    lower = extract("The commander of the coast guard, Vice Admiral Lena Holm, praised the crews. "
                    "“They saved lives,” Holm said.")
    assert entity(lower, "Lena Holm")["roles"] == [{"name": "commander", "text": "commander of the coast guard"}]
    assert [(c["kind"], c["speaker"]["name"]) for c in r["claims"]] == [
        ("paraphrase", "Lena Holm"), ("direct-quote", "Lena Holm")]


def test_pronoun_speaker_resolves_to_last_subject_person() -> None:
    text = ("“We will rebuild,” Tom Hale said, thanking Ana Ruiz for her help. "
            "“It was a long week,” he said.")
    r = extract(text)
    second = r["claims"][-1]
    assert second["text"] == "It was a long week,"
    assert second["speaker"] == {"name": "Tom Hale", "start": 88, "end": 90, "type": "Person"}


def test_anonymous_speaker() -> None:
    r = extract("“The talks failed,” a source said.")
    (c,) = r["claims"]
    assert c["speaker"] == {"name": "a source", "start": 20, "end": 28, "type": "Anonymous"}
