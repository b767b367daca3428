"""The W3C Entity Reconciliation API (0.2) at /reconcile, spoken as OpenRefine speaks it: the manifest,
form-encoded query batches, JSONP, the suggest services and the view template (Flask test client,
over the session store: the demo articles and the seed)."""

from __future__ import annotations

import json
from typing import Any

PERSON = {"id": "http://schema.org/Person", "name": "Person"}
ORGANIZATION = {"id": "http://schema.org/Organization", "name": "Organization"}
NEWS_MEDIA = {"id": "http://schema.org/NewsMediaOrganization", "name": "News media organization"}
QAANI_DESCRIPTION = ("Brig.-Gen.; chief of Iran’s Islamic Revolutionary Guards Corps Quds Force;"
                     " head of the Quds force")
QUDS_FORCE = {"id": "org/quds-force", "name": "Quds Force", "type": [ORGANIZATION], "score": 100.0, "match": True,
              "description": "part of Islamic Revolutionary Guards Corps"}
SERVICE = "http://localhost/reconcile"
MANIFEST = {
    "versions": ["0.2"],
    "name": "kb: people and organizations",
    "identifierSpace": "https://w3id.org/claimkb/id/",
    "schemaSpace": "http://schema.org/",
    "defaultTypes": [PERSON, ORGANIZATION],
    "view": {"url": SERVICE + "/view/{{id}}"},
    "suggest": {kind: {"service_url": SERVICE, "service_path": f"/suggest/{kind}"}
                for kind in ("entity", "type", "property")},
    "batchSize": 1000,
    # Data extension: tests/test_reconcile_extend.py.
    "extend": {"propose_properties": {"service_url": SERVICE, "service_path": "/properties"},
               "property_settings": [{"name": "limit", "label": "Limit", "type": "number", "default": 0,
                                      "help_text": "The most values to fetch for each entity (0 for all)"}]},
}


def qaani(score: float, match: bool) -> dict[str, Any]:
    return {"id": "person/esmail-qaani", "name": "Esmail Qaani", "type": [PERSON], "score": score, "match": match,
            "description": QAANI_DESCRIPTION}


def batch(client: Any, queries: dict[str, Any], **form: str) -> Any:
    """A batch as OpenRefine sends it: POST, application/x-www-form-urlencoded, the JSON in ``queries``."""
    response = client.post("/reconcile", data={"queries": json.dumps(queries), **form})
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response


def test_the_manifest_answers_a_get_without_parameters(client: Any) -> None:
    response = client.get("/reconcile")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == MANIFEST
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_manifest_as_jsonp(client: Any) -> None:
    response = client.get("/reconcile?callback=jQuery1234_5678")
    assert (response.status_code, response.mimetype) == (200, "application/javascript")
    body = response.get_data(as_text=True)
    assert body.startswith("/**/jQuery1234_5678(") and body.endswith(");")
    assert json.loads(body[len("/**/jQuery1234_5678("):-2]) == MANIFEST


def test_a_callback_that_is_no_function_name_is_refused(client: Any) -> None:
    response = client.get("/reconcile?callback=alert(1)//")
    assert (response.status_code, response.mimetype) == (400, "application/json")
    assert response.get_json() == {
        "error": "callback must be a JavaScript function name (letters, digits, _, $ and dots)", "status": 400}


def test_a_batch_form_encoded_as_openrefine_sends_it(client: Any) -> None:
    queries = {
        "q0": {"query": "Esmail Qaani", "type": "http://schema.org/Person", "type_strict": "should"},
        "q1": {"query": "Qaani", "type": "https://schema.org/Person", "limit": 3},
        "q2": {"query": "Nobody Atallknown"},
        "q3": {"query": "quds force"},
        "q4": {"query": "ESMAIL QAANÍ", "properties": []},
        "q5": {"query": "Brig.-Gen. Esmail Qaani"},
        "q6": {"query": "Ismail Qaani"},
        "q7": {"query": "Soleimani", "type": "Person"},
    }
    answer = batch(client, queries).get_json()
    assert list(answer) == list(queries)
    assert answer["q0"] == {"result": [qaani(100.0, True)]}
    # A surname alone is a candidate, never a sure match.
    assert answer["q1"] == {"result": [qaani(80.0, False)]}
    assert answer["q2"] == {"result": []}
    assert answer["q3"] == {"result": [QUDS_FORCE]}
    assert answer["q4"] == {"result": [qaani(100.0, True)]}  # case and diacritics do not count
    assert answer["q5"] == {"result": [qaani(95.0, True)]}  # title and name
    assert answer["q6"] == {"result": [qaani(64.2, False)]}  # a near spelling: difflib ratio 0.917 × 70
    (soleimani,) = answer["q7"]["result"]
    assert (soleimani["id"], soleimani["score"], soleimani["match"]) == ("person/qasem-soleimani", 65.0, False)


def test_the_type_filters_people_from_organizations(client: Any) -> None:
    queries = {"any": {"query": "Quds Force"}, "person": {"query": "Quds Force", "type": "http://schema.org/Person"},
               "org": {"query": "Quds Force", "type": ["schema:Organization"]},
               "outlet": {"query": "Jerusalem Post", "type": "http://schema.org/NewsMediaOrganization"},
               "people": {"query": "Esmail Qaani", "type": "http://schema.org/Organization"}}
    answer = batch(client, queries).get_json()
    assert answer["any"] == answer["org"] == {"result": [QUDS_FORCE]}
    assert answer["person"] == {"result": []}
    assert answer["people"] == {"result": []}
    assert answer["outlet"] == {"result": [{
        "id": "org/the-jerusalem-post", "name": "The Jerusalem Post", "type": [ORGANIZATION, NEWS_MEDIA],
        "score": 95.0, "match": True, "description": "news media"}]}


def test_limit_and_an_id_as_the_query(client: Any) -> None:
    answer = batch(client, {"all": {"query": "General"}, "few": {"query": "General", "limit": 1},
                            "id": {"query": "person/esmail-qaani"},
                            "iri": {"query": "https://w3id.org/claimkb/id/person/esmail-qaani"}}).get_json()
    # A word of a title and name: 50 + 30 × the share of the name's words it covers.
    found = [(c["id"], c["score"], c["match"]) for c in answer["all"]["result"]]
    assert found == [("person/qasem-soleimani", 60.0, False), ("person/hossein-salami", 57.5, False)]
    assert [c["id"] for c in answer["few"]["result"]] == ["person/qasem-soleimani"]
    assert answer["id"] == answer["iri"] == {"result": [qaani(100.0, True)]}


def test_queries_by_get_and_the_older_single_query(client: Any) -> None:
    by_get = client.get("/reconcile", query_string={"queries": json.dumps({"q0": {"query": "Esmail Qaani"}})})
    assert by_get.get_json() == {"q0": {"result": [qaani(100.0, True)]}}
    single = client.get("/reconcile", query_string={"query": "Esmail Qaani"})
    assert single.get_json() == {"result": [qaani(100.0, True)]}
    as_object = client.post("/reconcile", data={"query": json.dumps({"query": "Qaani", "limit": 1})})
    assert as_object.get_json() == {"result": [qaani(80.0, False)]}
    jsonp = batch(client, {"q0": {"query": "Esmail Qaani"}}, callback="cb")
    assert jsonp.mimetype == "application/javascript"
    assert jsonp.get_data(as_text=True) == "/**/cb(" + json.dumps({"q0": {"result": [qaani(100.0, True)]}},
                                                                  ensure_ascii=False) + ");"


def test_bad_input_is_a_400_json_error(client: Any) -> None:
    cases = {
        "{not json": "queries is not valid JSON: Expecting property name enclosed in double quotes:"
                     " line 1 column 2 (char 1)",
        "[]": "queries is a JSON object of queries by key, such as {\"q0\": {\"query\": \"Esmail Qaani\"}}",
        json.dumps({"q0": {"query": "Qaani", "type": "http://schema.org/Place"}}):
            "unknown type 'http://schema.org/Place': reconcile against one of http://schema.org/Person,"
            " http://schema.org/Organization, http://schema.org/NewsMediaOrganization",
        json.dumps({"q0": {"query": "Qaani", "limit": 0}}): "q0: \"limit\" is a whole number from 1 to 100, not 0",
        json.dumps({"q0": {"query": "Qaani", "properties": [{"pid": "P27", "v": "Q794"}]}}):
            "unknown property 'P27': the properties are http://schema.org/sameAs",
        json.dumps({"q0": {"query": "  "}}): "q0: give a name in \"query\" (or a sameAs property)",
    }
    for sent, error in cases.items():
        response = client.post("/reconcile", data={"queries": sent})
        assert (response.status_code, response.mimetype) == (400, "application/json"), sent
        assert response.get_json() == {"error": error, "status": 400}
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_suggest_services(client: Any) -> None:
    entity = client.get("/reconcile/suggest/entity", query_string={"prefix": "qa"}).get_json()
    # Whole names first (Qasem Soleimani), then aliases (Qaani), then a word of a name (al-Qassam).
    assert [e["id"] for e in entity["result"]] == ["person/qasem-soleimani", "person/esmail-qaani",
                                                    "org/izzadin-al-qassam-brigades"]
    assert entity["result"][1] == {"id": "person/esmail-qaani", "name": "Esmail Qaani",
                                   "description": QAANI_DESCRIPTION, "notable": [PERSON]}
    orgs = client.get("/reconcile/suggest/entity",
                      query_string={"prefix": "qa", "type": "http://schema.org/Organization"}).get_json()
    assert [e["id"] for e in orgs["result"]] == ["org/izzadin-al-qassam-brigades"]
    more = client.get("/reconcile/suggest/entity", query_string={"prefix": "qa", "cursor": "2"}).get_json()
    assert [e["id"] for e in more["result"]] == ["org/izzadin-al-qassam-brigades"]
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "pers"}).get_json()
    assert types == {"result": [PERSON]}
    props = client.get("/reconcile/suggest/property", query_string={"prefix": "same"}).get_json()
    assert props == {"result": [{"id": "http://schema.org/sameAs", "name": "same as (Wikidata QID or IRI)"}]}
    bad = client.get("/reconcile/suggest/entity", query_string={"prefix": "qa", "cursor": "x"})
    assert (bad.status_code, bad.get_json()) == (400, {"error": "cursor must be a whole number, not 'x'",
                                                       "status": 400})


def test_the_view_template_leads_to_the_entity_page(client: Any) -> None:
    response = client.get("/reconcile/view/person/esmail-qaani")
    assert (response.status_code, response.headers["Location"]) == (303, "/id/person/esmail-qaani")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Esmail Qaani" in page.get_data(as_text=True)


def test_a_wikidata_link_is_a_reconciliation_property(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    council = "https://w3id.org/claimkb/id/org/harbor-city-council"
    knowledge.ingest_rdf(f"""@prefix schema: <http://schema.org/> .
        <{council}> a schema:Organization ; schema:name "Harbor City Council" ;
            schema:sameAs <http://www.wikidata.org/entity/Q4242> .""", "turtle", name="links.ttl")
    client = app.test_client()
    same_as = "http://schema.org/sameAs"
    answer = batch(client, {
        "linked": {"query": "Harbour City Council", "properties": [{"pid": same_as, "v": "Q4242"}]},
        "only": {"properties": [{"pid": "schema:sameAs", "v": [{"id": "https://www.wikidata.org/wiki/Q4242"}]}]},
        "other": {"query": "Harbor City Council", "properties": [{"pid": same_as, "v": "Q1"}]},
        "plain": {"query": "Harbor City Council", "type": "http://schema.org/Organization"},
    }).get_json()
    expected = {"id": "org/harbor-city-council", "name": "Harbor City Council", "type": [ORGANIZATION],
                "score": 100.0, "match": True, "description": ""}
    assert answer["linked"] == answer["only"] == answer["plain"] == {"result": [expected]}
    # Another QID than the council's own: still a candidate, 30 points down and never sure.
    assert answer["other"] == {"result": [{**expected, "score": 70.0, "match": False}]}


def test_namesakes_are_candidates_but_never_a_sure_match(fresh_web: Any) -> None:
    app, knowledge = fresh_web
    other = "https://example.org/people/maria-chen"
    knowledge.ingest_rdf(f"""@prefix schema: <http://schema.org/> .
        <{other}> a schema:Person ; schema:name "Maria Chen" .""", "turtle", name="namesake.ttl")
    client = app.test_client()
    found = batch(client, {"q0": {"query": "Maria Chen"}}).get_json()["q0"]["result"]
    # An entity an input named with its own IRI has that IRI as its id.
    assert [(c["id"], c["score"], c["match"]) for c in found] == [
        ("https://example.org/people/maria-chen", 100.0, False), ("person/maria-chen", 100.0, False)]
    view = client.get("/reconcile/view/" + other)
    assert (view.status_code, view.headers["Location"]) == (303, other)
