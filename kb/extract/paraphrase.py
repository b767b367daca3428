"""Reported speech without quote marks: paraphrase claims.

News attributes far more by paraphrase than by quotation ("Clinton said that the plan
would …", "according to officials, …", "the plan is dead, aides said"). A paraphrase is
the content a reporting word governs in the parse:

- the clause (``ccomp``/``xcomp``) of a reporting verb, before or after it ("X said
  (that) …", "…, X said");
- the object of a verb whose object is itself the stance ("X criticized the deal",
  "X called for a recount", "X talked about trade");
- the rest of the sentence for "according to X, …" and for a parenthetical "…, X said,
  …" (``parataxis``);
- the that-clause of a statement noun ("X's claim that …", "the report by X found
  that …" is the verb rule on "found").

The speaker is the subject of the verb, the possessor or "by X" of the noun, or the
object of "according to". Contents that hold a quote are left to the quote rules.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from kb.extract.claims import Claim, Cue, Speaker
from kb.extract.lexicon import CUE_LEMMAS, IRREGULAR, lemma_of, verb_forms
from kb.extract.syntax import Parsed, is_verb, subject_of, subtree_tokens

if TYPE_CHECKING:
    from spacy.tokens import Token

# Verbs whose clause or object is what their subject holds or states. Wider than the
# quote cues: thinking, wanting and showing verbs report a stance too ("polls show …",
# "she believes …", "he wants …").
STANCE_VERBS = frozenset("""
believe think feel fear hope expect know doubt suspect consider recognize realize
understand remember forget wonder worry show find suggest indicate conclude
estimate predict project reveal demonstrate view want wish plan intend
propose recommend support oppose endorse back favor reject dismiss refuse decline seek
urge demand request order call cite mention discuss reference highlight stress emphasize
express acknowledge concede admit deny dispute challenge question criticize criticise
condemn denounce attack blast slam accuse blame praise hail welcome applaud defend
describe characterize label brand dub name promise pledge vow threaten offer agree
decide announce confirm report claim argue insist maintain contend allege assert warn
caution complain charge note observe point add explain tell say ask write tweet post
testify respond reply recall recount estimate speculate hint imply predict advocate
insinuate lament regret celebrate boast brag tout promote pitch sign veto
""".split())
# Cue verbs whose complement is not a statement ("continued to insist", "figure out").
NOT_PARAPHRASE = frozenset("continue figure read answer post".split())
PARA_LEMMAS = (STANCE_VERBS | CUE_LEMMAS) - NOT_PARAPHRASE
# Speakers that address the reader, not a source ("you know …").
NOT_SPEAKERS = frozenset({"you", "which", "what"})
# Verbs whose noun object is the reported matter ("praised the deal", "cited polls").
OBJECT_VERBS = frozenset("""
praise criticize criticise condemn denounce slam blast attack accuse applaud hail welcome
commend blame mock ridicule dismiss reject defend announce deny confirm acknowledge admit
promise pledge vow reveal predict propose recommend support oppose endorse back favor
seek urge demand request cite mention discuss reference highlight stress emphasize
express dispute challenge question describe offer advocate tout promote veto sign want
believe estimate report claim suggest
""".split())
# "called for a recount", "talked about trade", "pointed to the polls".
PREP_OBJECT = {"call": ("for", "on"), "talk": ("about",), "speak": ("about", "of"), "point": ("to",),
               "refer": ("to",), "argue": ("for", "against"), "warn": ("of", "about", "against"),
               "complain": ("about",), "comment": ("on",), "push": ("for",), "press": ("for",),
               "ask": ("about", "for"), "worry": ("about",), "testify": ("about",)}
# Nouns whose that-clause is a statement ("his claim that …").
STATEMENT_NOUNS = frozenset("""
claim claims assertion argument allegation allegations belief view warning promise pledge
suggestion statement report charge charges accusation insistence contention assurance
assurances announcement admission conclusion prediction suspicion fear fears hope hopes
""".split())
# Contents that say nothing: pronoun objects, and quantifier stubs.
EMPTY_OBJECTS = frozenset("it this that these those them him her me us you so one".split())
# Surface forms of the reporting words, for choosing sentences before parsing.
PARA_FORMS = frozenset({f for lemma in PARA_LEMMAS for f in verb_forms(lemma)} | set(IRREGULAR) | {"according"})
WORD = re.compile(r"[A-Za-z]+")
Resolve = Callable[[Parsed, "Token"], Speaker]


def reports(chunk: str) -> bool:
    """True when a sentence has a reporting word; a capitalized one inside the sentence
    is a name ("the United States", "The Post"), not a verb."""
    for m in WORD.finditer(chunk):
        word = m.group(0)
        if (m.start() == 0 or word[0].islower() or word == "According") and word.lower() in PARA_FORMS:
            return True
    return False


def _trim(toks: list["Token"]) -> list["Token"]:
    while toks and (toks[0].dep_ in ("mark", "cc") or toks[0].is_punct or toks[0].lower_ == "that"):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
        toks = toks[:-1]
    return toks


def _that_clause(verb: "Token") -> "Token | None":
    """The clause complement of ``verb`` that opens with "that", if any."""
    for c in verb.children:
        if c.dep_ == "ccomp" and c.i > verb.i and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
            return c
    return None


def _content(verb: "Token", lemma: str) -> tuple[list["Token"], float] | None:
    """The tokens of what ``verb`` reports, and how sure we are of them."""
    comp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
    if comp is not None:
        return subtree_tokens(comp), 0.6
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is not None and lemma in OBJECT_VERBS and obj.lower_ not in EMPTY_OBJECTS:
        return subtree_tokens(obj), 0.5
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in PREP_OBJECT.get(lemma, ()):
            pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None and pobj.lower_ not in EMPTY_OBJECTS:
                return subtree_tokens(pobj), 0.5
    return None


def find_paraphrases(p: Parsed, resolve: Resolve, used: set[int], qtok: dict[int, int],
                     taken: list[tuple[int, int]]) -> list[Claim]:
    """Paraphrase claims of one parsed sentence; ``used`` holds the cues of its quotes."""
    out: list[Claim] = []
    # What a quote's cue governs belongs to that quote ("saying anybody who complains
    # … “is not having a good night”"): no paraphrase is taken from it.
    quoted = {x.i for u in used for x in p.doc[u].subtree if x.i != u} if qtok else set()

    def add(toks: list["Token"], speaker_tok: "Token | None", cue_toks: list["Token"], conf: float) -> None:
        toks = _trim(toks)
        if not toks or speaker_tok is None or speaker_tok.i in qtok or speaker_tok.lower_ in NOT_SPEAKERS:
            return
        if any(t.i in qtok or t.i in quoted for t in toks) or len(toks) < 2 and toks[0].tag_ not in ("NNP", "NNPS", "NN", "NNS"):
            return
        start, end = p.span_offsets(toks)
        if any(a < end and start < b for a, b in taken):
            return
        speaker = resolve(p, speaker_tok)
        ca, cb = p.span_offsets(cue_toks)
        out.append(Claim("paraphrase", [(start, end)], p.index, speaker,
                         Cue(ca, cb, p.doc.text[ca - p.offset:cb - p.offset]), conf))
        taken.append((start, end))

    candidates = [t for t in p.doc if (t.lower_ == "according" or t.tag_.startswith("VB")
                                       and (lemma_of(t.text, PARA_LEMMAS) in PARA_LEMMAS or _that_clause(t)))
                  and t.i not in qtok and t.i not in used]
    # Outer verbs first: in "aides said officials believe …" the statement is the aides'.
    for t in sorted(candidates, key=lambda x: (sum(1 for _ in x.ancestors), x.i)):
        if t.lower_ == "according" and t.i + 1 < len(p.doc) and p.doc[t.i + 1].lower_ == "to":
            to = p.doc[t.i + 1]
            who = next((c for c in to.children if c.dep_ == "pobj"), None)
            # "According to X, …": everything but the attribution phrase.
            head = t.head if t.dep_ == "prep" else to.head
            skip = {t.i, to.i} | {x.i for x in subtree_tokens(t)} | {x.i for x in subtree_tokens(to)}
            toks = [x for x in subtree_tokens(head) if x.i not in skip]
            add(toks, who, [t, to], 0.6)
            continue
        if not is_verb(t) or t.dep_ in ("amod", "compound", "aux", "auxpass"):
            continue
        lemma = lemma_of(t.text, PARA_LEMMAS)
        if lemma not in PARA_LEMMAS:
            # Any verb with a that-clause reports a proposition ("the Post has learned that …").
            clause = _that_clause(t)
            if clause is not None and t.dep_ not in ("acl", "relcl", "amod"):
                add(subtree_tokens(clause), subject_of(t), [t], 0.4)
            continue
        if t.dep_ == "parataxis" and lemma in CUE_LEMMAS and t.head.i not in qtok:
            # "The plan, he said, is dead": the clause around the parenthetical.
            inner = {x.i for x in subtree_tokens(t)}
            toks = [x for x in subtree_tokens(t.head) if x.i not in inner]
            add(toks, subject_of(t), [t], 0.5)
            continue
        if t.dep_ == "acl" or t.dep_ == "relcl" and lemma not in CUE_LEMMAS:
            continue  # "taxpayers reporting gains": a participle that describes, not a statement
        if qtok and lemma not in CUE_LEMMAS and any(x.i in qtok for x in t.subtree):
            continue  # a stance verb that also governs a quote: the quote rules attribute it
        found = _content(t, lemma)
        if found is None:
            continue
        toks, conf = found
        add(toks, subject_of(t), [t], conf)
    for t in p.doc:
        # "Trump's claim that …", "the assertion by aides that …".
        if t.lower_ not in STATEMENT_NOUNS or t.i in qtok or t.tag_ not in ("NN", "NNS"):
            continue
        clause = next((c for c in t.children if c.dep_ in ("acl", "ccomp")
                       and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
        if clause is None:
            continue
        who = next((c for c in t.children if c.dep_ == "poss"), None)
        if who is None:
            by = next((c for c in t.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
            who = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        add(subtree_tokens(clause), who, [t], 0.5)
    return out
