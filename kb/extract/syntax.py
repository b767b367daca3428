"""Helpers over one parsed sentence: offsets, subjects, noun phrases, names.

Each selected sentence is parsed as its own ``Doc``; ``Parsed`` maps its tokens back
to offsets in the article text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from kb.extract.lexicon import CUE_LEMMAS, MEDIA, TITLES, lemma_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

PRONOUNS = frozenset("he she it they we i you him her them us me".split())
CLIMB_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "dep", "parataxis", "prep"})
PROPER = ("NNP", "NNPS")
NOUNS = ("NN", "NNS", "NNP", "NNPS")
NAME_ENTS = ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC")
_TITLE_SET = frozenset(TITLES)
COPULAS = frozenset("be is are was were been being am 's ’s".split())
# Verbs whose subject "it" stands for the clause that follows, not for a speaker.
IMPERSONAL = frozenset("seem appear turn amaze help take become mean matter remain follow happen".split())
# Passive verbs whose subject is still the one speaking ("he was quoted as saying").
PATIENT_SPEAKS = frozenset({"quote", "heard", "hear", "record", "overheard", "overhear", "caught", "catch"})


@dataclass
class Parsed:
    doc: "Doc"
    offset: int      # article offset of the sentence's first character
    index: int       # sentence index in the article

    def start(self, tok: "Token") -> int:
        return self.offset + tok.idx

    def end(self, tok: "Token") -> int:
        return self.offset + tok.idx + len(tok.text)

    def span_offsets(self, toks: Iterable["Token"]) -> tuple[int, int]:
        toks = list(toks)
        return self.start(min(toks, key=lambda t: t.i)), self.end(max(toks, key=lambda t: t.i))

    def ent_of(self, tok: "Token") -> "Span | None":
        if not tok.ent_type_:
            return None
        for ent in self.doc.ents:
            if ent.start <= tok.i < ent.end:
                return ent
        return None


def is_verb(tok: "Token") -> bool:
    return tok.tag_.startswith("VB")


def verb_lemma(tok: "Token") -> str:
    return lemma_of(tok.text)


def reporting_head(cue: "Token") -> "Token | None":
    """The reporting verb whose subject also says ``cue``'s words when the parser hung a second
    reporting verb on the clause the first one reports: "De Blasio said the move was made by
    Bratton and said, “…”", "Pence said it takes time but added, “…”" (else None)."""
    if cue.dep_ != "conj" or any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in cue.children):
        return None
    h = cue.head
    while h.dep_ == "conj" and h.head is not h:
        h = h.head
    if h.dep_ == "ccomp" and is_verb(h.head) and lemma_of(h.head.text) in CUE_LEMMAS:
        return h.head
    return None


def subject_of(verb: "Token") -> "Token | None":
    """The subject of ``verb``, climbing from participles and complements ("…, saying")."""
    if verb.lower_ in COPULAS:
        return None  # "the problem is that …": what a clause is about does not speak
    outer = reporting_head(verb)
    if outer is not None:
        verb = outer
    current = matrix_clause(verb) or verb
    for _ in range(6):
        if current.tag_ == "VBG" and current.dep_ in ("xcomp", "advcl") and current.i:
            # "footage of Trump saying …": the parser hung the participle on the verb,
            # but the name right before it is who speaks.
            prev = current.doc[current.i - 1]
            if prev.tag_ in PROPER and prev.dep_ == "pobj":
                return prev
        for child in current.children:
            if not any(ch.isalnum() for ch in child.text):
                continue  # a dash the tagger took for a noun ("― Trump boasted")
            if child.dep_ in ("nsubj", "csubj"):
                if child.lower_ == "it" and (current is not verb or lemma_of(verb.text) in IMPERSONAL):
                    return None  # "it is hard to predict …", "it turns out that …"
                return child
            if child.dep_ == "expl":
                return None
            if child.dep_ == "nsubjpass":
                agent = next((c for c in current.children if c.dep_ == "agent"), None)
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                if pobj is None and current is verb and lemma_of(verb.text) not in PATIENT_SPEAKS:
                    # "Trump is expected to win", "he was asked to …": whoever expects
                    # or asks is not named; the subject is what they say it about.
                    return None
                return pobj or child
        if current.dep_ == "relcl" or (current.dep_ == "acl" and current.tag_ == "VBG"
                                       and current.head.tag_ in ("NNP", "NNPS", "PRP", "NN", "NNS")):
            # "footage of Trump saying …"; "a letter that says …" is the medium of whoever
            # sent it: "the Council issued a statement calling …".
            noun = current.head
            if noun.lower_.rstrip("s") in MEDIA and noun.dep_ == "dobj" and is_verb(noun.head):
                return subject_of(noun.head) or noun
            return noun
        if current.dep_ in CLIMB_DEPS and current.head is not current:
            current = current.head
            continue
        break
    return None


def matrix_clause(verb: "Token") -> "Token | None":
    """The clause a free participle ("…, saying") belongs to, when the parser hung it
    inside a clause that another verb reports: "Trump argued that a database would
    help, saying …" and "Hannity said … after Rubio won, remarking …" are Trump's and
    Hannity's. None when the participle is not free or its head reports nothing."""
    if verb.tag_ != "VBG" or verb.dep_ not in ("advcl", "xcomp", "conj") or not verb.i:
        return None
    if verb.doc[verb.i - 1].text not in (",", "and", "—", "–", "-", "--"):
        return None
    h = verb.head
    if verb.dep_ == "conj":
        return matrix_clause(h) if h.tag_ == "VBG" else None
    climbed = False
    for _ in range(4):
        outer = h.head
        if outer.i == h.i or not is_verb(outer):
            break
        if h.dep_ == "ccomp" or (h.dep_ == "advcl" and lemma_of(outer.text) in CUE_LEMMAS):
            h, climbed = outer, True
            continue
        break
    return h if climbed else None


def antecedent(tok: "Token") -> "Token | None":
    """The noun a relative pronoun subject stands for ("Salami, who said …"), else None."""
    if tok.tag_ in ("WP", "WDT") and tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "relcl":
        return tok.head.head
    return None


def producer(noun: "Token") -> "Token | None":
    """Who put out the thing ``noun`` names, when it is the object of their verb:
    "Sanders is releasing an ad", "her campaign plans to reprint an editorial"."""
    if noun.dep_ != "dobj" or not is_verb(noun.head):
        return None
    subj = subject_of(noun.head)
    if subj is None or subj.tag_ in ("WP", "WDT") or subj.lower_ in ("it", "this", "that"):
        return None
    return subj


def name_tokens(p: Parsed, tok: "Token") -> list["Token"]:
    """The tokens naming ``tok``: its entity, its proper-noun compound, or its noun phrase."""
    # "The commander of Iran's Revolutionary Guards, Major General Hossein Salami": the
    # apposed name is the speaker's name.
    if tok.tag_ in ("NN", "NNS"):
        for child in tok.children:
            if child.dep_ == "appos" and child.tag_ in PROPER:
                return name_tokens(p, child)
    ent = p.ent_of(tok)
    if ent is not None and ent.label_ in NAME_ENTS:
        toks = [t for t in ent if t.tag_ != "POS" and t.text not in ("’", "'")]
        return strip_titles(toks) or toks
    if tok.tag_ in PROPER:
        # "the harbor Office": a common-noun compound belongs to the name too.
        toks = [c for c in tok.lefts if c.dep_ == "compound" and c.tag_ in NOUNS] + [tok]
        lo = min(t.i for t in toks)
        toks = [p.doc[i] for i in range(lo, tok.i + 1)]
        return strip_titles(toks) or toks
    if tok.text.lower() in PRONOUNS or tok.tag_ in ("PRP",):
        return [tok]
    # A common noun: its determiner, adjectives and compounds up to the head.
    lefts = [c for c in tok.lefts if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "quantmod")]
    lo = min([c.i for c in lefts] + [tok.i])
    return [p.doc[i] for i in range(lo, tok.i + 1)]


def opening_cue(tok: "Token") -> bool:
    """``tok`` is an inverted reporting verb opening its sentence ("Said Ellis: …",
    "Stated Stone:"), which the tagger takes for the first word of a name."""
    return (tok.i == 0 and tok.tag_ in PROPER and tok.lower_.endswith(("ed", "id", "ote", "s"))
            and lemma_of(tok.text) in CUE_LEMMAS and len(tok.doc) > 1 and tok.doc[1].tag_ in PROPER)


def strip_titles(toks: list["Token"]) -> list["Token"]:
    """Drop leading title words ("Major General", "Brig.-Gen.") and an inverted cue
    ("Stated Stone") from a name's tokens."""
    if len(toks) > 1 and opening_cue(toks[0]):
        toks = toks[1:]
    i = 0
    while i < len(toks) - 1:
        two = " ".join(t.text for t in toks[i:i + 2])
        if two in _TITLE_SET and i + 2 < len(toks):
            i += 2
        elif toks[i].text in _TITLE_SET:
            i += 1
        else:
            break
    return toks[i:]


def title_before(p: Parsed, first: "Token") -> str | None:
    """The title right before a name ("Brig.-Gen.", "Major General"), if any."""
    doc = p.doc
    for width in (3, 2, 1):
        lo = first.i - width
        if lo < 0:
            continue
        text = " ".join(t.text for t in doc[lo:first.i])
        if text in _TITLE_SET:
            return text
    return None


def subtree_tokens(tok: "Token", stop: set[int] | None = None) -> list["Token"]:
    """``tok``'s subtree minus the subtrees rooted at tokens in ``stop``."""
    stop = stop or set()
    out: list["Token"] = []
    todo = [tok]
    while todo:
        t = todo.pop()
        out.append(t)
        todo.extend(c for c in t.children if c.i not in stop)
    return sorted(out, key=lambda t: t.i)
