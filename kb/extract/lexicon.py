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
blog facebook twitter instagram radio television tv ad advertisement commercial
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
breitbart huffpost huffington daily weekly magazine radio tv television
chronicle examiner independent economist mirror sun star globe courier review
monitor wire network channel broadcasting yorker beast
""".split())

# Pronouns that may stand for a person speaker, and their gender.
PERSON_PRONOUNS = {"he": "m", "she": "f", "him": "m", "her": "f", "i": None, "we": None}
# Heads of noun phrases that make an anonymous speaker ("a source", "officials").
ANONYMOUS_HEADS = frozenset("""
source sources official officials spokesman spokeswoman spokesperson aide aides
person people insider insiders observer observers critic critics expert experts
analyst analysts witness witnesses resident residents someone one others many some
""".split())

# -- Entity names (kb.extract.names) ------------------------------------------------
# Words before a name that are not part of it: determiners, quantifiers, and the
# words a description opens with ("Everything Trump says", "Fellow Republicans").
NAME_LEADS = frozenset("""
the a an this that these those his her their its our my your another every everything
everyone everybody all some any each both either neither no one most many several other
others such former fellow late then maybe perhaps even only also just
""".split())
# Words that stay lowercase inside a personal name ("Osama bin Laden", "Bill de Blasio").
NAME_PARTICLES = frozenset("""
bin ibn bint al el de da das do dos del della der den di du la le van von ten ter y e st
""".split())
# Function words that join the parts of an organisation's name ("Bank of America").
NAME_JOINERS = frozenset("of and for the on in at to & de del la y".split())
# Party words before a person's name: "Democrat Hillary Clinton".
PARTY_LEADS = frozenset("democrat democratic republican gop independent libertarian candidate nominee".split())
# Words that make a name an organisation's ("Tulsa Police Department", "Tax Foundation").
ORG_WORDS = frozenset("""
committee commission council department office bureau agency administration university
college institute institution school academy foundation fund society association union
federation league party caucus center centre court congress senate parliament ministry
corporation company inc corp llc ltd group bank church club army navy force forces guard
guards police service services board authority organization organisation coalition
alliance trust program programme laboratory hospital museum reserve exchange house
convention
""".split())
# Lowercase heads that keep a proper name an organisation ("Clinton campaign",
# "Obama administration", "Trump's campaign"); any other lowercase head is a description.
ORG_HEADS = frozenset("""
campaign administration government caucus party union committee council division
department agency office
""".split())
# Common nouns that are never a name on their own, even capitalized at the start of a
# sentence ("Commission said", "Media reported"). Lowercase ones never pass anyway.
COMMON_NOUNS = frozenset("""
media video coalition commission committee council services state government judge
senator president lawmaker lawmakers demonstrators protesters protestors union city
county court department agency campaign administration study report poll article letter
staff surgery data research economy policy group panel forum debate crowd audience host
announcer book survey analysis statement transcript website clip ad spot piece section
family team officials police military people public voters residents experts analysts
critics supporters opponents sources source official spokesman spokeswoman aide aides
republican democrat democratic conservative liberal progressive bureau cabinet center
centre university college school institute office national federal supreme international
general central pac
""".split())
# Number words: a name made of them (with "percent") is a quantity, never an entity.
NUMBER_WORDS = frozenset("""
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
eighty ninety hundred thousand million billion trillion half dozen dozens hundreds
thousands millions percent percentage per cent points point
""".split())
# Nouns for a person's role or occupation: a description headed by one names a person
# ("the president", "Connecticut's tax commissioner"), never an organisation.
#: Nouns naming what a person is in an organization ("the chief of …", "a spokesman for …").
ROLE_NOUNS = frozenset("""
chief head leader president minister secretary director spokesman spokeswoman spokesperson
chairman chairwoman founder ceo officer member senator governor mayor candidate nominee
predecessor successor adviser advisor aide analyst professor editor reporter host pollster
strategist manager ambassador general official lawyer attorney judge commander chair
""".split())
PERSON_ROLES = ROLE_NOUNS | frozenset("""
congressman congresswoman businessman businesswoman doctor physician moderator narrator
commissioner justice representative lawmaker mother father wife husband son daughter
brother sister friend partner executive economist scholar historian author anchor
""".split())
# Capitalized words that open a sentence or a phrase but never a personal name
# ("But Trump said", "On Monday Pence …"): not a first name before a surname.
NOT_FIRST_NAMES = frozenset("""
but and or so if when while after before since because though although however
meanwhile still yet then there here as at in on for with by from to of into about
like unlike despite during until unless whether where why how what who which
today yesterday tomorrow now later earlier monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october
november december north south east west new old great upper lower central northern
southern eastern western united american capitol federal national state city county
""".split())
# Every inflected form of a reporting verb: a name never contains one ("Howard Dean Tells").
REPORTING_FORMS = frozenset(_ALL_FORMS)
