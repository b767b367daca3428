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

from kb.extract.lexicon import MEDIA_NAME_WORDS, ORG_WORDS, TITLES
from kb.extract.names import ANON, MEDIA_ORG, ORG, PERSON, PLACE, Reading, looks_org, nameless, read_name
from kb.extract.wording import Wording

__all__ = ["ANON", "MEDIA_ORG", "ORG", "PERSON", "PLACE", "Entity", "Registry", "clean_name",
           "looks_like_media", "split_title"]
_TITLE_ALT = "(?:" + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True)) + ")"
_TITLE_RE = re.compile(r"^(?:" + _TITLE_ALT + r"\s+)+")
_TITLE_BEFORE = re.compile(r"(?<![\w.-])" + _TITLE_ALT + r"[ \t]+")
_POSSESSIVE = re.compile(r"(?:['’‘]s|['’‘])$")
# Abbreviated honorifics and the role noun a description uses for them ("the senator").
_HONORIFIC_ROLES = {"sen.": "senator", "rep.": "representative", "gov.": "governor", "pres.": "president",
                    "gen.": "general", "dr.": "doctor", "prof.": "professor", "adm.": "admiral",
                    "col.": "colonel", "capt.": "captain", "lt.": "lieutenant", "sgt.": "sergeant"}


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
    """Entities in order of first mention, with the mentions needed to resolve pronouns.

    ``text`` is the article's: a one-word organisation that the article also writes
    after a first name ("Ava DuVernay") is that person. The questions put to the text
    (:class:`kb.extract.wording.Wording`) share one index of its words.
    """

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.wording = Wording(text)
        self._titles: list[tuple[int, str]] | None = None  # (end, title) of each title in the text
        self.entities: list[Entity] = []
        # (offset, entity, weight): weight 2 = speaker, 1 = subject, 0 = other mention.
        self.mentions: list[tuple[int, Entity, int]] = []

    # -- adding -----------------------------------------------------------------
    def add(self, name: str, type_: str, offset: int | None = None, weight: int = 0,
            proper: bool | None = None) -> Entity | None:
        """Register a mention; return its (possibly merged) entity.

        Only names make people, organisations and places (:mod:`kb.extract.names`): a
        description returns the person holding the role it names, if one was met ("the
        president"), else None, as do quantities and empty names. ``proper`` is whether
        the parse tagged any of the mention's words a proper noun (None: not known); a
        one-word mention without one is a common noun ("Commission said").
        """
        honorific, bare = split_title(clean_name(name))
        bare = clean_name(bare)
        if not bare or not any(ch.isalpha() for ch in bare):
            return None
        reading = read_name(bare, type_)
        if reading.name is not None and proper is False and type_ in (PERSON, ORG, MEDIA_ORG) \
                and len(reading.name.split()) == 1 and self.find(reading.name, type_) is None:
            reading = Reading(None, type_)
        if reading.name is None:
            return self.by_role(reading.role) if reading.role else None
        bare, type_ = clean_name(reading.name), reading.type
        if not bare:
            return None
        if honorific and type_ == ORG and not looks_org(bare.split()):
            type_ = PERSON  # "Chief Justice John G. Roberts Jr.": a title is a person's
        if type_ == ORG and looks_like_media(bare):
            type_ = MEDIA_ORG
        entity = self.find(bare, type_)
        if entity is None and type_ == ORG and self.dateline(bare):
            return None
        if entity is None and type_ == ORG and self.text and not bare.isupper() and not looks_org(bare.split()):
            # The small model labels many people ORG: the article's own words overrule it.
            if " " in bare:
                if len(bare.split()) <= 3 and self.wording.personal(bare):
                    type_ = PERSON
            elif self.wording.fragment(bare):
                return None
            elif len(names := self.wording.full_names(bare)) == 1:
                entity = self.add(names.pop(), PERSON)
            elif names or self.wording.personal(bare):
                type_ = PERSON  # "Bill Clinton" and "Hillary Clinton": "Clinton" is one of them
        if entity is None:
            entity = Entity(bare, type_)
            self.entities.append(entity)
            if type_ == PERSON and not honorific:
                honorific = self._title_in_text(bare)
        else:
            self._merge_name(entity, bare, type_)
        if honorific and not entity.honorific:
            entity.honorific = honorific
        if offset is not None and entity.type == PERSON:
            self.mentions.append((offset, entity, weight))
        return entity

    def add_party(self, name: str, type_: str) -> Entity | None:
        """A party the article names, as ``type_``, or only describes ("reporters", "the
        crowd", "HOST"): words that name no one stay the article's, as an anonymous party.
        Words that are no party at all stay None: a number ("74 percent"), a party
        designation ("R-Texas"), a dateline's place ("WASHINGTON — …").

        A one-word name the registry turned down as a fragment of longer names keeps the
        anonymous party of the mention's words ("#NeverTrump Conservatives"), as before."""
        entity = self.add(name, type_)
        if entity is not None:
            return entity
        bare = clean_name(split_title(clean_name(name))[1])
        if nameless(bare) or self.dateline(bare):
            return None
        return self.add(name, ANON)

    def dateline(self, name: str) -> bool:
        """Whether ``name`` is a shouted place opening a dateline ("WASHINGTON — …"), no party."""
        return bool(self.text) and name.isupper() and len(name) > 5 and self.wording.dateline(name)

    def _title_in_text(self, name: str) -> str | None:
        """The title the text writes before ``name`` ("President Barack Obama"): a sentence
        parsed without the recognizer loses it, the text keeps it."""
        if self._titles is None:
            self._titles = [(m.end(), m.group(0).strip()) for m in _TITLE_BEFORE.finditer(self.text)]
        for end, title in self._titles:
            if self.text.startswith(name, end) and not self.text[end + len(name):end + len(name) + 1].isalnum():
                return title
        return None

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
            if type_ == PERSON:
                # A surname the recognizer took for an organisation before the full name
                # came ("DuVernay" … "Ava DuVernay"): the organisation becomes the person.
                orgs = [e for e in self.entities if e.type == ORG and not e.aliases
                        and e.name.casefold() == tokens[-1] and not e.name.isupper()]
                if len(orgs) == 1:
                    return orgs[0]
        return None

    def _merge_name(self, entity: Entity, name: str, type_: str) -> None:
        if type_ == PERSON and entity.type in (ORG, MEDIA_ORG) and (
                len(name.split()) > 1 or entity.type == ORG and not name.isupper()
                and name.casefold() not in ORG_WORDS):
            # The small model's ORG on a lone surname is the unreliable label.
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
        """The person who holds a role named ``noun`` ("the commander" -> Salami): the
        last one given that role, else the one person with that title ("President Obama")."""
        noun = noun.casefold()
        hits = [e for e in self.entities if e.type == PERSON
                and any(r["name"].casefold().split()[-1] == noun for r in e.roles)]
        if hits:
            return hits[-1]
        titled = [e for e in self.entities if e.type == PERSON and e.honorific
                  and _HONORIFIC_ROLES.get(e.honorific.casefold(), e.honorific.casefold()) == noun]
        return titled[0] if len(titled) == 1 else None

    def add_role(self, person: Entity, role: dict[str, Any]) -> None:
        if role["name"] and all(r["name"] != role["name"] or r.get("organization") != role.get("organization")
                                for r in person.roles):
            person.roles.append(role)

    def to_json(self, used: set[int] | None = None) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.entities]
