"""Making a claim record fit the model, so that whatever ``kb extract`` prints ``kb ingest`` accepts.

Where the reading is unsure, the extractor chooses what the model allows and lowers
the claim's ``confidence`` (by 0.2, or 0.1 for a dropped place):

- a place that speaks, is addressed or relays a claim ("North Korea said") is taken for
  its government, an organization;
- a venue has one place (an event has one location): the first one read;
- a place whose name is listed as another kind of entity is dropped;
- entities whose names give the same IRI ("O'Malley" and "O’Malley", "usa-today" and
  "USA Today") are one entity, with the other spellings as aliases;
- the article's publisher is an outlet, and the publisher and author take the spelling of
  the entity they name;
- a role's organization must be an organization ("the husband of Chelsea Clinton" names
  a person: the role keeps its name and loses the organization).
"""

from __future__ import annotations

from typing import Any

from kb.extract.claims import Claim
from kb.extract.entities import ANON, MEDIA_ORG, ORG, PERSON, PLACE, Entity, Registry
from kb.iris import slug

UNSURE = 0.2
FOLDER = {PERSON: "person", ORG: "org", MEDIA_ORG: "org", PLACE: "place", ANON: "source"}


def by_paragraph(spans: list[tuple[int, int]], text: str,
                 paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans cut at paragraph ends: a quote over paragraphs is one span per paragraph,
    without the marks that reopen it (``text`` is the view where every mark is “ or ”)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        for lo, hi in paragraphs:
            if hi <= a or lo >= b:
                continue
            x, y = max(a, lo), min(b, hi)
            while x < y and x > a and (text[x] in "“”\"" or text[x].isspace()):
                x += 1
            while y > x and y < b and text[y - 1] in "“”\" ":
                y -= 1
            if y > x:
                out.append((x, y))
    return out or spans


def _agents(c: Claim) -> list[Entity | None]:
    return [c.speaker.entity if c.speaker else None, c.addressee, c.via]


def settle(claims: list[Claim], registry: Registry, meta: dict[str, Any]) -> None:
    """Fix ``claims``, ``registry`` and the document ``meta`` in place (see the module)."""
    for c in claims:
        for agent in _agents(c):
            if agent is not None and agent.type == PLACE:
                agent.type = ORG
                c.confidence -= UNSURE
    for key in ("publisher", "author"):
        value = meta.get(key)
        listed = next((e for e in registry.entities if value and e.type != ANON
                       and slug(value) in {slug(f) for f in (e.name, *e.aliases)}), None)
        if listed is None:
            continue
        meta[key] = listed.name
        if listed.type == PLACE or key == "publisher" and listed.type not in (ORG, MEDIA_ORG):
            listed.type = MEDIA_ORG if key == "publisher" else ORG
    _unify(claims, registry)
    places: dict[str, str] = {}
    for c in claims:
        if c.venue is None or c.place is None:
            continue
        first = places.setdefault(c.venue, c.place)
        if c.place != first:
            c.place = first
            c.confidence -= UNSURE
    for c in claims:
        if c.place is not None and not _is_place(c.place, registry):
            c.place = None
            c.confidence -= UNSURE / 2
    orgs = {e.name for e in registry.entities if e.type in (ORG, MEDIA_ORG)}
    for e in registry.entities:
        for role in e.roles:
            if role.get("organization") not in orgs:
                role.pop("organization", None)
    for c in claims:
        c.confidence = max(0.1, c.confidence)


def _unify(claims: list[Claim], registry: Registry) -> None:
    """One entity per IRI: later entities whose name gives a kept entity's IRI join it."""
    kept: dict[tuple[str, str], Entity] = {}
    into: dict[int, Entity] = {}
    for e in registry.entities:
        key = (FOLDER[e.type], slug(e.name))
        first = kept.setdefault(key, e)
        if first is e:
            continue
        into[id(e)] = first
        for name in (e.name, *e.aliases):
            if name != first.name and name not in first.aliases:
                first.aliases.append(name)
        first.roles.extend(r for r in e.roles if r not in first.roles)
        first.honorific = first.honorific or e.honorific
    # Names written elsewhere in the record take the kept spelling too.
    for c in claims:
        if c.place is not None and (k := kept.get(("place", slug(c.place)))) is not None:
            c.place = k.name
    for e in registry.entities:
        for role in e.roles:
            org = role.get("organization")
            if org and (k := kept.get(("org", slug(org)))) is not None:
                role["organization"] = k.name
    if not into:
        return
    registry.entities = [e for e in registry.entities if id(e) not in into]
    for c in claims:
        if c.speaker is not None and c.speaker.entity is not None:
            c.speaker.entity = into.get(id(c.speaker.entity), c.speaker.entity)
        if c.addressee is not None:
            c.addressee = into.get(id(c.addressee), c.addressee)
        if c.via is not None:
            c.via = into.get(id(c.via), c.via)


def _is_place(name: str, registry: Registry) -> bool:
    """False when the entity listed under ``name`` is not a Place (the mapping types by it)."""
    listed = next((e for e in registry.entities if e.name == name), None)
    return listed is None or listed.type == PLACE
