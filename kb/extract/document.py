"""One article from text to claim record: read the parses of the sentences its plan chose.

Parsing is most of the cost, so only sentences that can hold a claim are parsed:
those with a quote mark, a reporting word, an introducing colon, or a statement
event ("sent a letter"); :mod:`kb.extract.planning` chooses them. ``Plan`` and
``plan`` are re-exported here for the callers that build articles in batches.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kb.extract.attribution import SentenceReader, is_cue
from kb.extract.claims import Claim, Cue, Speaker
from kb.extract.context import Context, read_context
from kb.extract.entities import ANON, PERSON, Registry
from kb.extract.lexicon import CUE_WORD, MEDIA, VENUES, lemma_of
from kb.extract.paraphrase import find_paraphrases
from kb.extract.planning import EVENT_VERBS, Plan, plan
from kb.extract.quotes import DOUBLE_MARKS, Quote
from kb.extract.segment import Sentence
from kb.extract.settle import by_paragraph, settle
from kb.extract.syntax import COPULAS, Parsed, is_verb
from kb.extract.transcript import DASH_TURN, Turn

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Builder", "Plan", "plan", "is_junk"]

# Verbs that only link: a quote under them is a label ("the issue is “law and order”").
COPULA = COPULAS | frozenset("become became seem seems".split())
# A name as written at a mention: capitalised words ("Anna Berg", "Brig.-Gen. Qaani").
MENTION = re.compile(r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)*")
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


# Verbs that voice an answer right after the words ("“Mexico!” the audience screamed back",
# "“…” Trump shot back"): cues in this position only.
ANSWER_VERBS = frozenset("scream cry chant interject laugh chime holler roar cheer shout yell shoot fire".split())


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
        self.registry = Registry(p.text)
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
                if si in self.plan.light:
                    self.name_pass(s)  # no entities from the parser here
                self.sentence(si)
            else:
                self.name_pass(s)
        self.claims.extend(c for t in self.plan.turns if (c := self.turn_claim(t)) is not None)
        return sorted(self.claims, key=lambda c: (c.start, c.end))

    # -----------------------------------------------------------------------------
    def sentence(self, si: int) -> None:
        p = self.parsed[si]
        s = self.plan.sentences[si]
        qs, qtok = self.quotes_of(p, s)
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
        found.extend(find_paraphrases(p, self.reader.resolve, used, qtok, taken))
        if not qs:
            # A statement event is the article's own claim, whatever it reports.
            fact = self.reported_fact(p, s)
            if fact is not None:
                found.append(fact)
        if not qs and (block := self.block_quote(p, s)) is not None:
            found.append(block)
        if found:
            self.apply_context(p, found, taken if found else [])
        self.claims.extend(found)

    def quotes_of(self, p: Parsed, s: Sentence) -> tuple[list[Quote], dict[int, int]]:
        """The quotes opening in ``s`` and, for each token inside one, the quote's index:
        the words of a quote are never its speaker or cue ("'… Michigan …,' Mr. Trump said")."""
        qs = [q for q in self.plan.quotes if s.start <= q.open < s.end and not self.plan.in_turn(q.open)]
        qtok: dict[int, int] = {}
        for t in p.doc:
            at = p.start(t)
            for k, q in enumerate(qs):
                if q.open <= at <= q.close:
                    qtok[t.i] = k
        return qs, qtok

    def block_quote(self, p: Parsed, s: Sentence) -> Claim | None:
        """"Limbaugh added:" ending a paragraph introduces the next one, printed without
        marks as a block quote: that paragraph is what the speaker said, word for word."""
        k = self.first_paragraph(s)
        if (not s.text(self.text).rstrip().endswith(":") or s.end < self.plan.paragraphs[k][1]
                or k + 1 >= len(self.plan.paragraphs)):
            return None
        lo, hi = self.plan.paragraphs[k + 1]
        body = self.text[lo:hi]
        if any(m in body for m in DOUBLE_MARKS) or self.plan.in_turn(lo) or len(body.split()) < 4:
            return None
        cues = [c for c in self.reader.cue_tokens(p, {}) if c.lower_ != "according"]
        if not cues:
            return None
        speaker = self.reader.speaker_for(p, cues[-1], {})
        if speaker is None:
            return None
        return Claim("direct-quote", [(lo, hi)], p.index, speaker,
                     Cue(p.start(cues[-1]), p.end(cues[-1]), cues[-1].text), 0.6)

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
            if speaker is not None:
                conf = 0.9 if syntactic else 0.7
                cue = Cue(p.start(cue_tok), p.end(cue_tok), cue_tok.text)
                return Claim(kind, [(q.start, q.end)], p.index, speaker, cue, conf)
            # A cue whose speaker the parse lost: the quote may still be introduced or continued.
        trailing = self.trailing_cue(p, q)
        if trailing is not None:
            return Claim(self.reader.quote_kind(p, q, s.start), [(q.start, q.end)], p.index, *trailing, 0.8)
        colon = self.reader.colon_speaker(p, q, qtok)
        if colon is not None:
            return Claim("direct-quote", [(q.start, q.end)], p.index, colon[0], colon[1], 0.7)
        intro = self.colon_intro(s) or self.previous_cue(s, q)
        if intro is not None:
            speaker, cue = intro
            return Claim("direct-quote", [(q.start, q.end)], p.index, speaker, cue, 0.75)
        last = self.last_quote
        if last is not None and self.first_paragraph(s) - self.plan.sentences[last.sentence].paragraph <= 1 \
                and self.text[s.start:q.open].strip() == "":
            # A quote standing alone right after another quote continues that speaker.
            return Claim("direct-quote", [(q.start, q.end)], p.index, last.speaker, last.cue, 0.6)
        verb = self.reader.governing_verb(p, k, qtok)
        if verb is not None and verb.lower_ not in COPULA:
            # "Reid has gone after Trump as a “con artist”": no reporting verb, but the
            # subject of the verb the quote hangs from uses the words.
            speaker = self.reader.speaker_for(p, verb, qtok)
            if speaker is not None:
                return Claim(self.reader.quote_kind(p, q, s.start), [(q.start, q.end)], p.index, speaker,
                             Cue(p.start(verb), p.end(verb), verb.text), 0.5)
        near = self.reader.nearest_subject(p, k, qtok)
        if near is not None:
            # "They are skeptical of the “sharing economy”": no verb of saying, but the
            # closest subject that can speak is who the words are put in the mouth of.
            verb = near.head
            if verb.lower_ in COPULA:
                # "Officials are wary of the “new normal”": the adjective takes the stance.
                verb = next((c for c in verb.children if c.dep_ in ("acomp", "attr")), verb)
            return Claim(self.reader.quote_kind(p, q, s.start), [(q.start, q.end)], p.index,
                         self.reader.resolve(p, near), Cue(p.start(verb), p.end(verb), verb.text), 0.3)
        # Nobody to attribute it to: a quote without a speaker is not a usable claim.
        return None

    def trailing_cue(self, p: Parsed, q: Quote) -> tuple[Speaker, Cue] | None:
        """“Mexico!” the audience screamed back; “Too forced?” He tweeted …: the cue comes
        right after the quote, in its sentence or opening the next one (a quote ending in
        "?", "!" or "." may end its sentence), before any other verb."""
        after = [t for t in p.doc if p.start(t) > q.close]
        where = p
        if not after:
            nxt = self.parsed.get(p.index + 1)
            between = self.text[q.close + 1:nxt.offset] if nxt is not None else "x"
            if nxt is None or between.strip() or "\n" in between or self.plan.in_turn(nxt.offset):
                return None
            after, where = list(nxt.doc), nxt
        for t in after[:6]:
            if t.text in DOUBLE_MARKS or t.is_punct and t.text != ",":
                return None  # another quote, or the sentence ends first
            if is_verb(t) and t.lower_ != "according":
                if not is_cue(where, t) and t.lower_ != "shot" and lemma_of(t.text, ANSWER_VERBS) not in ANSWER_VERBS:
                    return None
                if any(c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and t.lower_ not in ("told", "tells")
                       for c in t.children if c.i > t.i):
                    return None  # "He says not enacting laws …": a statement of its own
                speaker = self.reader.speaker_for(where, t, {})
                return (speaker, Cue(where.start(t), where.end(t), t.text)) if speaker is not None else None
        return None

    def first_paragraph(self, s: Sentence) -> int:
        """The paragraph a sentence starts in (``s.paragraph`` is where a long quote ends)."""
        return next(k for k, (lo, hi) in enumerate(self.plan.paragraphs) if lo <= s.start <= hi)

    def turn_claim(self, turn: Turn) -> Claim | None:
        """``PENCE: …``: the label says the turn, word for word."""
        if turn.label is None:
            return self.answer_claim(turn)
        a, b = turn.label
        label = self.text[a:b]
        # "HOST:" names a role, not a person: an anonymous speaker, written as a name is.
        entity = self.registry.add_party(label.title(), PERSON)
        if entity is not None:
            self.registry.mention(entity, a, 2)
        si = next((i for i, s in enumerate(self.plan.sentences) if s.start <= a < s.end), 0)
        return Claim("direct-quote", list(turn.spans), si, Speaker(a, b, label, entity),
                     Cue(turn.colon, turn.colon + 1, ":"), 0.8)

    def answer_claim(self, turn: Turn) -> Claim | None:
        """An answer in a dash dialogue: said by the person last named before the dialogue."""
        start = self.plan.paragraphs[turn.paragraphs[0]][0]
        before = [(o, e) for o, e, _w in self.registry.mentions if o < start and not self.plan.in_turn(o)]
        k = turn.paragraphs[0]
        while k and DASH_TURN.match(self.text, *self.plan.paragraphs[k - 1]):
            k -= 1
        # A name in the introduction just before the dialogue ("We spoke with Anna Berg").
        intro = self.plan.paragraphs[k - 1] if k else (start, start)
        names = [m for m in MENTION.finditer(self.text, *intro) if len(m.group(0).split()) >= 2]
        if names and not (before and before[-1][0] >= names[-1].start()):
            m = names[-1]
            entity = self.registry.add(m.group(0), PERSON)
            offset, end = m.span()
        elif before:
            offset, entity = before[-1]
            m2 = MENTION.match(self.text, offset)
            end = m2.end() if m2 else offset + 1
        else:
            return None
        si = next((i for i, s in enumerate(self.plan.sentences) if s.start <= turn.spans[0][0] < s.end), 0)
        return Claim("direct-quote", list(turn.spans), si, Speaker(offset, end, self.text[offset:end], entity),
                     Cue(turn.colon, turn.colon + 1, self.text[turn.colon]), 0.6)

    def colon_intro(self, s: Sentence) -> tuple[Speaker | None, Cue] | None:
        """'Caddell continued:' in the sentence before introduces this quote."""
        si = self.plan.sentences.index(s)
        prev = self.parsed.get(si - 1)
        if prev is None or not self.plan.sentences[si - 1].text(self.text).rstrip().endswith(":"):
            return None
        _qs, qtok = self.quotes_of(prev, self.plan.sentences[si - 1])
        cues = self.reader.cue_tokens(prev, qtok)
        if not cues:
            return None
        cue = cues[-1]
        return self.reader.speaker_for(prev, cue, qtok), Cue(prev.start(cue), prev.end(cue), cue.text)

    def previous_cue(self, s: Sentence, q: Quote) -> tuple[Speaker | None, Cue] | None:
        """'…, Schiff said. “…”': a quote opening its sentence, attributed just before."""
        si = self.plan.sentences.index(s)
        prev = self.parsed.get(si - 1)
        if (prev is None or self.text[s.start:q.open].strip()
                or self.plan.sentences[si - 1].paragraph != s.paragraph):
            return None
        _qs, qtok = self.quotes_of(prev, self.plan.sentences[si - 1])
        cues = [c for c in self.reader.cue_tokens(prev, qtok) if c.lower_ != "according"]
        if not cues:
            return None
        cue = self.reader.closing_cue(cues)
        last = self.last_quote
        if last is not None and last.cue is not None and last.speaker is not None and last.cue.start == prev.start(cue):
            # The quote before was attributed by this very cue: the same speaker, at the same mention.
            return last.speaker, last.cue
        speaker = self.reader.speaker_for(prev, cue, qtok)
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
    def record(self, meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """The claim record; ``meta`` gives the document's title, publisher, author, url, date."""
        claims = self.run()
        for c in claims:
            # Every speaker name must be an entity; an unresolved pronoun is anonymous.
            if c.speaker is not None and c.speaker.entity is None:
                c.speaker.entity = self.registry.add(c.speaker.text, ANON)
        for c in claims:
            c.spans = by_paragraph(c.spans, self.text, self.plan.paragraphs)
        meta = dict(meta or {})
        settle(claims, self.registry, meta)
        date = meta.get("date") or (self.plan.date.isoformat() if self.plan.date else None)
        return {
            "document": {"text": self.plan.source, "date": date, "url": meta.get("url"),
                         "title": meta.get("title"), "publisher": meta.get("publisher"),
                         "author": meta.get("author")},
            "claims": [c.to_json(self.plan.source) for c in claims],
            "entities": self.registry.to_json(),
        }
