"""The data extension reads an entity's roles, members and parts (kb.browse.entity_detail: a query
each) only when a property asked needs them: names, aliases, title and links come from the entity's
own triples alone, with the same values (over the session store: the demo articles and the seed)."""

from __future__ import annotations

from typing import Any

import pytest

from kb.tracking import extend as extension

IDS = ["person/elena-varga", "org/harbor-city-council", "person/nobody-at-all"]
CHEAP = ["name", "alternateName", "honorificPrefix", "sameAs", "wikidata"]
EXPECTED = {
    "person/elena-varga": {"name": [{"str": "Elena Varga"}], "alternateName": [{"str": "Varga"}],
                           "honorificPrefix": [{"str": "Mayor"}], "sameAs": [], "wikidata": []},
    "org/harbor-city-council": {"name": [{"str": "Harbor City Council"}], "alternateName": [],
                                "honorificPrefix": [], "sameAs": [], "wikidata": []},
    "person/nobody-at-all": {p: [] for p in CHEAP},
}


def _rows(knowledge: Any, properties: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    request = extension.parse_extend({"ids": IDS, "properties": [{"id": p} for p in properties]})
    return extension.extend(knowledge, request)["rows"]  # type: ignore[no-any-return]


def test_cheap_properties_alone_skip_the_full_reading_and_give_the_same_values(
        web_store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # With a property that reads roles: the full reading, as before.
    with_roles = _rows(web_store, [*CHEAP, "roleName"])
    assert with_roles["person/elena-varga"]["roleName"] == [{"str": "Mayor of Harbor City"}]
    assert {i: {p: row[p] for p in CHEAP} for i, row in with_roles.items()} == EXPECTED

    def refused(kb: Any, iri: str) -> Any:
        raise AssertionError(f"entity_detail read for {iri}, though no property asked needs it")

    monkeypatch.setattr(extension, "entity_detail", refused)
    assert _rows(web_store, CHEAP) == EXPECTED
    assert _rows(web_store, ["wikidata", "name"]) == {
        i: {"wikidata": row["wikidata"], "name": row["name"]} for i, row in EXPECTED.items()}
    # An organization's property (members) reads the full detail of organizations only: the person
    # (first in IDS) is read cheaply, the council is not.
    with pytest.raises(AssertionError, match="for https://w3id.org/claimkb/id/org/harbor-city-council,"):
        _rows(web_store, ["name", "member"])


def test_schema_spellings_are_read_as_reconcile_reads_them() -> None:
    from kb.tracking.reconcile import SPELLINGS, schema_terms

    assert SPELLINGS == ("http://schema.org/", "https://schema.org/", "schema:", "")
    assert schema_terms("schema:sameAs") == ["sameAs", "schema:sameAs"]
    assert schema_terms(3) == []
    for sent in ("sameAs", "schema:sameAs", "http://schema.org/sameAs", "https://schema.org/sameAs"):
        assert extension._property(sent) is extension.PROPERTIES["sameAs"], sent
    with pytest.raises(Exception, match="unknown property 'schema:sameas'"):
        extension._property("schema:sameas")
