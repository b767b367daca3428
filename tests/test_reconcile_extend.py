"""The W3C Reconciliation API's data extension (0.2) at /reconcile, spoken as OpenRefine's "Add columns
from reconciled values" speaks it: the manifest's ``extend``, propose properties, and form-encoded
``extend=`` requests (Flask test client, over the session store: the demo articles and the seed)."""

from __future__ import annotations

import json
from typing import Any

SERVICE = "http://localhost/reconcile"
PERSON = {"id": "http://schema.org/Person", "name": "Person"}
ORGANIZATION = {"id": "http://schema.org/Organization", "name": "Organization"}
NEWS_MEDIA = {"id": "http://schema.org/NewsMediaOrganization", "name": "News media organization"}
EXTEND = {
    "propose_properties": {"service_url": SERVICE, "service_path": "/properties"},
    "property_settings": [{"name": "limit", "label": "Limit", "type": "number", "default": 0,
                           "help_text": "The most values to fetch for each entity (0 for all)"}],
}
COMMON_FIRST = [{"id": "name", "name": "Name"}, {"id": "alternateName", "name": "Aliases"}]
SAME_AS = [{"id": "sameAs", "name": "Same as (Wikidata and other IRIs)"}, {"id": "wikidata", "name": "Wikidata QID"}]
CLAIMS = [{"id": "claimCount", "name": "Number of claims"}, {"id": "firstClaim", "name": "Date of the first claim"},
          {"id": "lastClaim", "name": "Date of the last claim"},
          {"id": "outlet", "name": "Outlets quoting them (most claims first)"}]
PERSON_PROPERTIES = [*COMMON_FIRST, {"id": "honorificPrefix", "name": "Title"}, *SAME_AS,
                     {"id": "roleName", "name": "Roles"}, {"id": "memberOf", "name": "Organizations (of their roles)"},
                     *CLAIMS]
ORGANIZATION_PROPERTIES = [*COMMON_FIRST, *SAME_AS, {"id": "parentOrganization", "name": "Part of"},
                           {"id": "subOrganization", "name": "Parts"}, {"id": "member", "name": "Members"}, *CLAIMS]
COUNCIL = {"id": "org/harbor-city-council", "name": "Harbor City Council"}
NORTHERN_DAILY = {"id": "org/northern-daily", "name": "Northern Daily"}
COASTAL_LEDGER = {"id": "org/the-coastal-ledger", "name": "The Coastal Ledger"}


def extend(client: Any, ids: list[str], properties: list[dict[str, Any]], **form: str) -> Any:
    """An extend request as OpenRefine sends it: POST, application/x-www-form-urlencoded, the JSON in ``extend``."""
    response = client.post("/reconcile", data={"extend": json.dumps({"ids": ids, "properties": properties}), **form})
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response


def test_the_manifest_advertises_data_extension(client: Any) -> None:
    manifest = client.get("/reconcile").get_json()
    assert manifest["extend"] == EXTEND


def test_propose_properties_by_type(client: Any) -> None:
    def propose(**args: str) -> Any:
        response = client.get("/reconcile/properties", query_string=args)
        assert (response.status_code, response.headers["Access-Control-Allow-Origin"]) == (200, "*")
        return response.get_json()

    assert propose(type="http://schema.org/Person") == {"type": PERSON["id"], "properties": PERSON_PROPERTIES}
    organization = {"type": ORGANIZATION["id"], "properties": ORGANIZATION_PROPERTIES}
    assert propose(type="schema:Organization") == organization
    # An outlet is an organization: the same properties, its own type echoed.
    assert propose(type="NewsMediaOrganization") == {**organization, "type": NEWS_MEDIA["id"]}
    assert propose(type="http://schema.org/Person", limit="3") == {
        "type": PERSON["id"], "properties": PERSON_PROPERTIES[:3], "limit": 3}
    # Reconciled against no particular type: every property, each once.
    everything = propose()["properties"]
    assert [p["id"] for p in everything] == [
        "name", "alternateName", "honorificPrefix", "sameAs", "wikidata", "roleName", "memberOf",
        "parentOrganization", "subOrganization", "member", "claimCount", "firstClaim", "lastClaim", "outlet"]
    jsonp = client.get("/reconcile/properties", query_string={"type": "Person", "limit": "1", "callback": "cb"})
    assert jsonp.get_data(as_text=True) == "/**/cb(" + json.dumps(
        {"type": PERSON["id"], "properties": PERSON_PROPERTIES[:1], "limit": 1}) + ");"
    bad = client.get("/reconcile/properties", query_string={"type": "http://schema.org/Place"})
    assert (bad.status_code, bad.get_json()) == (400, {
        "error": "unknown type 'http://schema.org/Place': reconcile against one of http://schema.org/Person,"
                 " http://schema.org/Organization, http://schema.org/NewsMediaOrganization", "status": 400})


def test_extend_form_encoded_as_openrefine_sends_it(client: Any) -> None:
    properties = [{"id": p} for p in ("name", "alternateName", "honorificPrefix", "roleName", "memberOf",
                                      "member", "claimCount", "firstClaim", "lastClaim", "outlet")]
    answer = extend(client, ["person/elena-varga", "org/harbor-city-council", "person/nobody-at-all"],
                    properties).get_json()
    assert answer == {
        "meta": [
            {"id": "name", "name": "Name"}, {"id": "alternateName", "name": "Aliases"},
            {"id": "honorificPrefix", "name": "Title"}, {"id": "roleName", "name": "Roles"},
            {"id": "memberOf", "name": "Organizations (of their roles)", "type": ORGANIZATION},
            {"id": "member", "name": "Members", "type": PERSON},
            {"id": "claimCount", "name": "Number of claims"}, {"id": "firstClaim", "name": "Date of the first claim"},
            {"id": "lastClaim", "name": "Date of the last claim"},
            {"id": "outlet", "name": "Outlets quoting them (most claims first)", "type": NEWS_MEDIA},
        ],
        "rows": {
            "person/elena-varga": {
                "name": [{"str": "Elena Varga"}], "alternateName": [{"str": "Varga"}],
                "honorificPrefix": [{"str": "Mayor"}], "roleName": [{"str": "Mayor of Harbor City"}],
                "memberOf": [COUNCIL],
                "member": [],  # an organization's property: empty for a person
                "claimCount": [{"int": 4}],
                "firstClaim": [{"date": "2024-03-12T00:00:00Z"}], "lastClaim": [{"date": "2024-05-20T00:00:00Z"}],
                # Two claims each: by name.
                "outlet": [NORTHERN_DAILY, COASTAL_LEDGER],
            },
            "org/harbor-city-council": {
                "name": [{"str": "Harbor City Council"}], "alternateName": [], "honorificPrefix": [], "roleName": [],
                "memberOf": [],
                "member": [{"id": "person/elena-varga", "name": "Elena Varga"},
                           {"id": "person/tom-brandt", "name": "Tom Brandt"}],
                # The claims its page lists: its members' (Elena Varga's 4, Tom Brandt's 1).
                "claimCount": [{"int": 5}],
                "firstClaim": [{"date": "2024-03-12T00:00:00Z"}], "lastClaim": [{"date": "2024-05-20T00:00:00Z"}],
                "outlet": [COASTAL_LEDGER, NORTHERN_DAILY],
            },
            # An id the store does not know: empty cells, not an error.
            "person/nobody-at-all": {p["id"]: [] for p in properties},
        },
    }


def test_relations_between_organizations_and_the_full_iri_of_an_id(client: Any) -> None:
    answer = extend(client, ["org/quds-force", "https://w3id.org/claimkb/id/org/hamas"],
                    [{"id": "parentOrganization"}, {"id": "subOrganization"}, {"id": "claimCount"},
                     {"id": "firstClaim"}]).get_json()
    assert answer["rows"] == {
        "org/quds-force": {
            "parentOrganization": [{"id": "org/islamic-revolutionary-guards-corps",
                                    "name": "Islamic Revolutionary Guards Corps"}],
            "subOrganization": [], "claimCount": [{"int": 11}], "firstClaim": [{"date": "2021-05-20T00:00:00Z"}]},
        "https://w3id.org/claimkb/id/org/hamas": {
            "parentOrganization": [],
            "subOrganization": [{"id": "org/izzadin-al-qassam-brigades", "name": "Izzadin al-Qassam Brigades"}],
            # No claims: a count of 0, no dates.
            "claimCount": [{"int": 0}], "firstClaim": []},
    }


def test_the_limit_setting(client: Any) -> None:
    # OpenRefine sends a number setting as the text of its input box.
    answer = extend(client, ["person/elena-varga"],
                    [{"id": "outlet", "settings": {"limit": "1"}}, {"id": "alternateName", "settings": {"limit": 0}},
                     {"id": "roleName", "settings": {"limit": ""}}]).get_json()
    assert answer["rows"] == {"person/elena-varga": {"outlet": [NORTHERN_DAILY], "alternateName": [{"str": "Varga"}],
                                                     "roleName": [{"str": "Mayor of Harbor City"}]}}


def test_extend_by_get_as_jsonp_and_with_schema_spellings(client: Any) -> None:
    request = {"ids": ["person/tom-brandt"],
               "properties": [{"id": "schema:name"}, {"id": "http://schema.org/memberOf"}]}
    response = client.get("/reconcile", query_string={"extend": json.dumps(request), "callback": "cb"})
    assert (response.status_code, response.mimetype) == (200, "application/javascript")
    # The meta and rows use each property id as it was sent.
    expected = {"meta": [{"id": "schema:name", "name": "Name"},
                         {"id": "http://schema.org/memberOf", "name": "Organizations (of their roles)",
                          "type": ORGANIZATION}],
                "rows": {"person/tom-brandt": {"schema:name": [{"str": "Tom Brandt"}],
                                               "http://schema.org/memberOf": [COUNCIL]}}}
    assert response.get_data(as_text=True) == "/**/cb(" + json.dumps(expected, ensure_ascii=False) + ");"


def test_bad_extend_requests_are_400_json_errors(client: Any) -> None:
    known = ("name, alternateName, honorificPrefix, sameAs, wikidata, roleName, memberOf, parentOrganization,"
             " subOrganization, member, claimCount, firstClaim, lastClaim, outlet")
    cases = {
        "{not json": "extend is not valid JSON: Expecting property name enclosed in double quotes:"
                     " line 1 column 2 (char 1)",
        "[]": "extend is a JSON object such as {\"ids\": [\"person/esmail-qaani\"],"
              " \"properties\": [{\"id\": \"memberOf\"}]}",
        json.dumps({"ids": "person/elena-varga", "properties": [{"id": "name"}]}):
            "extend: \"ids\" is a list of entity ids, not 'person/elena-varga'",
        json.dumps({"ids": ["person/elena-varga"], "properties": []}):
            "extend: \"properties\" is a list of {\"id\": ...}, not []",
        json.dumps({"ids": ["person/elena-varga"], "properties": ["name"]}):
            "extend: a property is {\"id\": ...}, not 'name'",
        json.dumps({"ids": ["person/elena-varga"], "properties": [{"id": "P17"}]}):
            f"unknown property 'P17': the properties are {known}",
        json.dumps({"ids": ["person/elena-varga"], "properties": [{"id": "outlet", "settings": {"limit": "-1"}}]}):
            "outlet: the \"limit\" setting is a whole number from 0 (all) to 1000, not '-1'",
        json.dumps({"ids": ["x"] * 1001, "properties": [{"id": "name"}]}):
            "extend: 1001 ids in one request; send at most 1000",
    }
    for sent, error in cases.items():
        response = client.post("/reconcile", data={"extend": sent})
        assert (response.status_code, response.mimetype) == (400, "application/json"), sent
        assert response.get_json() == {"error": error, "status": 400}
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_links_to_wikidata_as_columns(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    council = "https://w3id.org/claimkb/id/org/harbor-city-council"
    knowledge.ingest_rdf(f"""@prefix schema: <http://schema.org/> .
        <{council}> a schema:Organization ; schema:name "Harbor City Council" ;
            schema:sameAs <http://www.wikidata.org/entity/Q4242>, <https://example.org/councils/harbor> .""",
                         "turtle", name="links.ttl")
    answer = extend(app.test_client(), ["org/harbor-city-council", "person/elena-varga"],
                    [{"id": "sameAs"}, {"id": "wikidata"}]).get_json()
    assert answer["rows"] == {
        "org/harbor-city-council": {
            "sameAs": [{"str": "http://www.wikidata.org/entity/Q4242"}, {"str": "https://example.org/councils/harbor"}],
            "wikidata": [{"str": "Q4242"}]},
        "person/elena-varga": {"sameAs": [], "wikidata": []},
    }
