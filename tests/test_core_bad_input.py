"""Bad input through the real ``kb`` command: one line on stderr, a non-zero exit,
and a store that is byte-for-byte what it was."""

from __future__ import annotations

import json

import pytest

from gold import seed_record
from kbtest import kb_cli, snapshot

GOOD_TTL = """
@prefix schema: <http://schema.org/> .
<https://w3id.org/claimkb/id/person/ana-ruiz> a schema:Person ; schema:name "Ana Ruiz" .
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://schema.org/">
  <rdf:Description rdf:about="https://w3id.org/claimkb/id/person/x"><s:name>&lol4;</s:name></rdf:Description>
</rdf:RDF>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:s="http://schema.org/">
  <rdf:Description rdf:about="https://w3id.org/claimkb/id/person/x"><s:name>&xxe;</s:name></rdf:Description>
</rdf:RDF>
"""

REMOTE_CONTEXT = json.dumps(
    {"@context": "http://127.0.0.1:9/context.jsonld", "@id": "https://w3id.org/claimkb/id/person/x", "name": "X"}
)

# Well-formed RDF that breaks the shapes: a kind outside the closed list, and an
# author that is a web page rather than a person or organization.
INVALID_CLAIM = """
@prefix schema: <http://schema.org/> .
@prefix kb: <https://w3id.org/claimkb/ns#> .
<https://w3id.org/claimkb/id/claim/bad> a schema:Claim ; schema:text "It is so." ; kb:kind kb:Rumour ;
    schema:author <https://example.org/a-web-page> .
"""


@pytest.fixture()
def store(tmp_path):
    """A store that already holds something, so "unchanged" is a real check."""
    path = tmp_path / "store"
    seed = tmp_path / "person.ttl"
    seed.write_text(GOOD_TTL, encoding="utf-8")
    run = kb_cli(path, "ingest", str(seed))
    assert run.code == 0, run.err
    assert run.out == (
        "written person.ttl: 1 graph added; 4 triples, 0 claims written\n"
        "1 input: 1 written, 0 unchanged, 0 refused; 4 triples, 0 claims written\n"
    )
    return path


def _refused(store, tmp_path, name: str, content: bytes | str, *, expect: str) -> None:
    file = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    file.write_bytes(content)
    before = snapshot(store)
    run = kb_cli(store, "ingest", str(file))
    lines = run.err.splitlines()
    assert run.code == 1
    assert len(lines) == 1, run.err
    assert lines[0].startswith("kb: error: ")
    assert expect in lines[0], lines[0]
    assert "Traceback" not in run.err
    assert run.out in ("", "1 input: 0 written, 0 unchanged, 1 refused; 0 triples, 0 claims written\n")
    assert snapshot(store) == before


def test_malformed_turtle_is_refused(store, tmp_path):
    _refused(store, tmp_path, "bad.ttl", "<a> <b> .", expect="bad.ttl: malformed turtle")


def test_malformed_json_record_is_refused(store, tmp_path):
    _refused(store, tmp_path, "bad.json", '{"document": ', expect="bad.json: malformed JSON: Expecting value at line 1 column 14")


def test_a_quote_that_does_not_match_its_offsets_is_refused(store, tmp_path):
    record = seed_record()
    record["claims"][4]["start"] += 1  # one character off
    record["claims"][4]["end"] += 1
    _refused(store, tmp_path, "shifted.json", json.dumps(record),
             expect="shifted.json: claims[4].text: \"We are living with you the great battle of the 'Sword of Je…\" "
                    "differs from the document text at [592, 759), which is \"e are living with you the great battle")


def test_shacl_violations_are_refused_with_the_first_one_named(store, tmp_path):
    _refused(store, tmp_path, "invalid.ttl", INVALID_CLAIM,
             expect="rejected, nothing was written:")
    run = kb_cli(store, "ingest", str(tmp_path / "invalid.ttl"), "--report", str(tmp_path / "report.txt"))
    assert run.code == 1
    report = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "<https://w3id.org/claimkb/id/claim/bad> kb:kind:" in report
    assert "<https://w3id.org/claimkb/id/claim/bad> schema:author:" in report


def test_an_unknown_format_is_refused(store, tmp_path):
    _refused(store, tmp_path, "notes.docx", "x", expect="notes.docx: unknown file type '.docx'")


def test_an_unknown_format_option_is_refused(store, tmp_path):
    (tmp_path / "a.ttl").write_text(GOOD_TTL, encoding="utf-8")
    run = kb_cli(store, "ingest", "--format", "yaml", str(tmp_path / "a.ttl"))
    assert (run.code, run.err) == (1, "kb: error: unknown RDF format 'yaml' (use one of: turtle, trig, nt, nquads, jsonld, xml)\n")


def test_a_missing_file_is_refused(store, tmp_path):
    before = snapshot(store)
    run = kb_cli(store, "ingest", str(tmp_path / "nope.ttl"))
    assert (run.code, run.err) == (1, f"kb: error: {tmp_path / 'nope.ttl'}: no such file\n")
    assert snapshot(store) == before


def test_bytes_that_are_not_utf8_are_refused(store, tmp_path):
    _refused(store, tmp_path, "latin1.ttl", "<a> <b> \"caf\xe9\" .".encode("latin-1"),
             expect="latin1.ttl: not UTF-8 text (invalid byte at offset 12)")


def test_an_rdfxml_entity_bomb_is_refused(store, tmp_path):
    _refused(store, tmp_path, "bomb.rdf", BILLION_LAUGHS,
             expect="bomb.rdf: RDF/XML with a DOCTYPE or ENTITY declaration is refused")


def test_an_rdfxml_external_entity_is_refused(store, tmp_path):
    _refused(store, tmp_path, "xxe.rdf", EXTERNAL_ENTITY,
             expect="xxe.rdf: RDF/XML with a DOCTYPE or ENTITY declaration is refused")


def test_jsonld_with_a_remote_context_is_refused_and_never_fetched(store, tmp_path):
    _refused(store, tmp_path, "remote.jsonld", REMOTE_CONTEXT,
             expect="remote.jsonld: JSON-LD remote @context 'http://127.0.0.1:9/context.jsonld' is not fetched; inline the context")


def test_jsonld_with_the_schema_org_context_is_read_locally(store, tmp_path):
    doc = {"@context": "https://schema.org", "@id": "https://w3id.org/claimkb/id/person/bo-li",
           "@type": "Person", "name": "Bo Li"}
    (tmp_path / "p.jsonld").write_text(json.dumps(doc), encoding="utf-8")
    run = kb_cli(store, "ingest", str(tmp_path / "p.jsonld"))
    assert (run.code, run.out.splitlines()[0]) == (0, "written p.jsonld: 1 graph added; 4 triples, 0 claims written")
    names = kb_cli(store, "query", "--format", "csv", "SELECT ?n WHERE { ?p a <http://schema.org/Person> ; <http://schema.org/name> ?n } ORDER BY ?n")
    assert names.out.splitlines() == ["n", "Ana Ruiz", "Bo Li"]


def test_one_bad_file_among_good_ones_writes_nothing_with_atomic(store, tmp_path):
    (tmp_path / "good.ttl").write_text(GOOD_TTL.replace("ana-ruiz", "bo-li").replace("Ana Ruiz", "Bo Li"), encoding="utf-8")
    (tmp_path / "bad.ttl").write_text(INVALID_CLAIM, encoding="utf-8")
    before = snapshot(store)
    run = kb_cli(store, "ingest", "--atomic", str(tmp_path / "good.ttl"), str(tmp_path / "bad.ttl"))
    assert run.code == 1 and len(run.err.splitlines()) == 1
    assert run.out == ""
    assert snapshot(store) == before


def test_one_bad_file_never_costs_the_others(store, tmp_path):
    """Each input is its own atomic write, reported on its own line; exit 1 names the refused file."""
    (tmp_path / "good.ttl").write_text(GOOD_TTL.replace("ana-ruiz", "bo-li").replace("Ana Ruiz", "Bo Li"), encoding="utf-8")
    (tmp_path / "bad.ttl").write_text(INVALID_CLAIM, encoding="utf-8")
    (tmp_path / "broken.ttl").write_text("<a> <b> .", encoding="utf-8")
    run = kb_cli(store, "ingest", *(str(tmp_path / n) for n in ("good.ttl", "bad.ttl", "broken.ttl")))
    assert run.code == 1
    err = run.err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("kb: error: bad.ttl: rejected, nothing was written: ") and "SHACL violation" in err[0]
    assert err[1].startswith("kb: error: broken.ttl: malformed turtle")
    assert run.out.splitlines() == [
        "written good.ttl: 1 graph added; 4 triples, 0 claims written",
        "3 inputs: 1 written, 0 unchanged, 2 refused; 4 triples, 0 claims written",
    ]
    names = kb_cli(store, "query", "--format", "csv", "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n } ORDER BY ?n")
    assert names.out.splitlines() == ["n", "Ana Ruiz", "Bo Li"]


def test_usage_errors_are_one_line(store):
    run = kb_cli(store, "frobnicate")
    assert run.code == 2
    assert len(run.err.splitlines()) == 1 and run.err.startswith("kb: error: argument COMMAND: invalid choice")
