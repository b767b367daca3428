"""Who is who in extraction: organisations are never common nouns, numbers or fragments,
and people are never descriptions (issue 10, "Done when", third bullet).

The 84 PolNeAR dev articles (in ../shared) are extracted once; every organisation and
person they yield is checked. Small cases pin the exact readings of the examples the
issue names ("74 percent", "surgery", "The president", "Everything Trump").
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from gold import SHARED
from kb.extract import extract_files, extract_text
from kb.extract.entities import ORG, PERSON, Registry
from kb.extract.names import Reading, read_name

DEV = SHARED / "eval" / "polnear-dev" / "text"
ORG_TYPES = ("Organization", "NewsMediaOrganization")
# Common nouns the facets once listed as organisations, and their like.
COMMON_NOUNS = frozenset("""
surgery staff letter geosciences media video commission committee campaign study report
poll article data research government group union panel forum debate crowd host
announcer book policy economy state city services coalition senator president judge
lawmaker demonstrators agency network statement website transcript spot ad clip piece
section family team officials people public voters
""".split())
DESCRIPTION_OPENERS = frozenset("""
the a an this that these those his her their its our my your another every everything
everyone all some any each former fellow
""".split())
Entities = list[tuple[str, dict[str, Any]]]  # (file, entity JSON)
NUMERIC = re.compile(r"^[\d$€£%.,\s-]+$|\bpercent\b|%")


@pytest.fixture(scope="module")
def dev_entities() -> Entities:
    paths = sorted(str(p) for p in DEV.glob("*.txt"))
    assert len(paths) == 84, f"PolNeAR dev articles not found under {DEV}"
    return [(rec["file"], e) for rec in extract_files(paths) for e in rec["entities"]]


def test_no_organization_is_a_common_noun_number_or_fragment(dev_entities: Entities) -> None:
    orgs = [(f, e["name"]) for f, e in dev_entities if e["type"] in ORG_TYPES]
    assert len(orgs) > 150  # the check looks at something
    bad = [(f, n) for f, n in orgs
           if not n[:1].isupper() and not n[:1].isdigit()  # lowercase-initial: a fragment
           or NUMERIC.search(n)                             # a number, a percentage
           or n.casefold() in COMMON_NOUNS                  # a common noun
           or n.split()[0].casefold() in DESCRIPTION_OPENERS - {"the"}
           or n.split()[0] == "The" and not any(w in n for w in ("Post", "Times", "New Yorker", "Beast"))]
    assert bad == []


def test_no_person_is_a_description(dev_entities: Entities) -> None:
    people = [(f, e["name"]) for f, e in dev_entities if e["type"] == "Person"]
    assert len(people) > 300
    bad = [(f, n) for f, n in people
           if n.split()[0].casefold() in DESCRIPTION_OPENERS or not n[:1].isupper()
           or n.split()[-1].casefold() in COMMON_NOUNS]
    assert bad == []


@pytest.mark.parametrize("name, type_, reading", [
    ("74 percent", ORG, Reading(None, ORG)),
    ("Another 19 percent", ORG, Reading(None, ORG)),
    ("2016", ORG, Reading(None, ORG)),
    ("surgery", ORG, Reading(None, ORG)),
    ("geosciences", ORG, Reading(None, ORG)),
    ("The ad", ORG, Reading(None, ORG)),
    ("Commission", ORG, Reading(None, ORG)),
    ("Clinton's plan", ORG, Reading(None, ORG)),
    ("Trump’s campaign", ORG, Reading("Trump campaign", ORG)),
    ("The Clinton campaign", ORG, Reading("Clinton campaign", ORG)),
    ("spokesman Jason Miller", ORG, Reading("Jason Miller", PERSON)),
    ("NBC’s Dante Chinni", "NewsMediaOrganization", Reading("Dante Chinni", PERSON)),
    ("NYPD Commissioner James O’Neill", ORG, Reading("James O’Neill", PERSON)),
    ("Minnesota Vikings - while", ORG, Reading("Minnesota Vikings", ORG)),
    ("D-Newport News", "NewsMediaOrganization", Reading(None, "NewsMediaOrganization")),
    ("Tulsa Police Department", PERSON, Reading("Tulsa Police Department", ORG)),
    ("The president", PERSON, Reading(None, PERSON, "president")),
    ("The Democratic presidential nominee", PERSON, Reading(None, PERSON, "nominee")),
    ("a source", PERSON, Reading(None, PERSON)),
    ("Everything Trump", PERSON, Reading("Trump", PERSON)),
    ("Democrat Hillary Clinton", PERSON, Reading("Hillary Clinton", PERSON)),
    ("Ariana Huichapa. Getty", PERSON, Reading("Ariana Huichapa", PERSON)),
    ("Howard Dean Tells", PERSON, Reading("Howard Dean", PERSON)),
    # Names stay names.
    ("The Jerusalem Post", "NewsMediaOrganization", Reading("The Jerusalem Post", "NewsMediaOrganization")),
    ("Izzadin al-Qassam Brigades", ORG, Reading("Izzadin al-Qassam Brigades", ORG)),
    ("Democratic People's Republic of Korea", ORG, Reading("Democratic People's Republic of Korea", ORG)),
    ("Osama bin Laden", PERSON, Reading("Osama bin Laden", PERSON)),
    ("Larry King", PERSON, Reading("Larry King", PERSON)),
    ("United States", ORG, Reading("United States", ORG)),
    ("the many reasons", "Anonymous", Reading("the many reasons", "Anonymous")),
])
def test_reading_a_name(name: str, type_: str, reading: Reading) -> None:
    assert read_name(name, type_) == reading


def test_a_quantity_speaks_as_an_anonymous_source() -> None:
    rec = extract_text("74 percent said they would vote for the measure, according to the poll.")
    assert rec["entities"] == [{"name": "74 percent", "type": "Anonymous", "aliases": []}]
    assert [c["speaker"] for c in rec["claims"]] == [
        {"name": "74 percent", "start": 0, "end": 10, "type": "Anonymous"}]


def test_a_common_noun_after_a_role_is_no_organization() -> None:
    rec = extract_text("Dr. Anna Berg, the director of surgery at Mercy Hospital, said the wait was "
                       "“far too long.”")
    assert rec["entities"] == [
        {"name": "Anna Berg", "type": "Person", "aliases": [], "honorific": "Dr.",
         "roles": [{"name": "director", "text": "director of surgery"}]},
        {"name": "Mercy Hospital", "type": "Organization", "aliases": []}]


def test_the_president_is_the_president_the_article_names() -> None:
    text = ("President Barack Obama said on Monday that the economy was growing. "
            "The president said the deal was “a good one.”")
    rec = extract_text(text)
    assert [(e["name"], e["type"], e.get("honorific")) for e in rec["entities"]] == [
        ("Barack Obama", "Person", "President")]
    quote = next(c for c in rec["claims"] if c["kind"] == "partial-quote")
    assert quote["speaker"] == {"name": "Barack Obama", "start": 68, "end": 81, "type": "Person"}
    assert text[68:81] == "The president"


def test_the_president_unnamed_is_an_anonymous_source() -> None:
    rec = extract_text("“We will win,” the president said on Monday.")
    assert rec["entities"] == [{"name": "president", "type": "Anonymous", "aliases": []}]
    assert rec["claims"][0]["speaker"] == {"name": "president", "start": 19, "end": 28, "type": "Anonymous"}


def test_everything_trump_is_trump() -> None:
    rec = extract_text("We don't care. Everything Trump says is a lie unless proven otherwise. We aren't blind.")
    assert rec["entities"] == [{"name": "Trump", "type": "Person", "aliases": []}]
    assert [(c["text"], c["speaker"]) for c in rec["claims"]] == [
        ("is a lie unless proven otherwise", {"name": "Trump", "start": 15, "end": 31, "type": "Person"})]


def test_a_surname_typed_organization_joins_the_person_the_article_names() -> None:
    registry = Registry("Ava DuVernay made a film. DuVernay said it matters.")
    entity = registry.add("DuVernay", ORG)
    assert entity is not None
    assert entity.to_json() == {"name": "Ava DuVernay", "type": "Person", "aliases": ["DuVernay"]}
    assert [e.name for e in registry.entities] == ["Ava DuVernay"]


def test_a_description_resolves_to_the_role_holder_or_to_nothing() -> None:
    registry = Registry()
    assert registry.add("The senator", PERSON) is None
    warren = registry.add("Elizabeth Warren", PERSON)
    assert warren is not None
    warren.honorific = "Sen."
    assert registry.add("The senator", PERSON) is warren
    assert registry.add("the commission", ORG) is None
    assert [e.name for e in registry.entities] == ["Elizabeth Warren"]
