"""Curating people and organizations (issue 10, "Curation" and "External identifiers"):
merge, split, unmerge, sameAs links and `kb link FILE`, from the CLI and the web; recorded
with who, when and why; applied again on every write, so they survive re-ingesting."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

import kb
from kb import iris
from conftest import WRITE_TOKEN
from kbtest import kb_cli, snapshot

ID = "https://w3id.org/claimkb/id/"
PERSON = ID + "person/"
WD = "http://www.wikidata.org/entity/"


def article(text: str, speaker: str, kind: str = "Person") -> dict[str, Any]:
    quote = text.split("“")[1].split("”")[0]
    q, s, c = text.index(quote), text.index(speaker), text.index("said")
    return {
        "document": {"text": text, "date": "2024-05-01"},
        "claims": [{"kind": "direct-quote", "text": quote, "start": q, "end": q + len(quote),
                    "speaker": {"name": speaker, "start": s, "end": s + len(speaker)},
                    "cue": {"text": "said", "start": c, "end": c + 4}}],
        "entities": [{"name": speaker, "type": kind}],
    }


BERNIE = article("Bernie Sanders said: “Health care is a right.”", "Bernie Sanders")
BERNARD = article("“Taxes must rise,” Bernard Sanders said on Friday.", "Bernard Sanders")
ACME = article("Acme Corp said: “Profits will double.”", "Acme Corp", kind="Organization")
BERNIE_DOC = iris.document_iri(BERNIE["document"]["text"])


def speakers(knowledge: kb.KnowledgeBase) -> list[tuple[str, str]]:
    rows = knowledge.select("SELECT ?c ?p ?n WHERE { ?c a schema:Claim ; schema:author ?p . ?p schema:name ?n }")
    return sorted((r["p"][len(ID):], r["n"]) for r in rows)


def names(knowledge: kb.KnowledgeBase, iri: str) -> tuple[list[str], list[str]]:
    """(schema:name values, schema:alternateName values) in the union default graph."""
    rows = knowledge.select("SELECT ?e ?p ?v WHERE { ?e ?p ?v VALUES ?p { schema:name schema:alternateName } }",
                            {"e": URIRef(iri)})
    return (sorted(r["v"] for r in rows if r["p"].endswith("/name")),
            sorted(r["v"] for r in rows if r["p"].endswith("alternateName")))


def links(knowledge: kb.KnowledgeBase) -> list[tuple[str, str]]:
    rows = knowledge.select("SELECT ?n ?q WHERE { ?p schema:name ?n ; schema:sameAs ?q }")
    return sorted((r["n"], r["q"]) for r in rows)


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    location = tmp_path / "store"
    with kb.KnowledgeBase(location) as knowledge:
        for name, record in (("bernie.json", BERNIE), ("bernard.json", BERNARD), ("acme.json", ACME)):
            knowledge.ingest_record(record, name=name)
    return location


def test_merge_survives_re_ingest_and_a_split_takes_it_back(store: Path) -> None:
    done = kb_cli(store, "merge", "Bernie Sanders", "Bernard Sanders", "--reason", "same senator", "--by", "alice")
    assert done.code == 0, done.err
    assert done.out.startswith(f"merged: {PERSON}bernie-sanders into {PERSON}bernard-sanders ({ID}curation/")
    with kb.KnowledgeBase(store) as knowledge:
        assert speakers(knowledge) == [("org/acme-corp", "Acme Corp"), ("person/bernard-sanders", "Bernard Sanders"),
                                       ("person/bernard-sanders", "Bernard Sanders")]
        assert names(knowledge, PERSON + "bernard-sanders") == (["Bernard Sanders"], ["Bernie Sanders"])
        assert not knowledge.ask("ASK { ?e a ?t }", {"e": URIRef(PERSON + "bernie-sanders")})
        # re-ingesting the article curates it again: the stored graph was rewritten, so this is a replacement
        result = knowledge.ingest_record(BERNIE, name="bernie.json")
        assert list(result.graphs.values()) == ["replaced"]
        knowledge.remove(str(BERNIE_DOC), reason="gone for a while")
        assert list(knowledge.ingest_record(BERNIE, name="bernie.json").graphs.values()) == ["added"]
        assert [s for s in speakers(knowledge) if s[0].startswith("person/")] == [
            ("person/bernard-sanders", "Bernard Sanders")] * 2
        assert knowledge.validate().conforms

    done = kb_cli(store, "split", "Bernard Sanders", "--documents", BERNIE_DOC.rsplit("/", 1)[-1],
                  "--name", "Bernie Sanders", "--reason", "two people", "--by", "bob")
    assert done.code == 0, done.err
    assert done.out.startswith(f"split: {PERSON}bernard-sanders → {PERSON}bernie-sanders (")
    with kb.KnowledgeBase(store) as knowledge:
        assert [s for s in speakers(knowledge) if s[0].startswith("person/")] == [
            ("person/bernard-sanders", "Bernard Sanders"), ("person/bernie-sanders", "Bernie Sanders")]
        assert names(knowledge, PERSON + "bernard-sanders") == (["Bernard Sanders"], [])
        assert list(knowledge.ingest_record(BERNIE, name="bernie.json").graphs.values()) == ["replaced"]  # re-curated
        assert ("person/bernie-sanders", "Bernie Sanders") in speakers(knowledge)
        assert knowledge.validate().conforms

    listed = kb_cli(store, "curations", "--format", "json")
    assert listed.code == 0, listed.err
    records = json.loads(listed.out)
    assert [(c["action"], c["entity"], c["other"], c["agent"], c["reason"], bool(c["ended"])) for c in records] == [
        ("merge", PERSON + "bernie-sanders", PERSON + "bernard-sanders", "alice", "same senator", True),
        ("split", PERSON + "bernard-sanders", PERSON + "bernie-sanders", "bob", "two people", False),
    ]
    assert records[1]["documents"] == [str(BERNIE_DOC)] and records[1]["name"] == "Bernie Sanders"
    assert records[0]["ended"] == records[1]["when"]  # the split ended the merge of the same pair
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", c["when"]) for c in records), records
    with kb.KnowledgeBase(store, read_only=True) as knowledge:  # the records, in SPARQL, with who, when and why
        rows = knowledge.select(
            "SELECT ?a ?who ?agent ?why ?t WHERE { ?c a kb:EntityCuration ; kb:entityAction ?a ; schema:agent ?who ; "
            "prov:wasAttributedTo ?agent ; kb:reason ?why ; prov:generatedAtTime ?t }")
        assert sorted((r["a"].rsplit("#", 1)[-1], r["who"], r["agent"], r["why"]) for r in rows) == [
            ("Merge", "alice", ID + "agent/alice-2bd806c9", "same senator"), ("Split", "bob", ID + "agent/bob-81b637d8", "two people")]


def test_unmerge_gives_back_the_mentions_written_with_its_name(store: Path) -> None:
    with kb.KnowledgeBase(store) as knowledge:
        knowledge.merge_entities("Bernie Sanders", PERSON + "bernard-sanders", agent="alice", reason="same")
        assert knowledge.merged_into(PERSON + "bernie-sanders") == PERSON + "bernard-sanders"
    done = kb_cli(store, "unmerge", "Bernie Sanders", "Bernard Sanders", "--reason", "not the same")
    assert done.code == 0, done.err
    assert done.out.startswith(f"unmerged: {PERSON}bernie-sanders from {PERSON}bernard-sanders (")
    with kb.KnowledgeBase(store) as knowledge:
        assert [s for s in speakers(knowledge) if s[0].startswith("person/")] == [
            ("person/bernard-sanders", "Bernard Sanders"), ("person/bernie-sanders", "Bernie Sanders")]
        assert [(c.action, bool(c.ended)) for c in knowledge.entity_curations()] == [("merge", True), ("unmerge", False)]
        assert knowledge.merged_into(PERSON + "bernie-sanders") is None  # an ended merge redirects no more
    again = kb_cli(store, "unmerge", "Bernie Sanders", "Bernard Sanders")
    assert (again.code, again.err) == (1, "kb: error: 'Bernie Sanders' and 'Bernard Sanders' are not merged\n")


def test_sameas_and_link_file(store: Path, tmp_path: Path) -> None:
    done = kb_cli(store, "sameas", "Bernard Sanders", "Q359442", "--reason", "checked")
    assert done.code == 0, done.err
    assert done.out.startswith(f"linked: {PERSON}bernard-sanders sameAs {WD}Q359442 (")
    mapping = tmp_path / "links.csv"
    mapping.write_text("name,wikidata\nBernard Sanders,Q359442\nBernie Sanders,https://www.wikidata.org/wiki/Q1\n"
                       "Nobody Here,Q2\nAcme Corp,not-an-id\n" + f"{ID}org/acme-corp,Q3\n", encoding="utf-8")
    done = kb_cli(store, "link", str(mapping))
    assert done.code == 1
    assert done.err.splitlines() == [
        f"{mapping}:4: no stored person or organization is named 'Nobody Here'",
        f"{mapping}:5: 'not-an-id' is neither a Wikidata QID (Q42) nor an http(s) IRI",
    ]
    assert done.out == f"{mapping}: linked 2, already linked 1, 2 lines failed\n"
    with kb.KnowledgeBase(store) as knowledge:
        expected = [("Acme Corp", WD + "Q3"), ("Bernard Sanders", WD + "Q359442"), ("Bernie Sanders", WD + "Q1")]
        assert links(knowledge) == expected
        knowledge.remove(str(BERNIE_DOC), reason="again")
        knowledge.ingest_record(BERNIE, name="bernie.json")
        assert links(knowledge) == expected  # links survive re-ingest
        knowledge.merge_entities("Bernie Sanders", "Bernard Sanders", agent="alice")
        assert links(knowledge) == [("Acme Corp", WD + "Q3"), ("Bernard Sanders", WD + "Q1"),
                                    ("Bernard Sanders", WD + "Q359442")]  # a merge keeps both
        # Only the entity states schema:sameAs; what each source said is kb:sameAsWritten on its contribution.
        holders = knowledge.select("SELECT DISTINCT ?s WHERE { ?s schema:sameAs ?q }")
        assert sorted(r["s"] for r in holders) == [f"{ID}org/acme-corp", f"{PERSON}bernard-sanders"]
        assert knowledge.validate().conforms
    shown = kb_cli(store, "sameas", "Bernard Sanders")
    assert shown.out.splitlines() == [WD + "Q1", WD + "Q359442"]
    cleared = kb_cli(store, "sameas", "--clear", "Bernard Sanders")
    assert cleared.code == 0, cleared.err
    assert len(cleared.out.splitlines()) == 2 and cleared.out.startswith(f"unlinked: {PERSON}bernard-sanders sameAs ")
    with kb.KnowledgeBase(store, read_only=True) as knowledge:
        assert links(knowledge) == [("Acme Corp", WD + "Q3")]


def test_a_tsv_without_header_is_read_by_position() -> None:
    from kb.tracking.linkfile import read_rows

    assert read_rows("Bernard Sanders\tQ359442\n\n# a comment\nlonely\n") == (
        [(1, "Bernard Sanders", "Q359442")], [(4, "expected an entity and an identifier")])
    assert read_rows("QID,Person\nQ1,Acme\n") == ([(2, "Acme", "Q1")], [])


def test_a_person_is_never_merged_with_an_organization(store: Path) -> None:
    before = snapshot(store)
    done = kb_cli(store, "merge", "Bernie Sanders", "Acme Corp", "--reason", "typo")
    assert done.code == 1 and done.out == ""
    assert done.err == (f"kb: error: {PERSON}bernie-sanders is a person and {ID}org/acme-corp an organization: "
                        "a person is never merged with an organization\n")
    unknown = kb_cli(store, "merge", "Bernie Sanders", "Nobody Here")
    assert (unknown.code, unknown.err) == (1, "kb: error: no stored person or organization is named 'Nobody Here'\n")
    assert snapshot(store) == before


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_web_curator_merges_and_links(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    for name, record in (("bernie.json", BERNIE), ("bernard.json", BERNARD), ("acme.json", ACME)):
        knowledge.ingest_record(record, name=name)
    client = app.test_client()
    page = client.get("/id/person/bernie-sanders").get_data(as_text=True)
    assert 'id="curation"' in page and "merge into it" not in page  # no forms for visitors
    assert client.post("/id/person/bernie-sanders/merge", data={"into": "Bernard Sanders"}).status_code in (400, 401)

    login = csrf_of(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"token": WRITE_TOKEN, "csrf_token": login, "next": "/"}).status_code == 302
    page = client.get("/id/person/bernie-sanders").get_data(as_text=True)
    assert "merge into it" in page and "split off" in page
    token = csrf_of(page)
    assert client.post("/id/person/bernie-sanders/merge", data={"into": "Bernard Sanders"}).status_code == 400  # no CSRF
    bad = client.post("/id/person/bernie-sanders/merge", data={"into": "Acme Corp", "csrf_token": token},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "never merged with an organization" in bad.get_json()["error"]
    r = client.post("/id/person/bernie-sanders/merge",
                    data={"into": "Bernard Sanders", "reason": "same senator", "csrf_token": token})
    assert r.status_code == 303 and r.headers["Location"] == "/id/person/bernard-sanders#curation"
    r = client.post("/id/person/bernard-sanders/sameas", data={"target": "Q359442", "csrf_token": token},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.get_json()["other"] == WD + "Q359442"

    body = client.get("/id/person/bernard-sanders.json").get_json()
    assert (body["name"], body["aliases"], body["same_as"], len(body["claims"])) == (
        "Bernard Sanders", ["Bernie Sanders"], [WD + "Q359442"], 2)
    assert [(c["action"], c["entity"], c["agent"], c["reason"]) for c in body["curations"]] == [
        ("link", PERSON + "bernard-sanders", "web", ""), ("merge", PERSON + "bernie-sanders", "web", "same senator")]
    # The merged-away IRI keeps answering: a permanent redirect to the entity it lives on as.
    for path, target in (("/id/person/bernie-sanders", "/id/person/bernard-sanders"),
                         ("/id/person/bernie-sanders.json", "/id/person/bernard-sanders.json"),
                         ("/id/person/bernie-sanders.ttl", "/id/person/bernard-sanders.ttl")):
        r = client.get(path)
        assert (r.status_code, r.headers["Location"]) == (301, target), path
    assert client.get("/id/person/bernie-sanders.json", follow_redirects=True).get_json()["name"] == "Bernard Sanders"
    assert knowledge.merged_into(PERSON + "bernard-sanders") is None
    assert client.get("/id/person/nobody-at-all.json").status_code == 404
    html = client.get("/id/person/bernard-sanders").get_data(as_text=True)
    assert WD + "Q359442" in html and "unmerge" in html
    assert client.post("/id/person/bernard-sanders/sameas", data={"csrf_token": token}).status_code == 400


def test_curation_commands_go_through_a_running_server(store: Path, tmp_path: Path) -> None:
    from kbtest import served

    mapping = tmp_path / "links.tsv"
    mapping.write_text("Bernard Sanders\tQ359442\nNobody Here\tQ2\n", encoding="utf-8")
    with served(store):
        merged = kb_cli(store, "merge", "Bernie Sanders", "Bernard Sanders", "--reason", "same senator")
        assert merged.code == 0, merged.err
        assert merged.out.startswith(f"merged: {PERSON}bernie-sanders into {PERSON}bernard-sanders (")
        linked = kb_cli(store, "link", str(mapping))
        assert (linked.code, linked.out) == (1, f"{mapping}: linked 1, already linked 0, 1 line failed\n")
        assert linked.err == f"{mapping}:2: no stored person or organization is named 'Nobody Here'\n"
        listed = kb_cli(store, "curations", "--format", "json")  # read-only: beside the server
        assert [(c["action"], c["agent"]) for c in json.loads(listed.out)] == [
            ("merge", "kb --store " + str(store) + " merge Bernie Sanders Bernard Sanders --reason same senator"),
            ("link", f"kb --store {store} link {mapping}")]


def test_restoring_a_version_from_before_a_merge_is_curated_too(store: Path) -> None:
    with kb.KnowledgeBase(store) as knowledge:
        knowledge.merge_entities("Bernie Sanders", "Bernard Sanders", agent="alice", reason="same senator")
        graph = str(iris.graph_iri(BERNIE_DOC.rsplit("/", 1)[-1]))
        (before,) = knowledge.versions(graph)
        assert (before.agent, before.reason) == ("alice", "same senator")
        knowledge.restore(before.iri, reason="back")
        assert [s for s in speakers(knowledge) if s[0].startswith("person/")] == [
            ("person/bernard-sanders", "Bernard Sanders")] * 2
        assert knowledge.validate().conforms


def test_stored_times_are_read_back_in_one_form_that_sorts() -> None:
    """The store writes xsd:dateTime canonically ("05.12Z" for 05.120000): read back, curations
    carry one fixed form, so a curation made at .120000 still sorts before one at .123456."""
    from kb.writing.provenance import timestamp

    assert timestamp("2026-12-01T22:40:05.12Z") == "2026-12-01T22:40:05.120000Z"
    assert timestamp("2026-12-01T22:40:05Z") == "2026-12-01T22:40:05.000000Z"
    assert timestamp("2026-12-01T23:40:05.5+01:00") == "2026-12-01T22:40:05.500000Z"
    assert sorted(["2026-12-01T22:40:05.12Z", "2026-12-01T22:40:05.123456Z"], key=timestamp) == [
        "2026-12-01T22:40:05.12Z", "2026-12-01T22:40:05.123456Z"]
