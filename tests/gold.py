"""Build the claim-record JSON of the seed article from its gold file.

Other tests import this module::

    from gold import SEED_TXT, SEED_GOLD, seed_record
    record = seed_record()          # a dict in the claim-record JSON format

The seed lives beside the checkout, in ``../shared/seed/``; when it is absent
``SEED_AVAILABLE`` is false and every test fails (``conftest.py``): never a skip. The article text is never copied into the project: it is
read from ``../shared`` with ``newline=""``, so offsets are code points of the
file exactly as stored.

What the gold file does not spell out is filled in here, simply and visibly:

- the speaker *mention* of each claim is an occurrence of the gold
  ``speaker_mention`` ("He"/"he"), else of the speaker's last name or "He"/"he":
  the nearest one before the claim in its paragraph, else after it in its
  paragraph, else anywhere (the claim span itself if there is none);
- the *cue* is a gold verb (any of the alternatives), located the same way;
- a venue "... in <Place>" names a place from the gold places;
- ``date_note`` "week of YYYY-MM-DD" becomes an ISO week date (precision week);
- honorific titles among the gold "roles" become ``honorific``; the other roles
  become roles whose organization is the gold organization named last in them;
- :data:`ORG_RELATIONS` records what the article says about how organizations
  relate ("Revolutionary Guards Corps Quds Force", "Hamas' military wing").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["SHARED", "SEED_TXT", "SEED_GOLD", "SEED_AVAILABLE", "ORG_RELATIONS", "seed_text", "seed_gold", "seed_record"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_TXT = SHARED / "seed" / "000_f57c619f6558e8b6.txt"
SEED_GOLD = SHARED / "seed" / "000_f57c619f6558e8b6.gold.json"
SEED_AVAILABLE = SEED_TXT.is_file() and SEED_GOLD.is_file()

#: Titles that the gold file lists among a person's "roles".
TITLES = ("Brig.-Gen.", "Major General", "General")
#: How the seed's organizations relate: child -> (parent, relation or None).
ORG_RELATIONS: dict[str, tuple[str, str | None]] = {
    "Quds Force": ("Islamic Revolutionary Guards Corps", None),
    "Izzadin al-Qassam Brigades": ("Hamas", "military wing"),
}
#: Organizations that are news media (the record's NewsMediaOrganization type).
NEWS_MEDIA = ("The Jerusalem Post",)
#: Gold speaker names that mean "the article itself" (a reported fact has no speaker).
ARTICLE_ITSELF = "(the reporting article)"


def seed_text() -> str:
    with open(SEED_TXT, encoding="utf-8", newline="") as f:
        return f.read()


def seed_gold() -> dict[str, Any]:
    with open(SEED_GOLD, encoding="utf-8") as f:
        return json.load(f)


def _occurrences(text: str, word: str, start: int, end: int) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``word`` outside the claim span [start, end)."""
    found = []
    for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text):
        s, e = m.span()
        if not (s < end and e > start):
            found.append((s, e))
    return found


def _locate(
    text: str, words: list[str], start: int, end: int, *, ordered: bool = True
) -> tuple[int, int] | None:
    """Where the claim's speaker or cue is mentioned: an occurrence of ``words``
    nearest before the claim in its paragraph, else nearest after it in its
    paragraph, else nearest anywhere in the text. ``ordered``: the first word
    found wins; otherwise the nearest occurrence of any of them."""
    par_start = text.rfind("\n\n", 0, start) + 1
    par_end = text.find("\n\n", end) % (len(text) + 1)
    if par_end < end:
        par_end = len(text)
    before = lambda se: par_start <= se[0] and se[1] <= start  # noqa: E731
    after = lambda se: end <= se[0] and se[1] <= par_end  # noqa: E731
    distance = lambda se: start - se[1] if se[1] <= start else se[0] - end  # noqa: E731
    for test in (before, after, lambda se: True):
        groups = [[w] for w in words] if ordered else [words]
        for group in groups:
            spans = [se for w in group for se in _occurrences(text, w, start, end) if test(se)]
            if spans:
                return min(spans, key=distance)
    return None


def _week_date(note: str | None) -> str | None:
    """``"this week (week of 2021-05-20)"`` → ``"2021-W20"``."""
    m = re.search(r"week of (\d{4}-\d{2}-\d{2})", note or "")
    if not m:
        return None
    year, week, _ = dt.date.fromisoformat(m[1]).isocalendar()
    return f"{year}-W{week:02d}"


def _claim(text: str, g: dict[str, Any], places: list[str]) -> dict[str, Any]:
    start, end = g["start"], g["end"]
    claim: dict[str, Any] = {"kind": g["kind"], "text": text[start:end], "start": start, "end": end}
    speaker = g.get("speaker")
    if speaker and speaker != ARTICLE_ITSELF and g["kind"] != "reported-fact":
        words = [g["speaker_mention"]] if g.get("speaker_mention") else [speaker.split()[-1], "He", "he"]
        s, e = _locate(text, words, start, end) or (start, end)
        claim["speaker"] = {"name": speaker, "start": s, "end": e}
        verbs = g.get("verb") or []
        found = _locate(text, [verbs] if isinstance(verbs, str) else list(verbs), start, end, ordered=False)
        if found:
            claim["cue"] = {"text": text[found[0] : found[1]], "start": found[0], "end": found[1]}
    else:
        claim["speaker"] = None
    for key in ("addressee", "medium", "venue", "via"):
        if g.get(key):
            claim[key] = g[key]
    if g.get("venue"):
        for place in places:
            if re.search(r"\bin " + re.escape(place) + r"\b", g["venue"]):
                claim["place"] = place
    date = g.get("date") or _week_date(g.get("date_note"))
    if date:
        claim["date"] = date
    return claim


def _org_of(role: str, organizations: list[str]) -> str | None:
    """The organization named last in a role ("chief of ... Quds Force" → "Quds Force")."""
    best: tuple[int, str] | None = None
    for org in organizations:
        i = role.lower().rfind(org.lower())
        if i >= 0 and (best is None or i + len(org) > best[0]):
            best = (i + len(org), org)
    return best[1] if best else None


def _person(p: dict[str, Any], organizations: list[str]) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "name": p["name"],
        "type": "Person",
        "aliases": [m for m in p.get("mentions", []) if m not in (p["name"], "He", "he")],
        "roles": [],
    }
    for role in p.get("roles", []):
        if role in TITLES:
            entity.setdefault("honorific", role)
            continue
        m = re.match(r"^(.*?)\s*\((.*)\)$", role)
        name, note = (m[1], m[2]) if m else (role, None)
        r: dict[str, Any] = {"name": name, "text": role}
        org = _org_of(name, organizations)
        if org:
            r["organization"] = org
        if note:
            r["note"] = note
        entity["roles"].append(r)
    return entity


def seed_record() -> dict[str, Any]:
    """The seed article and its gold claims as a claim-record JSON dict."""
    text = seed_text()
    gold = seed_gold()
    ents = gold.get("entities", {})
    organizations = list(ents.get("organizations", []))
    places = list(ents.get("places", []))
    entities: list[dict[str, Any]] = [_person(p, organizations) for p in ents.get("people", [])]
    for org in organizations:
        e: dict[str, Any] = {"name": org, "type": "NewsMediaOrganization" if org in NEWS_MEDIA else "Organization"}
        if org in ORG_RELATIONS:
            parent, relation = ORG_RELATIONS[org]
            e["parent"] = parent
            if relation:
                e["relation"] = relation
        entities.append(e)
    entities += [{"name": place, "type": "Place"} for place in places]
    return {
        "document": {"text": text, "date": gold.get("date")},
        "claims": [_claim(text, g, places) for g in gold["claims"]],
        "entities": entities,
    }
