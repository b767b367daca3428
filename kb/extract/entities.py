"""The entities of one article: people, organisations, outlets, places, anonymous speakers.

Aliases are merged as they are met ("Qaani" joins "Esmail Qaani", "Quds force" joins
"Quds Force"); the longest personal name becomes the canonical one. Pronouns resolve
to the last fitting person, where a person who was a subject or a speaker fits better
than one named in passing (an apposition, an object).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kb.extract.lexicon import MEDIA_NAME_WORDS, TITLES

PERSON, ORG, MEDIA_ORG, PLACE, ANON = "Person", "Organization", "NewsMediaOrganization", "Place", "Anonymous"
_TITLE_RE = re.compile(r"^(?:(?:" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
                       + r")\s+)+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@dataclass(eq=False)
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    honorific: str | None = None
    roles: list[dict[str, Any]] = field(default_factory=list)
    parent: str | None = None
    relation: str | None = None

    def forms(self) -> set[str]:
        return {self.name.casefold(), *(a.casefold() for a in self.aliases)}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type,
                               "aliases": [a for a in self.aliases if a != self.name]}
        if self.honorific:
            out["honorific"] = self.honorific
        if self.roles:
            out["roles"] = self.roles
        if self.parent:
            out["parent"] = self.parent
        if self.relation:
            out["relation"] = self.relation
        return out


def split_title(name: str) -> tuple[str | None, str]:
    """("Brig.-Gen.", "Esmail Qaani") from "Brig.-Gen. Esmail Qaani"."""
    m = _TITLE_RE.match(name)
    if not m or m.end() >= len(name):
        return None, name
    return m.group(0).strip(), name[m.end():]


def clean_name(name: str) -> str:
    """A name without a possessive ending, surrounding punctuation or extra spaces."""
    name = " ".join(name.split()).strip(" ,;:-–—―\"“”'‘’()")
    return _POSSESSIVE.sub("", name).strip()


def looks_like_media(name: str) -> bool:
    words = re.findall(r"[a-z]+", name.lower())
    return any(w in MEDIA_NAME_WORDS for w in words)


class Registry:
    """Entities in order of first mention, with the mentions needed to resolve pronouns."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        # (offset, entity, weight): weight 2 = speaker, 1 = subject, 0 = other mention.
        self.mentions: list[tuple[int, Entity, int]] = []

    # -- adding -----------------------------------------------------------------
    def add(self, name: str, type_: str, offset: int | None = None, weight: int = 0) -> Entity | None:
        """Register a mention; return its (possibly merged) entity, or None for an empty name."""
        honorific, bare = split_title(clean_name(name))
        bare = clean_name(bare)
        if bare.startswith("the ") and type_ != ANON:
            bare = bare[4:]  # "the coast guard" -> "coast guard"; "The Jerusalem Post" stays
        if not bare or not any(ch.isalpha() for ch in bare):
            return None
        if type_ == ORG and looks_like_media(bare):
            type_ = MEDIA_ORG
        entity = self.find(bare, type_)
        if entity is None:
            entity = Entity(bare, type_)
            self.entities.append(entity)
        else:
            self._merge_name(entity, bare, type_)
        if honorific and not entity.honorific:
            entity.honorific = honorific
        if offset is not None and entity.type == PERSON:
            self.mentions.append((offset, entity, weight))
        return entity

    def find(self, name: str, type_: str | None = None) -> Entity | None:
        """The entity ``name`` refers to: same form, or a person's name part."""
        key = clean_name(name).casefold()
        if not key:
            return None
        for e in self.entities:
            if key in e.forms():
                return e
        if type_ in (PLACE, ANON, MEDIA_ORG):
            return None
        tokens = key.split()
        # A person named by part of their name: "Qaani" -> "Esmail Qaani". Organisation
        # labels from the small NER model are unreliable on lone surnames, so they may
        # also join a person.
        persons = [e for e in self.entities if e.type == PERSON]
        if len(tokens) == 1:
            hits = [e for e in persons if e.name.casefold().split()[-1] == key]
            if not hits:
                hits = [e for e in persons if key in e.name.casefold().split()[:-1]]
            if len(hits) == 1:
                return hits[0]
        elif type_ in (PERSON, None):
            # "Hillary Rodham Clinton" and "Hillary Clinton"; "Qaani" met before "Esmail Qaani".
            for e in persons:
                other = e.name.casefold().split()
                if other[-1] == tokens[-1] and (len(other) == 1 or other[0] == tokens[0]):
                    return e
        return None

    def _merge_name(self, entity: Entity, name: str, type_: str) -> None:
        if type_ == PERSON and entity.type in (ORG, MEDIA_ORG) and len(name.split()) > 1:
            entity.type = PERSON
        longer = len(name.split()) > len(entity.name.split())
        if entity.type == PERSON and longer:
            if entity.name not in entity.aliases:
                entity.aliases.append(entity.name)
            entity.name = name
        elif name != entity.name and name not in entity.aliases:
            entity.aliases.append(name)

    def mention(self, entity: Entity, offset: int, weight: int) -> None:
        if entity.type == PERSON:
            self.mentions.append((offset, entity, weight))

    # -- resolving ----------------------------------------------------------------
    def resolve_pronoun(self, offset: int, exclude: Entity | None = None) -> Entity | None:
        """The last person before ``offset`` who was a speaker or subject, else any person."""
        before = [m for m in self.mentions if m[0] < offset and m[1] is not exclude]
        for weight in (1, 0):
            for _, entity, w in reversed(before):
                if w >= weight:
                    return entity
        return None

    def by_role(self, noun: str) -> Entity | None:
        """The one person who holds a role named ``noun`` ("the commander" -> Salami)."""
        noun = noun.casefold()
        hits = [e for e in self.entities if e.type == PERSON
                and any(r["name"].casefold().split()[-1] == noun for r in e.roles)]
        return hits[-1] if hits else None

    def add_role(self, person: Entity, role: dict[str, Any]) -> None:
        if role["name"] and all(r["name"] != role["name"] or r.get("organization") != role.get("organization")
                                for r in person.roles):
            person.roles.append(role)

    def to_json(self, used: set[int] | None = None) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.entities]
