"""Attributing the quotes of one parsed sentence: cue, speaker, and the mention that names them.

For each quote the cue is the reporting verb the quote hangs from in the parse
("“…,” Qaani wrote"; "saying that …“…”"), else the nearest reporting verb of the
sentence. The speaker is the cue's subject, found by climbing from participles
("…, saying"), through relative pronouns and apposed names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.extract.claims import Cue, Speaker
from kb.extract.entities import ANON, ORG, PERSON, PLACE, Entity, Registry, looks_like_media
from kb.extract.layout import dateline
from kb.extract.lexicon import ANONYMOUS_HEADS, CUE_LEMMAS, ROLE_NOUNS, lemma_of
from kb.extract.quotes import Quote
from kb.extract.syntax import (PROPER, PRONOUNS, Parsed, antecedent, is_verb, name_tokens, opening_cue, producer,
                               subject_of, subtree_tokens, title_before)

if TYPE_CHECKING:
    from spacy.tokens import Token

LABEL_TYPE = {"PERSON": PERSON, "ORG": ORG, "GPE": ORG, "NORP": ORG, "FAC": ORG, "LOC": ORG}
ROLE_SUFFIX = re.compile(r"(?:er|or|ist|ant|ent|ian|man|woman|person|ee|ive)s?$")
DASHES = "―—–-"
# Links that do not put a clause inside what an outer verb reports: "after she
# attacked …" (advcl) and a sentence's parts side by side.
NOT_EMBEDDING = frozenset({"advcl", "parataxis", "nsubj", "nsubjpass", "csubj"})
NP_TAGS = ("DT", "JJ", "NNP", "NNPS", "NN", "NNS", "PRP")
DASH_NAME = re.compile(r"\s*[―—–]\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,3})")


def adjacent_subject(p: Parsed, cue: "Token", qtok: dict[int, int]) -> "Token | None":
    """The speaker when the parse gives the cue no usable subject.

    "“…,” Flynn, a top surrogate, said" -> the first noun after the quote;
    "“…,” said James Acton" -> the noun right after the cue (not "in an interview").
    """
    doc = p.doc
    i = cue.i - 1
    while i >= 0 and doc[i].i not in qtok:
        i -= 1
    if i >= 0 and i < cue.i - 1:
        # Words between a closing quote and the cue: the first noun is the speaker.
        for t in doc[i + 1:cue.i]:
            if t.tag_ in PROPER + ("PRP", "NN", "NNS") and not t.ent_type_ in ("DATE", "TIME"):
                return _np_head(t)
            if is_verb(t):
                break
    if i < 0:
        # No quote before the cue: the speaker cannot follow the cue ("call them
        # “…”"), but may stand right before it when the parser lost the subject
        # ("…, Obama and Clinton call them “…”").
        j = cue.i - 1
        while j >= 0 and (doc[j].tag_ in ("RB", "MD", ",") or doc[j].dep_ in ("aux", "neg")):
            j -= 1
        if j < 0 or doc[j].i in qtok:
            return None
        t = doc[j]
        # "Marc Morial, the chief executive of the League, forcefully told …"
        for a in [t, *t.ancestors]:
            if a.dep_ == "appos" and a.head.tag_ in PROPER and a.head.i < a.i:
                return a.head
            if a.i >= cue.i or a.dep_ not in ("pobj", "prep", "compound", "appos", "det", "amod"):
                break
        return t if t.tag_ in PROPER + ("PRP",) else None
    for t in doc[cue.i + 1:cue.i + 4]:
        if t.i in qtok or t.is_punct or t.tag_ == "IN":
            break
        if t.ent_type_ in ("DATE", "TIME"):
            continue
        if t.tag_ in PROPER + ("PRP", "NN", "NNS", "DT"):
            t = _np_head(t)
            return t if t.tag_ in PROPER + ("PRP", "NN", "NNS") else None
        if t.tag_ not in ("RB",):
            break
    return None


def fallback_subject(p: Parsed, cue: "Token", qtok: dict[int, int]) -> "Token | None":
    """The speaker when the parse around the cue is broken ("He called it “shameful” and
    called on …", where the second "called" hangs from the quoted word): the subject of
    the nearest verb above the cue, else the closest subject before it."""
    h = cue
    for _ in range(6):
        if h.head.i == h.i:
            break
        h = h.head
        if h.i not in qtok and is_verb(h):
            subj = subject_of(h)
            if subj is not None and subj.i not in qtok:
                return subj
    for t in reversed(p.doc[:cue.i]):
        if t.i not in qtok and t.dep_ in ("nsubj", "nsubjpass") and t.tag_ in PROPER + ("PRP", "NN", "NNS"):
            return t
    return None


def is_cue(p: Parsed, t: "Token") -> bool:
    """Whether ``t`` reports what someone says: "according (to)", a reporting verb, or an
    inverted cue opening the sentence ("Said Ellis: …", which the tagger takes for a name)."""
    if t.lower_ == "according" and t.i + 1 < len(p.doc) and p.doc[t.i + 1].lower_ == "to":
        return True
    if is_verb(t) and lemma_of(t.text) in CUE_LEMMAS and t.dep_ not in ("amod", "compound", "aux"):
        return True
    return opening_cue(t)


def _np_head(t: "Token") -> "Token":
    while t.dep_ in ("compound", "det", "amod", "poss", "case") and t.head.i > t.i:
        t = t.head
    return t


class SentenceReader:
    """Turns one parsed sentence into claims, registering its entities on the way."""

    def __init__(self, text: str, quotes: list[Quote], registry: Registry) -> None:
        self.text = text
        self.quotes = quotes
        self.registry = registry

    # -- entities ------------------------------------------------------------------
    def register_entities(self, p: Parsed, qtok: dict[int, int]) -> None:
        for ent in p.doc.ents:
            inside = ent.start in qtok
            first = ent[1] if len(ent) > 1 and opening_cue(ent[0]) else ent[0]  # not "Stated Stone"
            start, end = p.start(first), p.end(ent[-1])
            if ent.label_ == "PERSON" and not inside:
                e = self.registry.add(self.text[start:end], PERSON)
                if e is None:
                    continue
                weight = 1 if ent.root.dep_ in ("nsubj", "nsubjpass") else 0
                self.registry.mention(e, start, weight)
                if e.type != PERSON:
                    continue  # the name reads as an outlet or organization ("Tulsa Police Department")
                title = title_before(p, ent[0])
                if title and not e.honorific:
                    e.honorific = title
                self._roles(p, ent.root, e)
            elif ent.label_ == "ORG" and not inside:
                self.registry.add(self.text[start:end], ORG)
            elif ent.label_ in ("GPE", "LOC"):
                if self.registry.find(self.text[start:end]) is None:
                    self.registry.add(self.text[start:end], PLACE)

    def _roles(self, p: Parsed, name: "Token", person: Entity) -> None:
        """Roles from appositions on either side of a name."""
        role_nouns = [c for c in name.children if c.dep_ == "appos" and c.tag_ in ("NN", "NNS")]
        if name.dep_ == "appos" and name.head.tag_ in ("NN", "NNS"):
            role_nouns.append(name.head)
        for noun in role_nouns:
            low = noun.lower_
            if low not in ROLE_NOUNS and not ROLE_SUFFIX.search(low):
                continue
            mods = [c for c in noun.lefts if c.dep_ in ("amod", "compound") and c.tag_ in ("JJ", "NN")]
            role_name = " ".join(t.text for t in mods + [noun])
            role = {"name": role_name}
            org_tok = None
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "at"):
                    org_tok = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    break
            toks = mods + [noun]
            if org_tok is not None:
                org_toks = name_tokens(p, org_tok)
                a, b = p.span_offsets(org_toks)
                org = self.registry.add(self.text[a:b], ORG)
                if org is not None:
                    role["organization"] = org.name
                toks = toks + subtree_tokens(org_tok) + [org_tok.head]
            a, b = p.span_offsets(toks)
            role["text"] = self.text[a:b]
            self.registry.add_role(person, role)

    # -- cues and speakers ---------------------------------------------------------
    def cue_tokens(self, p: Parsed, qtok: dict[int, int]) -> list["Token"]:
        return [t for t in p.doc if t.i not in qtok and is_cue(p, t)]

    def speaker_for(self, p: Parsed, cue: "Token", qtok: dict[int, int]) -> Speaker | None:
        if cue.lower_ == "according":
            to = p.doc[cue.i + 1]
            subj = next((c for c in to.children if c.dep_ == "pobj"), None)
        elif opening_cue(cue):
            # "Stated Stone: …": the name after the inverted cue speaks.
            subj = p.doc[1]
            while subj.i + 1 < len(p.doc) and p.doc[subj.i + 1].tag_ in PROPER:
                subj = p.doc[subj.i + 1]
        else:
            subj = subject_of(cue)
            if subj is not None and subj.i in qtok:
                # The parser took quoted words for the subject ("“One of …,” X said").
                subj = None
            if subj is None:
                subj = adjacent_subject(p, cue, qtok) or fallback_subject(p, cue, qtok)
        if subj is None:
            return None
        return self.resolve(p, subj)

    def resolve(self, p: Parsed, subj: "Token") -> Speaker:
        lead = dateline(p.doc.text)
        if lead is not None and subj.idx < lead:
            # "LONDON (Reuters) - Donald Trump said …": the parser may take the dateline's
            # place for the subject; the speaker is the noun phrase after it.
            after = next((t for t in p.doc if t.idx >= lead), None)
            head = _np_head(after) if after is not None and after.tag_ in NP_TAGS else None
            if head is not None and head.tag_ in PROPER + ("PRP", "NN", "NNS"):
                subj = head
        noun = antecedent(subj)
        if noun is not None:
            maker = producer(noun) if subj.lower_ in ("that", "which") else None
            if maker is not None:
                # "Sanders is releasing an ad that urges …": the thing speaks for
                # whoever put it out.
                return self.resolve(p, maker)
            # "McConnell, who said …": the mention is "who", the speaker McConnell.
            named = self.resolve(p, noun)
            return Speaker(p.start(subj), p.end(subj), subj.text, named.entity)
        toks = name_tokens(p, subj)
        start, end = p.span_offsets(toks)
        text = self.text[start:end]
        low = text.lower()
        if len(toks) == 1 and low in PRONOUNS:
            entity = self.registry.resolve_pronoun(start) if low in ("he", "she", "him", "her") else None
            if entity is not None:
                self.registry.mention(entity, start, 2)
            return Speaker(start, end, text, entity)
        head = toks[-1]
        ent = p.ent_of(head)
        if ent is not None and ent.label_ in LABEL_TYPE:
            type_ = LABEL_TYPE[ent.label_]
        elif all(t.tag_ in PROPER for t in toks):
            type_ = PERSON if 2 <= len(toks) <= 3 and not looks_like_media(text) else ORG
        else:
            # A description: "the commander" may name a person met with that role.
            if toks[0].lower_ in ("the", "this") and (holder := self.registry.by_role(head.text)):
                self.registry.mention(holder, start, 2)
                return Speaker(start, end, text, holder)
            type_ = PERSON if head.lower_ in ROLE_NOUNS and head.tag_ == "NN" else ANON if (
                head.lower_ in ANONYMOUS_HEADS or head.tag_ == "NNS"
                             or toks[0].lower_ in ("a", "an", "some", "one")) else ORG
        entity = self.registry.add(text, type_, proper=any(t.tag_ in PROPER for t in toks))
        if entity is not None:
            self.registry.mention(entity, start, 2)
        return Speaker(start, end, text, entity)

    # -- quotes ------------------------------------------------------------------
    def quote_cue(self, p: Parsed, q: Quote, qtok: dict[int, int], index: int,
                  cues: list["Token"]) -> tuple["Token | None", bool]:
        """(cue, True if the quote hangs from it in the parse)."""
        if not cues:
            return None, False
        cue_ids = {c.i: c for c in cues}
        # Punctuation (the marks, a final period) attaches anywhere; only words count.
        inside = [t for t in p.doc if qtok.get(t.i) == index and not t.is_punct]
        best: tuple[int, "Token"] | None = None
        for t in inside:
            h, hops = t.head, 1
            if h.i in qtok and qtok[h.i] == index:
                continue
            while True:
                if h.i in cue_ids:
                    if best is None or hops < best[0]:
                        best = (hops, h)
                    break
                if h.head is h or hops > 8:
                    break
                h, hops = h.head, hops + 1
        if best is not None:
            return self.outer_cue(best[1], cue_ids), True

        def distance(c: "Token") -> int:
            s = p.start(c)
            return q.open - s if s < q.open else s - q.close
        nearest = min(cues, key=distance)
        relative = nearest.head if nearest.dep_ == "relcl" else None
        if relative is not None and p.start(relative) < q.open and p.start(nearest) < q.open:
            # "“…,” said Pardo, who said he would not vote for either. “…”": a quote
            # after the relative clause goes on with the main statement.
            return self.closing_cue([c for c in cues if p.start(c) < q.open]), False
        return nearest, False

    @staticmethod
    def closing_cue(cues: list["Token"]) -> "Token":
        """The cue that what follows a sentence goes on from: its last one, unless that
        one sits in a relative clause about an earlier cue's speaker ("said Pardo, who
        said he would not vote"), which only describes them."""
        cue_ids = {c.i for c in cues}
        h, relative = cues[-1], False
        while h.head.i != h.i:
            relative = relative or h.dep_ == "relcl"
            h = h.head
            if relative and h.i in cue_ids:
                return h
        return cues[-1]

    @staticmethod
    def outer_cue(cue: "Token", cue_ids: dict[int, "Token"]) -> "Token":
        """The outermost reporting verb whose statement holds ``cue``'s clause.

        "Ban condemned what he called a “brazen breach”" and "Trump said that Clinton
        described the deal as “the gold standard”": the quote is part of what the outer
        speaker says, so that speaker is the source.
        """
        if cue.dep_ == "conj":
            return cue  # "She said …, and he replied “…”": a statement of its own
        h, hops = cue, 0
        while h.head is not h and hops < 8 and h.dep_ not in NOT_EMBEDDING:
            h, hops = h.head, hops + 1
            if h.i in cue_ids and h.lower_ != "according":
                cue = h
        return cue

    def quote_kind(self, p: Parsed, q: Quote, sentence_start: int) -> str:
        before = self.text[sentence_start:q.open].rstrip()
        if not before or before.endswith(":") or before[-1] in DASHES:
            return "direct-quote"
        words = re.findall(r"[\w’']+", before)
        if words and lemma_of(words[-1]) in CUE_LEMMAS and (
                before.endswith(",") or self.text[q.start:q.start + 1].isupper()):
            return "direct-quote"
        return "partial-quote"

    def colon_speaker(self, p: Parsed, q: Quote, qtok: dict[int, int]) -> tuple[Speaker, Cue] | None:
        """'Dunn had one explanation: “…”' or 'Dunn: “…”' - the colon is the cue."""
        colon = next((t for t in p.doc if t.text == ":" and t.i not in qtok
                      and self.text[p.end(t):q.open].strip() == ""), None)
        if colon is None or colon.i == 0:
            return None
        before = p.doc[:colon.i]
        # "Pollsters agree - Carl Bialik: “…”": a label after a dash names the speaker.
        dash = next((t for t in reversed(before) if t.text in ("-", "—", "–", "--")), None)
        if dash is not None and 0 < colon.i - dash.i - 1 <= 6:
            lo = dash.i + 1
            if p.doc[lo].lower_ == "more":  # "- More from the report:"
                lo += 2 if lo + 1 < colon.i and p.doc[lo + 1].lower_ == "from" else 1
            label = p.doc[lo:colon.i]
            if len(label) and (label[0].text[:1].isupper() or label[0].lower_ == "the"):
                return self.resolve(p, label.root), Cue(p.start(colon), p.end(colon), ":")
        root = before.root
        # "Clinton's response was: “…”", "Awlaki is shown lecturing: “…”": before a
        # colon, even a linking or passive verb's subject introduces the words.
        subj = (subject_of(root) or next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if is_verb(root) else root)
        if subj is None or subj.i in qtok or subj.tag_ not in PROPER + ("PRP", "NN", "NNS"):
            return None
        return self.resolve(p, subj), Cue(p.start(colon), p.end(colon), ":")

    def dash_speaker(self, q: Quote) -> tuple[Speaker, Cue] | None:
        """Reader-voice style: “…” ― Sonya Herridge."""
        m = DASH_NAME.match(self.text, q.close + 1)
        if not m:
            return None
        a, b = m.span(1)
        name = self.text[a:b].rstrip(".")
        b = a + len(name)
        entity = self.registry.add(name, PERSON)
        if entity is not None:
            self.registry.mention(entity, a, 2)
        dash = self.text.index(m.group(0).strip()[0], q.close + 1)
        return Speaker(a, b, name, entity), Cue(dash, dash + 1, self.text[dash])

    @staticmethod
    def nearest_subject(p: Parsed, index: int, qtok: dict[int, int]) -> "Token | None":
        """The closest subject before quote ``index`` in its sentence, outside quotes, that
        can speak: a name, a personal pronoun, a plural ("voters") or a role noun."""
        first = next((t.i for t in p.doc if qtok.get(t.i) == index), None)
        if first is None:
            return None
        for t in reversed(p.doc[:first]):
            if t.i in qtok or t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if (t.tag_ in PROPER and t.ent_type_ in ("PERSON", "ORG", "NORP", "")
                    or t.lower_ in ("he", "she", "they", "we", "i")
                    or t.tag_ == "NNS" or t.tag_ == "NN" and (t.lower_ in ROLE_NOUNS or t.lower_ in ANONYMOUS_HEADS)):
                return t
        return None

    @staticmethod
    def governing_verb(p: Parsed, index: int, qtok: dict[int, int]) -> "Token | None":
        """The nearest verb outside quote ``index`` that its words hang from, if it has a
        subject of its own (not "it"), else None."""
        for t in p.doc:
            if qtok.get(t.i) != index or t.is_punct:
                continue
            h, hops = t.head, 0
            while h.head is not h and (h.i in qtok and qtok[h.i] == index or not is_verb(h)) and hops < 6:
                h, hops = h.head, hops + 1
            if h.i in qtok or not is_verb(h):
                continue
            subj = subject_of(h)
            if subj is not None and subj.i not in qtok and subj.lower_ not in ("it", "there", "this", "that"):
                return h
            return None
        return None
