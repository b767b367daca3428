"""Reported speech without quote marks: paraphrase claims.

News attributes far more by paraphrase than by quotation ("Clinton said that the plan
would …", "according to officials, …", "the plan is dead, aides said"). A paraphrase is
the content a reporting word governs in the parse:

- the clause (``ccomp``/``xcomp``) of a reporting verb, the one after it first ("X said
  (that) …", "…, X said");
- the object of a verb whose object is itself the stance ("X criticized the deal",
  "X called for a recount", "X talked about trade", "McConnell, who endorsed Trump");
- the rest of the sentence for "according to X, …" and for a parenthetical "…, X said,
  …" (``parataxis``);
- the that-clause of a statement noun ("X's claim that …", "the report by X found
  that …" is the verb rule on "found"), the to-clause or object of a stance noun ("Obama's
  decision to …", "her support for …");
- the rest of a line that opens with a name and a colon ("Obama: I'm optimistic …"), and
  headlines in title case ("…, Former White House Doctor Says").

The speaker is the subject of the verb (the agent of a passive participle, none for a
passive without one: "Asked about …" is not the answerer's statement), the possessor
or "by X" of the noun, or the object of "according to". Contents that hold a quote are
left to the quote rules, and so is what lies on a quote cue's branch to its quote; the
cue's other clauses are statements of their own ("…,” he said, adding that …").

The verb and noun lists beyond the common reporting verbs were chosen on PolNeAR train
(never on single files): words whose clause or object its annotators mark as an
attribution's content at least 7 times in 10, and whose subject they mark as its source
often enough, since a wrong speaker costs quote+speaker precision.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from kb.extract.claims import Claim, Cue, Speaker
from kb.extract.layout import title_case
from kb.extract.lexicon import CUE_LEMMAS, IRREGULAR, MEDIA, lemma_of, verb_forms
from kb.extract.syntax import Parsed, is_verb, subject_of, subtree_tokens

if TYPE_CHECKING:
    from spacy.tokens import Token

# Verbs whose clause or object is what their subject holds or states. Wider than the
# quote cues: thinking, wanting and showing verbs report a stance too ("polls show …",
# "she believes …", "he wants …"). The second half was chosen on PolNeAR train: verbs
# whose clause its annotators mark as an attribution at least 7 times in 10.
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
aim learn like love vote rule
""".split())
# Cue verbs whose complement is not a statement ("continued to insist", "figure out").
NOT_PARAPHRASE = frozenset("continue figure read answer post".split())
# Speakers that address the reader, not a source ("you know …").
NOT_SPEAKERS = frozenset({"you", "which", "what"})
# Verbs whose noun object is the reported matter ("praised the deal", "cited polls"),
# extended on PolNeAR train with the verbs whose object its annotators mark as an
# attribution's content at least 7 times in 10 ("voiced concern", "disavowed Duke").
OBJECT_VERBS = frozenset("""
praise criticize criticise condemn denounce slam blast attack accuse applaud hail welcome
commend blame mock ridicule dismiss reject defend announce deny confirm acknowledge admit
promise pledge vow reveal predict propose recommend support oppose endorse back favor
seek urge demand request cite mention discuss reference highlight stress emphasize
express dispute challenge question describe offer advocate tout promote veto sign want
believe estimate report claim suggest
accept appoint brush call characterize congratulate consider credit declare decry
deem disavow disclose explain fear feel identify knock learn list love
name note order portray prefer recall recognize reiterate repeat say share show thank
trust tweet understand view voice witness
""".split())
# "called for a recount", "talked about trade", "pointed to the polls": a verb and the
# prepositions whose object is the stance (the same PolNeAR train selection).
PREP_OBJECT = {"call": ("for", "on"), "talk": ("about",), "speak": ("about", "of"), "point": ("to",),
               "refer": ("to",), "argue": ("for", "against"), "warn": ("of", "about", "against"),
               "complain": ("about",), "comment": ("on",), "push": ("for",), "press": ("for",),
               "ask": ("about", "for"), "worry": ("about",), "testify": ("about",),
               "accuse": ("of",), "admit": ("to",), "advocate": ("for",), "agree": ("on", "with"),
               "apologize": ("for",), "balk": ("at",), "believe": ("in",),
               "blast": ("for",), "campaign": ("against", "for"),
               "cast": ("as",), "cite": ("as",), "compare": ("to",),
               "congratulate": ("for",), "criticize": ("for",), "describe": ("as",),
               "disagree": ("with",), "distance": ("from",), "fight": ("for",), "hope": ("for",),
               "know": ("about",), "praise": ("for",), "rail": ("against",),
               "see": ("as",), "thank": ("for",), "think": ("about", "of"), "view": ("as",),
               "vote": ("for", "against"), "weigh": ("on",), "write": ("about",)}
COMP_VERBS = STANCE_VERBS | CUE_LEMMAS
PARA_LEMMAS = (COMP_VERBS | OBJECT_VERBS | frozenset(PREP_OBJECT)) - NOT_PARAPHRASE
# Verbs whose "if"/"whether" clause is the question put.
QUESTION_VERBS = frozenset({"ask", "wonder", "question", "inquire"})
# Nouns whose that-clause is a statement ("his claim that …").
STATEMENT_NOUNS = frozenset("""
claim claims assertion argument allegation allegations belief view warning promise pledge
suggestion statement report charge charges accusation insistence contention assurance
assurances announcement admission conclusion prediction suspicion fear fears hope hopes
""".split())
# Nouns of a possessor or "by X" whose to-clause or object is that party's stance
# ("Obama's decision to …", "Trump's attacks on Khan", "her support for the deal").
NOUN_CLAUSE = frozenset("decision decisions promise refusal desire claim".split())
NOUN_PREP = {"attack": ("on",), "attacks": ("on",), "call": ("for",), "calls": ("for",),
             "criticism": ("of",), "embrace": ("of",), "endorsement": ("of",),
             "opposition": ("to",), "support": ("for",), "view": ("of", "on"), "views": ("of", "on")}
POSSESSIVE_PRONOUNS = frozenset("his her their its our my".split())
# Contents that say nothing: pronoun objects, and quantifier stubs.
EMPTY_OBJECTS = frozenset("it this that these those them him her me us you so one".split())
# Surface forms of the reporting words, for choosing sentences before parsing.
PARA_FORMS = frozenset({f for lemma in PARA_LEMMAS for f in verb_forms(lemma)} | set(IRREGULAR) | {"according"}
                       | STATEMENT_NOUNS | NOUN_CLAUSE | set(NOUN_PREP))
WORD = re.compile(r"[A-Za-z]+")
# A headline or summary line that names its source before a colon: "Obama: I'm
# optimistic …", "OK Gov Fallin: Trump is …" (one to four capitalized words).
NAME_COLON = re.compile(r"(?:[A-Z][\w.'’-]*[ \t]+){0,3}[A-Z][\w.'’-]*:[ \t]+\S")
# Labels before a colon that are the newsroom's, not a source.
NOT_COLON_SPEAKERS = frozenset("""
update updated correction clarification note editor editors watch read related video photo
photos more breaking exclusive source sources listen see also transcript advertisement
disclosure warning spoiler spoilers question answer q a bottom line why what how who when
where today tomorrow yesterday monday tuesday wednesday thursday friday saturday sunday
""".split())
Resolve = Callable[[Parsed, "Token"], Speaker]


def reports(chunk: str) -> bool:
    """True when a sentence has a reporting word or opens with "Name: …"; a capitalized
    reporting word inside the sentence is a name ("the United States", "The Post"), not a
    verb, unless the sentence is a headline in title case ("Obama Says …")."""
    if NAME_COLON.match(chunk):
        return True
    headline = title_case(chunk)
    for m in WORD.finditer(chunk):
        word = m.group(0)
        if (m.start() == 0 or headline or word[0].islower() or word == "According") and word.lower() in PARA_FORMS:
            return True
    return False


def _trim(toks: list["Token"]) -> list["Token"]:
    while toks and (toks[0].dep_ in ("mark", "cc") or toks[0].is_punct or toks[0].lower_ == "that"):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].dep_ == "cc"):
        toks = toks[:-1]
    return toks


# Links by which a clause that goes on to quote someone hangs at the end of reported content:
# "Carson said he saw no need to change anything, telling Stephanopoulos, “…”".
_TAIL_DEPS = frozenset({"advcl", "xcomp", "conj", "parataxis"})


def _without_quoting_tail(toks: list["Token"], qtok: dict[int, int]) -> list["Token"]:
    """``toks`` without a trailing branch that leads into a quote (with the comma or "and"
    joining it): the parser may hang "…, telling X, “…”" or "… and said, “…”" on the reported
    clause, but the quote is attributed on its own, and what comes before is still reported."""
    if not qtok or not any(t.i in qtok for t in toks):
        return toks
    ids = {t.i for t in toks}
    branch = next((t for t in toks if t.dep_ in _TAIL_DEPS and t.head.i in ids and t.i > t.head.i
                   and any(y.i in qtok for y in t.subtree)), None)
    if branch is None:
        return toks
    start = min(y.i for y in branch.subtree)
    if any(y.i in qtok for y in toks if y.i < start):
        return toks  # a quote before the branch too: nothing to cut away
    kept = [t for t in toks if t.i < start]
    while kept and (kept[-1].is_punct or kept[-1].dep_ == "cc"):
        kept.pop()
    return kept


def _that_clause(verb: "Token") -> "Token | None":
    """The clause complement of ``verb`` that opens with "that", if any."""
    for c in verb.children:
        if c.dep_ == "ccomp" and c.i > verb.i and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
            return c
    return None


def _content(verb: "Token", lemma: str, clause_only: bool = False) -> tuple[list["Token"], float] | None:
    """The tokens of what ``verb`` reports, and how sure we are of them; only its clause
    when ``clause_only``."""
    # The clause after the verb first: in "It's unlikely; Clinton's team says she'll …"
    # the parser also hangs the clause before the semicolon on "says".
    comps = sorted((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), key=lambda c: c.i < verb.i)
    comp = comps[0] if comps else None
    if comp is not None and lemma in COMP_VERBS:
        return subtree_tokens(comp), 0.6
    if lemma in QUESTION_VERBS:
        # "Rubin asked the students if they were always so serious": the parser takes the
        # question for an adverbial clause.
        asked = next((c for c in verb.children if c.dep_ == "advcl" and c.i > verb.i
                      and any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)), None)
        if asked is not None:
            return subtree_tokens(asked), 0.6
    if clause_only:
        return None
    if any(c.dep_ == "nsubjpass" for c in verb.children) and not any(c.dep_ == "agent" for c in verb.children):
        return None  # "peacekeepers were accused of …": the subject is the target, not who speaks
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
    # Only the branches that lead to the quote: in "he said, adding that …" the
    # participle is a statement of its own.
    quoted = {x.i for u in used for c in p.doc[u].children if any(y.i in qtok for y in c.subtree)
              for x in c.subtree} if qtok else set()

    def add(toks: list["Token"], speaker_tok: "Token | None", cue_toks: list["Token"], conf: float) -> None:
        toks = _trim(_without_quoting_tail(toks, qtok))
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
                  and t.i not in qtok]
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
        if t.dep_ == "acl" and (medium := _medium_holder(t, lemma)) is not None:
            # "McConnell issued a statement saying that …": the statement's words are
            # whoever issued it.
            found = _content(t, lemma, clause_only=True)
            if found is not None:
                add(found[0], medium, [t], found[1])
            continue
        if t.dep_ == "acl" or t.dep_ == "relcl" and lemma not in CUE_LEMMAS and not _relative_subject(t):
            # "taxpayers reporting gains": a participle that describes, not a statement;
            # but "McConnell, who has endorsed Trump" is McConnell's stance.
            continue
        if qtok and lemma not in CUE_LEMMAS and any(x.i in qtok for x in t.subtree):
            continue  # a stance verb that also governs a quote: the quote rules attribute it
        # A quote's cue may report a clause of its own ("who said they had misgivings"),
        # but its object goes with the quote ("praised Deif as a “living martyr”").
        found = _content(t, lemma, clause_only=t.i in used)
        if found is None:
            continue
        toks, conf = found
        add(toks, _holder(t), [t], conf)
    colon = _name_colon(p)
    if colon is not None:
        # "Obama: I'm optimistic Americans will say no to Trump."
        add(colon[1], colon[0], [p.doc[colon[0].i + 1]], 0.5)
    for t in p.doc:
        if t.i in qtok or t.tag_ not in ("NN", "NNS"):
            continue
        held = _noun_content(t)
        if held is not None:
            add(held[0], held[1], [t], 0.5)
    return out


def _name_colon(p: Parsed) -> tuple["Token", list["Token"]] | None:
    """The name and the content of a sentence that opens with "Name: …"."""
    if not NAME_COLON.match(p.doc.text):
        return None
    colon = next((t for t in p.doc if t.text == ":"), None)
    if colon is None:
        return None
    name = list(p.doc[:colon.i])
    if not name or any(t.lower_.strip(".") in NOT_COLON_SPEAKERS for t in name) or name[-1].tag_ not in (
            "NNP", "NNPS", "NN", "NNS"):
        return None
    content = list(p.doc[colon.i + 1:])
    return (name[-1], content) if len(content) >= 3 else None


def _holder(verb: "Token") -> "Token | None":
    """Who holds what ``verb`` reports. A passive participle without a subject of its own
    ("Asked about the polls, Rubio said …") was done by someone the sentence may not name:
    its agent if given ("asked by Ingraham"), never the subject of the clause it modifies."""
    if verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "nsubj", "nsubjpass", "csubj") for c in verb.children):
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    subject = subject_of(verb)
    prev = verb.doc[verb.i - 1] if verb.i else None
    if (subject is None and prev is not None and prev.tag_ in ("NNP", "NNPS", "PRP") and verb.dep_ == "ROOT"
            and not any(c.dep_ == "compound" for c in prev.children)):
        # "… a meeting with the board of the Post Trump said that …": the parser lost the
        # subject, and the name right before the verb is it (unless the parser glued it
        # to the name before, which would make "Post Trump").
        return prev
    if subject is None and verb.dep_ == "ROOT":
        return _apposed_name_before(verb)
    return subject


def _apposed_name_before(verb: "Token") -> "Token | None":
    """"As part of his plea, Marcel Lazar, 44, said that …": the parser hung the name on the
    phrase before it (an apposition of "plea") and left the verb without a subject. The name
    is the speaker when only its own apposition (", 44,") stands between it and the verb."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and (doc[j].is_punct or doc[j].tag_ == "CD"):
        j -= 1
    if j < 0:
        return None
    name = doc[j]
    if name.tag_ not in ("NNP", "NNPS") or name.dep_ != "appos":
        return None
    between = doc[name.i + 1:verb.i]
    inside = {t.i for t in name.subtree}
    if not all(t.is_punct or t.i in inside for t in between):
        return None
    return name


def _medium_holder(verb: "Token", lemma: str) -> "Token | None":
    """Who speaks through the medium a participle describes: "issued a statement saying
    …" is the issuer's, "a report showing …" with no issuer is the report's."""
    noun = verb.head
    if verb.tag_ != "VBG" or lemma not in COMP_VERBS or noun.lower_.rstrip("s") not in MEDIA:
        return None
    if noun.dep_ == "dobj" and is_verb(noun.head):
        return subject_of(noun.head)
    return noun if noun.dep_ in ("nsubj", "ROOT") else None


def _relative_subject(verb: "Token") -> bool:
    """True when a relative clause's subject is "who" ("McConnell, who endorsed …"); "that"
    is as often an object the parser took for the subject ("the reasons that he …")."""
    return any(c.dep_ == "nsubj" and c.lower_ == "who" for c in verb.children)


def _noun_content(noun: "Token") -> tuple[list["Token"], "Token"] | None:
    """What a statement or stance noun holds, and who holds it: "Trump's claim that …",
    "the assertion by aides that …", "Obama's decision to …", "her support for …"."""
    low = noun.lower_
    if low not in STATEMENT_NOUNS and low not in NOUN_CLAUSE and low not in NOUN_PREP:
        return None
    who = next((c for c in noun.children if c.dep_ == "poss"), None)
    if who is None:
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
        who = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    if who is None:
        return None
    if who.lower_ in POSSESSIVE_PRONOUNS:
        # "Trump is doubling down on his support for …": the clause's subject names who
        # "his" stands for, as PolNeAR's annotators mark it.
        verb = next((a for a in noun.ancestors if is_verb(a)), None)
        subject = subject_of(verb) if verb is not None else None
        if subject is not None and subject.tag_ in ("NN", "NNS", "NNP", "NNPS"):
            who = subject
    for c in noun.children:
        if c.dep_ in ("acl", "ccomp") and (
                low in STATEMENT_NOUNS and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                or low in NOUN_CLAUSE and any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children)):
            return subtree_tokens(c), who
        if c.dep_ == "prep" and c.lower_ in NOUN_PREP.get(low, ()):
            pobj = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
            if pobj is not None and pobj.lower_ not in EMPTY_OBJECTS:
                return subtree_tokens(pobj), who
    return None
