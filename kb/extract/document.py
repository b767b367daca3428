"""One article from text to claim record: plan what to parse, then read the parses.

Parsing is most of the cost, so only sentences that can hold a claim are parsed:
those with a quote mark, a reporting word, an introducing colon, or a statement
event ("sent a letter"). Planning is plain Python so that many articles can share
one ``nlp.pipe`` call.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kb.extract.article import body_start, paragraphs
from kb.extract.attribution import SentenceReader
from kb.extract.claims import Claim, Cue, Speaker
from kb.extract.context import Context, read_context
from kb.extract.entities import ANON, PERSON, Registry
from kb.extract.lexicon import CUE_WORD, MEDIA, VENUES
from kb.extract.quotes import DOUBLE_MARKS, Quote, find_quotes
from kb.extract.segment import Sentence, split_sentences
from kb.extract.syntax import Parsed
from kb.extract.transcript import Turn, find_turns

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Verbs that make a statement event of their medium object ("sent a letter").
EVENT_VERBS = frozenset("""
send sent sends sending deliver delivered delivers give gave gives given issue issued
issues release released releases publish published publishes post posted posts pen penned
write wrote writes written hold held holds
""".split())
EVENT_WORDS = re.compile(r"\b(?:" + "|".join(sorted(EVENT_VERBS)) + r")\b.*\b(?:"
                         + "|".join(sorted(MEDIA | VENUES)) + r")s?\b", re.IGNORECASE)
JUNK = re.compile(r"^(?:[\W\d_]+|\S*(?:https?:|www\.|\.com|pic\.twitter|@)\S*)$")
TITLE_LEAD = re.compile(r"(?:\b(?:on|in|of|titled|entitled|show|program|film|book|song)|['’]s)\s*$", re.IGNORECASE)
SMALL_WORDS = frozenset("a an and the of in on at to for with by or".split())
# A person named as the subject of a sentence that is not parsed: "Tom Reed said …",
# "Sen. Tom Reed, a Democrat, …", "Reed told …". Pronouns in later claims resolve to them.
SUBJECT_NAME = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Prof|Rev)\.\s+)?"
    r"((?:[A-Z][a-z’'-]+\s+(?:[A-Z]\.\s+)?)?[A-Z][a-z’'-]+)(?=,?\s+[a-z])")
NOT_NAME_WORDS = frozenset("""
the a an this that these those it its in on at as but and or so if when while after
before since because though although however meanwhile still yet then there here we
they he she i you our their his her my your many some most all both each other others
one two three last next new monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
house senate congress white court state department party committee news police city
neither either not only even also former democrat democrats republican republicans
""".split())


@dataclass
class Plan:
    text: str
    date: datetime.date | None
    paragraphs: list[tuple[int, int]]
    quotes: list[Quote]
    sentences: list[Sentence]
    selected: list[int] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)

    def in_turn(self, offset: int) -> bool:
        return any(t.covers(offset, self.paragraphs) for t in self.turns)

    def texts(self) -> list[str]:
        return [self.sentences[i].text(self.text) for i in self.selected]


def plan(text: str, date: datetime.date | None, thorough: bool = False) -> Plan:
    """Split the article and choose the sentences to parse.

    By default these are sentences with a quote mark, a colon that introduces the next
    one, or a statement event. ``thorough`` also parses every sentence with a reporting
    word, for paraphrases outside quoting sentences, at about twice the cost.
    """
    pars = paragraphs(text, body_start(text))
    quotes = find_quotes(text, pars)
    sentences = split_sentences(text, pars, quotes)
    turns = find_turns(text, pars)
    chosen = set()
    for i, s in enumerate(sentences):
        if turns and any(t.covers(s.start, pars) for t in turns):
            continue  # a transcript turn is attributed by its label, not by parsing
        chunk = s.text(text)
        if any(m in chunk for m in DOUBLE_MARKS):
            chosen.add(i)
            # "…, Schiff said. “The other factor …”": the attribution may sit in the
            # sentence before a quote that opens its sentence.
            if i and chunk[0] in DOUBLE_MARKS and sentences[i - 1].paragraph == s.paragraph \
                    and CUE_WORD.search(sentences[i - 1].text(text)):
                chosen.add(i - 1)
        elif (chunk.rstrip().endswith(":") or EVENT_WORDS.search(chunk)
              or (thorough and CUE_WORD.search(chunk))):
            chosen.add(i)
    selected = sorted(chosen)
    return Plan(text, date, pars, quotes, sentences, selected, turns)


def is_junk(text: str, q: Quote) -> bool:
    """Quotes that are not statements: numbers, links, handles, titles of shows."""
    content = q.content(text).strip()
    if not any(ch.isalpha() for ch in content) or JUNK.match(content):
        return True
    words = content.rstrip(",.").split()
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    if 0 < len(words) <= 6 and significant and all(w[0].isupper() for w in significant):
        lead = text[max(0, q.open - 20):q.open]
        if TITLE_LEAD.search(lead):
            return True
    return False


class Builder:
    """Reads the parsed sentences of one article in order and collects its claims."""

    def __init__(self, p: Plan, docs: list["Doc"]) -> None:
        self.plan = p
        self.text = p.text
        self.registry = Registry()
        self.reader = SentenceReader(p.text, p.quotes, self.registry)
        self.parsed = {si: Parsed(doc, p.sentences[si].start, si) for si, doc in zip(p.selected, docs)}
        self.claims: list[Claim] = []
        self.frames: dict[int, Context] = {}
        self.events: dict[str, str] = {}
        self.last_quote: Claim | None = None

    def run(self) -> list[Claim]:
        selected = set(self.plan.selected)
        for si, s in enumerate(self.plan.sentences):
            if si in selected:
                self.sentence(si)
            else:
                self.name_pass(s)
        self.claims.extend(self.turn_claim(t) for t in self.plan.turns)
        return sorted(self.claims, key=lambda c: (c.start, c.end))

    # -----------------------------------------------------------------------------
    def sentence(self, si: int) -> None:
        p = self.parsed[si]
        s = self.plan.sentences[si]
        qs = [q for q in self.plan.quotes if s.start <= q.open < s.end and not self.plan.in_turn(q.open)]
        qtok: dict[int, int] = {}
        for t in p.doc:
            at = p.start(t)
            for k, q in enumerate(qs):
                if q.open <= at <= q.close:
                    qtok[t.i] = k
        self.reader.register_entities(p, qtok)
        cues = self.reader.cue_tokens(p, qtok)
        found: list[Claim] = []
        used: set[int] = set()
        for k, q in enumerate(qs):
            if is_junk(self.text, q):
                continue
            claim = self.quote_claim(p, s, q, k, qtok, cues, used)
            if claim is not None:
                found.append(claim)
                self.last_quote = claim
        found = self.merge_split(found)
        taken = [(q.open, q.close + 1) for q in qs] + [sp for c in found for sp in c.spans]
        for cue in cues:
            if cue.i in used:
                continue
            para = self.reader.paraphrase(p, cue, cues, qtok, taken)
            if para is not None:
                found.append(para)
                taken.extend(para.spans)
        if not found and not qs:
            fact = self.reported_fact(p, s)
            if fact is not None:
                found.append(fact)
        if found:
            self.apply_context(p, found, taken if found else [])
        self.claims.extend(found)

    def name_pass(self, s: Sentence) -> None:
        """Register the person a sentence that is not parsed opens with, so that a later
        "he said" can resolve to them. Only known people or two-word names count."""
        m = SUBJECT_NAME.match(self.text, s.start, s.end)
        if m is None:
            return
        name = m.group(1)
        words = name.split()
        if any(w.lower().strip(".") in NOT_NAME_WORDS for w in words):
            return
        known = self.registry.find(name)
        if known is not None and known.type != PERSON:
            return
        # A new name must be the subject of a reporting verb ("Tom Reed said …").
        said = CUE_WORD.match(self.text, m.end(1) + 1) if known is None else None
        entity = known or (self.registry.add(name, PERSON) if len(words) >= 2 and said else None)
        if entity is not None and entity.type == PERSON:
            self.registry.mention(entity, m.start(1), 1)

    def quote_claim(self, p: Parsed, s: Sentence, q: Quote, k: int, qtok: dict[int, int],
                    cues: list[Any], used: set[int]) -> Claim | None:
        dash = self.reader.dash_speaker(q)
        if dash is not None:
            return Claim("direct-quote", [(q.start, q.end)], p.index, dash[0], dash[1], 0.8)
        cue_tok, syntactic = self.reader.quote_cue(p, q, qtok, k, cues)
        if cue_tok is not None:
            kind = self.reader.quote_kind(p, q, s.start)
            used.add(cue_tok.i)
            speaker = self.reader.speaker_for(p, cue_tok, qtok)
            if speaker is None:
                return None
            conf = (0.9 if syntactic else 0.7) - (0.0 if speaker else 0.3)
            cue = Cue(p.start(cue_tok), p.end(cue_tok), cue_tok.text)
            return Claim(kind, [(q.start, q.end)], p.index, speaker, cue, conf)
        colon = self.reader.colon_speaker(p, q, qtok)
        if colon is not None:
            return Claim("direct-quote", [(q.start, q.end)], p.index, colon[0], colon[1], 0.7)
        intro = self.colon_intro(s) or self.previous_cue(s, q)
        if intro is not None:
            speaker, cue = intro
            return Claim("direct-quote", [(q.start, q.end)], p.index, speaker, cue, 0.75)
        last = self.last_quote
        if last is not None and s.paragraph - self.plan.sentences[last.sentence].paragraph <= 1 \
                and self.text[s.start:q.open].strip() == "":
            # A quote standing alone right after another quote continues that speaker.
            return Claim("direct-quote", [(q.start, q.end)], p.index, last.speaker, last.cue, 0.6)
        # Nobody to attribute it to: a quote without a speaker is not a usable claim.
        return None

    def turn_claim(self, turn: Turn) -> Claim:
        """``PENCE: …``: the label says the turn, word for word."""
        a, b = turn.label
        label = self.text[a:b]
        entity = self.registry.add(label.title(), PERSON)
        if entity is not None:
            self.registry.mention(entity, a, 2)
        si = next((i for i, s in enumerate(self.plan.sentences) if s.start <= a < s.end), 0)
        return Claim("direct-quote", list(turn.spans), si, Speaker(a, b, label, entity),
                     Cue(turn.colon, turn.colon + 1, ":"), 0.8)

    def colon_intro(self, s: Sentence) -> tuple[Speaker | None, Cue] | None:
        """'Caddell continued:' in the sentence before introduces this quote."""
        si = self.plan.sentences.index(s)
        prev = self.parsed.get(si - 1)
        if prev is None or not self.plan.sentences[si - 1].text(self.text).rstrip().endswith(":"):
            return None
        cues = self.reader.cue_tokens(prev, {})
        if not cues:
            return None
        cue = cues[-1]
        return self.reader.speaker_for(prev, cue, {}), Cue(prev.start(cue), prev.end(cue), cue.text)

    def previous_cue(self, s: Sentence, q: Quote) -> tuple[Speaker | None, Cue] | None:
        """'…, Schiff said. “…”': a quote opening its sentence, attributed just before."""
        si = self.plan.sentences.index(s)
        prev = self.parsed.get(si - 1)
        if (prev is None or self.text[s.start:q.open].strip()
                or self.plan.sentences[si - 1].paragraph != s.paragraph):
            return None
        cues = [c for c in self.reader.cue_tokens(prev, {}) if c.lower_ != "according"]
        if not cues:
            return None
        cue = cues[-1]
        speaker = self.reader.speaker_for(prev, cue, {})
        if speaker is None:
            return None
        return speaker, Cue(prev.start(cue), prev.end(cue), cue.text)

    def merge_split(self, found: list[Claim]) -> list[Claim]:
        """“Q1,” he said, “Q2.” is one statement split around its attribution."""
        out: list[Claim] = []
        for c in found:
            prev = out[-1] if out else None
            if (prev is not None and prev.cue is not None and c.cue is not None and prev.cue == c.cue
                    and prev.kind != "paraphrase"):
                between = self.text[prev.end:c.start]
                gap = between.strip(" \"“”,")
                first = self.text[prev.spans[-1][0]:prev.spans[-1][1]].rstrip()
                if (prev.cue.start >= prev.end and prev.cue.end <= c.start and len(gap.split()) <= 8
                        and between.rstrip(" \"“”").endswith(",") and not first.endswith((".", "!", "?"))):
                    prev.spans.append(c.spans[0])
                    continue
            out.append(c)
        return out

    def reported_fact(self, p: Parsed, s: Sentence) -> Claim | None:
        """A sentence that reports a statement event ("sent a letter") is asserted by the article."""
        for tok in p.doc:
            if tok.lower_ in EVENT_VERBS and tok.tag_.startswith("VB"):
                obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
                if obj is not None and obj.lower_.rstrip("s") in MEDIA | VENUES | {"speech"}:
                    fact = Claim("reported-fact", [(s.start, s.end)], p.index, None, None, 0.6)
                    fact.medium = obj.lower_.rstrip("s")
                    return fact
        return None

    def apply_context(self, p: Parsed, found: list[Claim], blocked: list[tuple[int, int]]) -> None:
        ctx = read_context(p, self.text, self.registry, blocked, self.plan.date)
        for c in found:
            if c.kind == "reported-fact":
                c.date = ctx.date
                if c.medium and ctx.date:
                    self.events.setdefault(c.medium, ctx.date)
                c.medium = None
                continue
            entity = c.speaker.entity if c.speaker else None
            key = id(entity) if entity is not None else None
            if ctx.medium or ctx.venue:
                c.medium, c.addressee, c.venue, c.place = ctx.medium, ctx.addressee, ctx.venue, ctx.place
                if key is not None:
                    self.frames[key] = Context(ctx.medium, ctx.addressee, ctx.venue, ctx.place, None,
                                               ctx.date or self.events.get(ctx.medium or ""))
            elif key is not None and key in self.frames:
                f = self.frames[key]
                c.medium, c.addressee, c.venue, c.place = f.medium, f.addressee, f.venue, f.place
            if c.addressee is None and ctx.addressee is not None:
                c.addressee = ctx.addressee
            frame_date = self.frames[key].date if key is not None and key in self.frames else None
            c.date = ctx.date or frame_date or (self.events.get(c.medium) if c.medium else None)
            if ctx.via is not None and ctx.via is not entity:
                c.via = ctx.via

    # -----------------------------------------------------------------------------
    def record(self, url: str | None, title: str | None, publisher: str | None) -> dict[str, Any]:
        claims = self.run()
        for c in claims:
            # Every speaker name must be an entity; an unresolved pronoun is anonymous.
            if c.speaker is not None and c.speaker.entity is None:
                c.speaker.entity = self.registry.add(c.speaker.text, ANON)
        return {
            "document": {"text": self.text, "date": self.plan.date.isoformat() if self.plan.date else None,
                         "url": url, "title": title, "publisher": publisher, "author": None},
            "claims": [c.to_json(self.text) for c in claims],
            "entities": self.registry.to_json(),
        }
