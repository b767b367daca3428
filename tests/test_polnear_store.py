"""The 84 PolNeAR dev articles, ingested as a user would (`kb ingest --metadata metadata.tsv text/*.txt`),
and what the knowledge base then says about who is who (issue 10) and about each document (issue 11)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator

import pytest

from gold import SHARED
from kb import KnowledgeBase
from kbtest import kb_cli

DEV = SHARED / "eval" / "polnear-dev"

#: Words that name no organization: the kinds the issue lists (common nouns, quantities).
COMMON = {"surgery", "staff", "letter", "geosciences", "campaign", "administration", "government", "committee",
          "department", "people", "percent", "the campaign", "officials", "aides", "voters", "report", "poll"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    texts = sorted((DEV / "text").glob("*.txt"))
    assert len(texts) == 84, f"PolNeAR dev is missing under {DEV}"
    folder = tmp_path_factory.mktemp("polnear") / "store"
    run = kb_cli(folder, "ingest", "--metadata", str(DEV / "metadata.tsv"), *map(str, texts), timeout=900)
    assert run.code == 0, run.err[-2000:]
    assert "84 written" in run.out + run.err and "refused" not in (run.out + run.err).replace("0 refused", "")
    yield folder


def names(knowledge: KnowledgeBase, kind: str) -> list[str]:
    rows = knowledge.select(
        f"SELECT DISTINCT ?n WHERE {{ GRAPH <{_entities()}> {{ ?e a schema:{kind} ; schema:name ?n }} }}")
    return sorted(r["n"] for r in rows)


def _entities() -> str:
    from kb import iris

    return str(iris.ENTITIES_GRAPH)


def test_no_organization_is_a_common_noun_a_number_or_a_fragment(store: Path) -> None:
    with KnowledgeBase(store, read_only=True) as knowledge:
        orgs = names(knowledge, "Organization")
        # Outlets are named as the metadata table writes them ("breitbart", "washington-post").
        outlets = {r["n"] for r in knowledge.select("SELECT DISTINCT ?n WHERE { ?d schema:publisher/schema:name ?n }")}
    orgs = [n for n in orgs if n not in outlets]
    assert len(orgs) > 20
    bad = [n for n in orgs if not n[:1].isupper() and not n[:1].isdigit()  # lowercase: a fragment or a noun
           or re.fullmatch(r"[\d\W]+(?:\s*(?:percent|%))?", n)  # a number or a quantity
           or re.search(r"\d+\s*(?:percent|%)", n)
           or n.casefold() in COMMON]
    assert bad == []


def test_no_person_is_one_word_that_a_fuller_stored_name_ends_with_unless_flagged(store: Path) -> None:
    with KnowledgeBase(store, read_only=True) as knowledge:
        people = names(knowledge, "Person")
        flagged = {r["n"] for r in knowledge.select(
            "SELECT DISTINCT ?n WHERE { ?c kb:ambiguousWith ?other ; prov:specializationOf ?p . "
            f"GRAPH <{_entities()}> {{ ?p schema:name ?n }} }}")}
    assert len(people) > 50
    fuller = {n.split()[-1].casefold(): n for n in people if len(n.split()) > 1}
    unresolved = [n for n in people if len(n.split()) == 1 and n.casefold() in fuller and n not in flagged]
    assert unresolved == []
    assert not any(re.match(r"(?i)(the|a|an|everything|every|all)\s", n) for n in people), people


def test_claims_join_their_speakers_without_repeating_rows(store: Path) -> None:
    with KnowledgeBase(store, read_only=True) as knowledge:
        rows = knowledge.select(
            "SELECT ?c ?name WHERE { ?c a schema:Claim ; schema:author ?p . ?p a schema:Person ; schema:name ?name }")
    pairs = [(r["c"], r["name"]) for r in rows]
    assert len(pairs) > 500 and len(pairs) == len(set(pairs))


def test_every_document_gets_its_title_outlet_author_and_date_from_the_table(store: Path) -> None:
    with open(DEV / "metadata.tsv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f, delimiter="\t"))
    assert len(table) == 84
    with KnowledgeBase(store, read_only=True) as knowledge:
        rows = knowledge.select(
            "SELECT ?title ?date ?outlet ?author WHERE { "
            "?d a schema:NewsArticle ; schema:headline ?title ; schema:datePublished ?date ; "
            "schema:publisher/schema:name ?outlet . OPTIONAL { ?d schema:author/schema:name ?author } }")
    by_title: dict[str, set[tuple[str, str, str]]] = {}
    for r in rows:
        by_title.setdefault(r["title"], set()).add((str(r["date"]), r["outlet"].casefold(), r["author"] or ""))
    assert len(by_title) == 84
    for row in table:
        got = by_title[row["title"].strip()]
        dates = {d for d, _o, _a in got}
        assert dates == {row["publication_date"]}, (row["title"], got)
        assert any(o.replace(" ", "-") == row["publisher"].casefold() or o == row["publisher"].casefold()
                   for _d, o, _a in got), (row["publisher"], got)
        author = row["author"].strip()
        if author and author != "None":
            assert author in {a for _d, _o, a in got}, (author, got)
