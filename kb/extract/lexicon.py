"""Word lists: reporting verbs (cues), media, venues, titles and news outlets.

Lemmas are looked up from surface forms here rather than with spaCy's lemmatizer,
which is left out of the pipeline for speed.
"""

from __future__ import annotations

import re

# Reporting verbs by lemma. "speech" verbs take a quote or a that-clause; "evaluative"
# verbs (praise, criticize) take an object that is itself the paraphrased statement.
SPEECH_VERBS = frozenset("""
say tell write add continue state claim argue note explain insist warn promise pledge
vow announce report suggest ask respond reply acknowledge admit declare recall predict
urge tweet post quip joke complain assert contend maintain observe remark comment
concede confirm deny reveal disclose emphasize stress repeat reiterate testify told
agree answer boast brag caution charge counter describe estimate figure find fret
hint indicate lament mention muse point proclaim protest question recount retort
scoff shout sneer snap speculate summarize thunder mutter wonder worry write yell
believe think conclude allege declare demand pledge swear threaten announce read
""".split())
EVALUATIVE_VERBS = frozenset("""
praise criticize criticise condemn denounce slam blast attack accuse applaud hail
commend thank blame mock ridicule defend question dismiss reject call label brand dub
characterize characterise liken laud
""".split())
CUE_LEMMAS = SPEECH_VERBS | EVALUATIVE_VERBS

IRREGULAR = {
    "said": "say", "says": "say", "saying": "say", "told": "tell", "wrote": "write",
    "written": "write", "writes": "write", "writing": "write", "spoke": "speak",
    "spoken": "speak", "thought": "think", "found": "find", "swore": "swear",
    "sworn": "swear", "lied": "lie", "denied": "deny", "denies": "deny", "replied": "reply",
    "replies": "reply", "testified": "testify", "testifies": "testify", "worried": "worry",
    "worries": "worry", "criticised": "criticise", "read": "read", "reads": "read",
    "knew": "know", "known": "know", "saw": "see", "seen": "see", "sought": "seek", "felt": "feel",
    "shown": "show", "understood": "understand", "taught": "teach",
}


def lemma_of(word: str, lemmas: frozenset[str] = CUE_LEMMAS) -> str:
    """A verb lemma for a surface form, good enough for the words in ``lemmas``."""
    w = word.lower()
    if w in IRREGULAR:
        return IRREGULAR[w]
    if w in lemmas:
        return w
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""),
                         ("ed", "e"), ("es", ""), ("s", ""), ("d", "")):
        if w.endswith(suffix):
            stem = w[: len(w) - len(suffix)] + repl
            if stem in lemmas:
                return stem
            # doubled consonant: "admitted", "quipped"
            if suffix in ("ed", "ing") and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in lemmas:
                return stem[:-1]
    return w


def verb_forms(lemma: str) -> set[str]:
    """The surface forms of a verb lemma, regular inflection only (irregular ones are in IRREGULAR)."""
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "d", lemma + "ing", lemma + "es"}
    if lemma.endswith("e"):
        forms.add(lemma[:-1] + "ing")
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwyx" and lemma[-2] in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


_ALL_FORMS = set(IRREGULAR)
for _lemma in CUE_LEMMAS:
    _ALL_FORMS |= verb_forms(_lemma)
# A quick pre-filter: sentences without any of these words (or quote marks) are not
# worth parsing, which is most of the speed budget.
CUE_WORD = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _ALL_FORMS), key=len, reverse=True))
                      + r"|according to)\b", re.IGNORECASE)

# Nouns naming the channel of a statement ("in a letter", "in a tweet").
MEDIA = frozenset("""
letter statement tweet post email e-mail memo interview speech op-ed column essay
message note video podcast broadcast press release report book article editorial
blog facebook twitter instagram radio television tv
""".split())
# Nouns naming an event where something is said ("at a rally in Tehran").
VENUES = frozenset("""
rally conference meeting event hearing summit ceremony forum debate briefing
gathering convention session town hall fundraiser luncheon dinner breakfast
funeral protest parade festival celebration roundtable panel symposium campaign stop
""".split())

# Titles before a name. Multi-word ones are matched first.
TITLES = (
    "Major General", "Lieutenant General", "Brigadier General", "Lieutenant Colonel",
    "Rear Admiral", "Vice Admiral", "Vice President", "Prime Minister", "Foreign Minister",
    "Defense Minister", "Supreme Leader", "Attorney General", "Secretary of State",
    "Brig.-Gen.", "Maj.-Gen.", "Lt.-Gen.", "Lt.-Col.", "Rear-Adm.", "Vice-Adm.",
    "General", "Gen.", "Colonel", "Col.", "Major", "Maj.", "Captain", "Capt.",
    "Lieutenant", "Lt.", "Sergeant", "Sgt.", "Admiral", "Adm.", "Commander", "Cmdr.",
    "President", "Pres.", "Senator", "Sen.", "Representative", "Rep.", "Governor",
    "Gov.", "Mayor", "Judge", "Justice", "Secretary", "Minister", "Chancellor",
    "Ambassador", "Sheikh", "Ayatollah", "Imam", "Rabbi", "Pastor", "Reverend", "Rev.",
    "Father", "Pope", "King", "Queen", "Prince", "Princess", "Dr.", "Doctor",
    "Professor", "Prof.", "Mr.", "Mrs.", "Ms.", "Miss", "Sir", "Dame", "Lord", "Lady",
    "Speaker", "Chairman", "Chairwoman", "Director", "Chief",
)
TITLE_WORDS = frozenset(t for t in TITLES)

# Words that make an organisation name a news outlet.
MEDIA_NAME_WORDS = frozenset("""
post times news journal herald tribune press gazette telegraph guardian observer
reuters ap afp bloomberg cnn bbc msnbc nbc abc cbs fox npr pbs politico axios
breitbart huffpost huffington daily weekly magazine radio tv television agency
chronicle examiner independent economist mirror sun star globe courier review
monitor wire network channel broadcasting
""".split())

# Pronouns that may stand for a person speaker, and their gender.
PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "i": None, "we": None}
# Heads of noun phrases that make an anonymous speaker ("a source", "officials").
ANONYMOUS_HEADS = frozenset("""
source sources official officials spokesman spokeswoman spokesperson aide aides
person people insider insiders observer observers critic critics expert experts
analyst analysts witness witnesses resident residents someone one others many some
""".split())
