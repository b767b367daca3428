"""The circumstances of a statement: medium, addressee, venue and place, intermediary, date.

They are read from the words of the sentence that lie outside quotes and claim
contents ("wrote in a letter to Mohammed Deif", "saying at a rally in Tehran",
"according to The Jerusalem Post", "said on Thursday").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.extract.dates import find_dates
from kb.extract.entities import MEDIA_ORG, ORG, PERSON, PLACE, Entity, Registry, looks_like_media
from kb.extract.lexicon import MEDIA, VENUES, lemma_of
from kb.extract.syntax import Parsed, name_tokens, subtree_tokens

if TYPE_CHECKING:
    from spacy.tokens import Token

MEDIUM_PREPS = ("in", "via", "through", "on", "during", "by")
VENUE_PREPS = ("at", "during", "before", "to")
# Verbs whose very act names the medium.
VERB_MEDIA = {"tweet": "tweet", "post": "post", "write": None}


@dataclass
class Context:
    medium: str | None = None
    addressee: Entity | None = None
    venue: str | None = None
    place: str | None = None
    via: Entity | None = None
    date: str | None = None


def _singular(word: str) -> str:
    w = word.lower()
    return w[:-1] if w.endswith("s") and w[:-1] in MEDIA | VENUES else w


def read_context(p: Parsed, text: str, registry: Registry, blocked: list[tuple[int, int]],
                 article_date: datetime.date | None) -> Context:
    """Context found in sentence ``p`` outside the ``blocked`` character ranges."""
    ctx = Context()

    def free(tok: "Token") -> bool:
        s = p.start(tok)
        return not any(a <= s < b for a, b in blocked)

    for tok in p.doc:
        if not free(tok):
            continue
        noun = _singular(tok.text)
        if tok.dep_ == "pobj" and tok.head.lower_ in MEDIUM_PREPS and noun in MEDIA and ctx.medium is None:
            ctx.medium = noun
            ctx.addressee = ctx.addressee or _to_whom(p, text, registry, tok)
        elif tok.dep_ == "pobj" and tok.head.lower_ in VENUE_PREPS and noun in VENUES and ctx.venue is None:
            toks = [t for t in subtree_tokens(tok) if free(t)]
            a, b = p.span_offsets(toks)
            ctx.venue = text[a:b].rstrip(",.;: ")
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("in", "at"):
                    place_tok = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if place_tok is not None:
                        pa, pb = p.span_offsets(name_tokens(p, place_tok))
                        place = registry.find(text[pa:pb]) or registry.add(text[pa:pb], PLACE)
                        ctx.place = place.name if place else text[pa:pb]
        elif tok.lower_ == "according" and tok.i + 1 < len(p.doc) and p.doc[tok.i + 1].lower_ == "to":
            obj = next((c for c in p.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if obj is not None:
                a, b = p.span_offsets(name_tokens(p, obj))
                ent = p.ent_of(obj)
                name = text[a:b]
                type_ = PERSON if ent is not None and ent.label_ == "PERSON" else (
                    MEDIA_ORG if looks_like_media(name) else ORG)
                ctx.via = registry.add(name, type_)
        elif tok.tag_.startswith("VB") and lemma_of(tok.text) == "tell":
            obj = next((c for c in tok.children if c.dep_ in ("dobj", "dative")), None)
            if obj is not None and ctx.addressee is None and obj.tag_ != "PRP":
                ctx.addressee = _entity_for(p, text, registry, obj)
        elif tok.tag_.startswith("VB") and VERB_MEDIA.get(lemma_of(tok.text)) and ctx.medium is None:
            ctx.medium = VERB_MEDIA[lemma_of(tok.text)]
    for d in find_dates(text, p.offset, p.offset + len(p.doc.text), article_date):
        if d.value and not any(a <= d.start < b for a, b in blocked):
            ctx.date = d.value
            break
    return ctx


def _to_whom(p: Parsed, text: str, registry: Registry, medium: "Token") -> Entity | None:
    """"a letter to Mohammed Deif" -> Mohammed Deif (also "wrote ... to X")."""
    for holder in (medium, medium.head.head):
        for prep in holder.children:
            if prep.dep_ in ("prep", "dative") and prep.lower_ == "to":
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    return _entity_for(p, text, registry, obj)
    return None


def _entity_for(p: Parsed, text: str, registry: Registry, tok: "Token") -> Entity | None:
    a, b = p.span_offsets(name_tokens(p, tok))
    ent = p.ent_of(tok)
    known = registry.find(text[a:b])
    if known is not None:
        return known
    toks = name_tokens(p, tok)
    if ent is not None:
        type_ = PERSON if ent.label_ == "PERSON" else ORG
    else:
        # No label from the small NER model: a two- or three-word proper name is a person.
        type_ = PERSON if 2 <= len(toks) <= 3 and all(t.tag_ in ("NNP", "NNPS") for t in toks) else ORG
    # A description ("told reporters") names no person or organization: it stays the article's
    # words, as an anonymous party, like a speaker described rather than named.
    return registry.add_party(text[a:b], type_)
