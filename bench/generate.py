"""Generate a realistic synthetic knowledge base, deterministically from a seed.

Usage::

    python bench/generate.py --claims 10000 --out bench/data/10k
    python bench/generate.py --claims 100000 --out bench/data/100k [--seed 1] [--no-records] [--no-nquads]

Output layout (stable: other benchmarks read it)::

    OUT/manifest.json          {"seed", "claims", "documents", "reviews", "triples",
                                "people", "organizations", "records": [relative paths],
                                "reviews_file", "nquads"}
    OUT/records/NNN/doc-NNNNNN.json
                               one claim-record JSON per document (the format of
                               kb/record.py; ``kb ingest`` reads it), 1000 per folder
    OUT/reviews.nt             schema:ClaimReview nodes (with their schema:Rating and
                               fact-checking organization) for ~5% of the claims, as
                               N-Triples; ``kb ingest OUT/reviews.nt`` stores them in
                               one graph named by the file's hash
    OUT/data.nq                everything above as N-Quads, exactly the triples kb
                               writes (kb.writing.mapping.record_to_graph for each record in
                               its graph kb/iris.graph_iri(document id); the reviews in
                               the graph kb gives reviews.nt). Ingest provenance (the
                               graph .../graph/provenance) is not included: it depends
                               on the time of the ingest.

What a document looks like: a news article (outlet, date, headline, author) of
filler sentences from templates with ~10 claims embedded (direct quotes, some
split in two spans, partial quotes, paraphrases and facts the article asserts),
each with its speaker mention (a name or a pronoun), its reporting verb, and
sometimes an addressee, a medium (letter, interview, statement), a venue (an
event at a place), an outlet it came through (``via``) and a said-date with a
precision. Entities are shared across documents (people with aliases,
honorifics and roles in organizations; organizations with parent organizations;
news outlets; places), as in a real corpus.

Python API (used by bench/core.py and the web benchmarks)::

    from generate import Corpus
    corpus = Corpus(seed=1, claims=10_000)
    record = corpus.document(i)                  # claim-record dict of document i
    record = corpus.document(i, n_claims=10, salt="extra")   # a fresh document
    triples = corpus.reviews()                   # list of N-Triples lines
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["Corpus", "CLAIMS_PER_DOCUMENT", "REVIEW_SHARE"]

CLAIMS_PER_DOCUMENT = 10
REVIEW_SHARE = 0.05
# Who is quoted, and what, is heavy-tailed in news (a few people account for a large
# share of the claims; a leader's best-known lines are reported again and again):
# speaker of popularity rank r is drawn with weight 1/r**SPEAKER_SKEW, and a share
# QUOTE_REUSE of quotes are one of the speaker's own QUOTES_PER_SPEAKER lines, line
# r with weight 1/r**1.2 (Zipf-like, as in Quotebank's quote frequencies).
SPEAKER_SKEW = 1.1
QUOTE_REUSE = 0.3
QUOTES_PER_SPEAKER = 20
_LINE_CUM = list(itertools.accumulate(1 / r**1.2 for r in range(1, QUOTES_PER_SPEAKER + 1)))
# What a fresh quote is about comes from a long-tailed vocabulary, as in news: word of rank r
# drawn with weight 1/r (Zipf). Without it the templates below repeat the same few thousand
# word pairs, so at a million claims every pair would be carried by thousands of claims and
# the quote tracking (which looks quotes up by their rarest word pairs) would see a corpus
# unlike any real one: every claim a candidate of every other, then none at all past
# kb.tracking.index.MAX_POSTINGS.
LEXICON_SIZE = 50_000
_SYLLABLES = ("ka ri to me la no su vi de ra po li an ter mon sel dra bel cor fin gal hes jor kel lum "
              "mar nev ost pra qui ros tav ul ven wes yor zan").split()
_LEXICON_CUM = list(itertools.accumulate(1 / r for r in range(1, LEXICON_SIZE + 1)))


def _lexicon(seed: int) -> list[str]:
    """LEXICON_SIZE distinct pseudo-words of 2-4 syllables, in an order fixed by ``seed`` (the rank)."""
    rng = random.Random(f"lexicon-{seed}")
    words: dict[str, None] = {}
    while len(words) < LEXICON_SIZE:
        words["".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))] = None
    return list(words)

FIRST = (
    "Amir Ali Maria Elena John Sarah David Fatima Yusuf Olga Ivan Mei Chen Priya Rahul Ana Luis Carlos Sofia "
    "James Emma Noah Leila Omar Hana Kenji Yuki Ahmed Nadia Pierre Claire Hans Greta Tomas Eva Kwame Amina "
    "Daniel Miriam Samuel Ruth Jonas Ingrid Mateo Lucia Arjun Deepa Tariq Zainab Viktor Irina Paolo Giulia"
).split()
LAST = (
    "Rahimi Haddad Novak Petrov Smith Garcia Muller Rossi Tanaka Kim Nguyen Okafor Mensah Cohen Levy Dubois "
    "Schmidt Kowalski Ivanova Silva Santos Costa Hussein Karimi Sato Yamamoto Patel Sharma Khan Ahmadi Barzani "
    "Lindqvist Jensen Moreau Fischer Romano Herrera Castillo Adeyemi Boateng Mwangi Osei Farouk Mansour Nasser"
).split()
HONORIFICS = ("Gen.", "Brig.-Gen.", "Dr.", "Sen.", "Rep.", "Prof.", "Col.", "Amb.", "Judge", "Rev.")
ROLE_NAMES = (
    "spokesperson", "chief", "deputy head", "minister", "commander", "director", "chairman",
    "senior adviser", "secretary-general", "press officer", "founder", "treasurer",
)
ORG_KINDS = ("Ministry of", "Council for", "Institute of", "Union of", "Agency for", "Front for", "Office of")
ORG_TOPICS = (
    "Defense", "Energy", "Health", "Foreign Affairs", "Trade", "Agriculture", "Water", "Labor", "Justice",
    "Education", "Transport", "Finance", "Security", "Culture", "Environment", "Housing", "Science", "Tourism",
)
OUTLETS = (
    "The Daily Ledger", "Global Wire", "Morning Herald", "The Capital Post", "Evening Standard Times",
    "Northern Courier", "Coastal Gazette", "The Observer Review", "Metro Dispatch", "The Sentinel",
    "Continental Press", "Harbor News", "The Tribune Weekly", "Valley Chronicle", "Frontier Reporter",
    "The Civic Journal", "Union Bulletin", "Summit Times", "Meridian News", "The Public Record",
)
FACT_CHECKERS = (
    "VerifyNow", "TruthMeter", "FactLens", "CheckDesk", "ClaimWatch", "RealityCheck Institute", "Fact Review Lab",
)
CITIES = (
    "Tehran", "Beirut", "Cairo", "Amman", "Ankara", "Baghdad", "Damascus", "Doha", "Riyadh", "Kabul", "Delhi",
    "Lagos", "Nairobi", "Accra", "Paris", "Berlin", "Rome", "Madrid", "Lisbon", "Vienna", "Warsaw", "Kyiv",
    "Geneva", "Brussels", "London", "Dublin", "Oslo", "Stockholm", "Helsinki", "Athens", "Tokyo", "Seoul",
    "Manila", "Jakarta", "Hanoi", "Bangkok", "Lima", "Bogota", "Quito", "Santiago", "Caracas", "Havana",
)
VENUE_KINDS = ("a rally in", "a press conference in", "a summit in", "a town hall in", "a parliament session in")
MEDIA = ("letter", "interview", "statement", "speech", "broadcast", "social media post")
CUES = ("said", "told", "wrote", "warned", "claimed", "insisted", "declared", "stated", "argued", "added")
SUBJECTS = (
    "the ceasefire", "the new budget", "the border crossing", "the trade agreement", "the water supply",
    "the election", "the reform package", "the sanctions", "the negotiations", "the pipeline", "the strike",
    "the inquiry", "the vaccine rollout", "the security council vote", "the harvest", "the power grid",
)
VERBS = (
    "will not accept", "fully supports", "strongly rejects", "intends to review", "cannot ignore",
    "has already delayed", "plans to expand", "is ready to suspend", "will never abandon", "must reconsider",
)
REASONS = (
    "until the prisoners are released", "because the people demand it", "despite the pressure from abroad",
    "before the end of the year", "as long as the attacks continue", "without a clear guarantee",
    "unless the funding is restored", "after the talks collapse", "in the coming weeks", "at any cost",
)
FACTS = (
    "More than {n} people were displaced in {month}.", "The agency reported {n} incidents last year.",
    "Prices rose by {p} percent over the past twelve months.", "The talks were first held in {year}.",
    "At least {n} delegates attended the meeting.", "The region has received {n} tonnes of aid since {year}.",
)
FILLERS = (
    "The situation remained tense on {weekday}.", "Officials did not respond to a request for comment.",
    "The announcement came amid growing criticism at home.", "Observers said the move was widely expected.",
    "Talks are scheduled to resume next week.", "Analysts cautioned against drawing early conclusions.",
    "Several ministers were present at the meeting.", "The decision drew a mixed response from neighbours.",
    "Local media described the atmosphere as calm.", "It was not immediately clear how the plan would be funded.",
)
HEADLINES = (
    "{org} faces pressure over {subject}", "{person} defends {subject}", "Debate grows over {subject}",
    "New twist in {subject} talks", "{city} responds to {subject}",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
PRONOUNS = ("he", "she")
VERDICTS = (  # fact-checker label, kb:verdict, rating value on a 1..5 scale
    ("True", "VerdictTrue", 5), ("Mostly True", "VerdictTrue", 4), ("Half True", "VerdictMixture", 3),
    ("Misleading", "VerdictMixture", 2), ("False", "VerdictFalse", 1), ("Pants on Fire", "VerdictFalse", 1),
    ("Unproven", "VerdictOther", 3),
)
START = dt.date(2019, 1, 1)
DAYS = 6 * 365


class Corpus:
    """A synthetic corpus: entity pools fixed by the seed, documents generated on demand.

    Each document depends only on (seed, index, salt), so any document can be
    regenerated alone, in any order, in any process.
    """

    def __init__(self, *, seed: int = 1, claims: int = 10_000, speaker_skew: float = SPEAKER_SKEW,
                 quote_reuse: float = QUOTE_REUSE) -> None:
        self.seed = seed
        self.claims = claims
        self.speaker_skew = speaker_skew
        self.quote_reuse = quote_reuse
        self.documents = max(1, round(claims / CLAIMS_PER_DOCUMENT))
        self.lexicon = _lexicon(seed)
        rng = random.Random(f"pools-{seed}")
        n_people = max(100, claims // 40)
        n_orgs = max(30, claims // 300)
        self.orgs: list[dict[str, Any]] = []
        seen: set[str] = set()
        while len(self.orgs) < n_orgs:
            name = f"{rng.choice(ORG_KINDS)} {rng.choice(ORG_TOPICS)}"
            if len(self.orgs) > 20 and rng.random() < 0.7:
                name += f" of {rng.choice(CITIES)}"
            if len(self.orgs) > 200:
                name += f" ({rng.randrange(10_000)})"
            if name in seen:
                continue
            seen.add(name)
            org: dict[str, Any] = {"name": name, "type": "Organization", "aliases": []}
            if self.orgs and rng.random() < 0.3:
                parent = rng.choice(self.orgs)
                org["parent"] = parent["name"]
                if rng.random() < 0.5:
                    org["relation"] = rng.choice(("military wing", "regional branch", "research arm", "youth wing"))
            acronym = "".join(w[0] for w in name.split() if w[0].isupper())
            if len(acronym) >= 2 and rng.random() < 0.5:
                org["aliases"] = [acronym]
            self.orgs.append(org)
        self.people: list[dict[str, Any]] = []
        while len(self.people) < n_people:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            if name in seen:
                name = f"{first} {rng.choice(LAST)}-{last}"
            if name in seen:
                continue
            seen.add(name)
            person: dict[str, Any] = {"name": name, "type": "Person", "aliases": [last]}
            if rng.random() < 0.3:
                person["aliases"].append(f"{first[0]}. {last}")
            if rng.random() < 0.4:
                person["honorific"] = rng.choice(HONORIFICS)
            roles = []
            for _ in range(rng.choice((0, 1, 1, 1, 2))):
                org = rng.choice(self.orgs)
                role: dict[str, Any] = {"name": rng.choice(ROLE_NAMES), "organization": org["name"]}
                if rng.random() < 0.6:
                    start = START + dt.timedelta(days=rng.randrange(DAYS) - 2000)
                    role["start"] = start.isoformat()
                    if rng.random() < 0.3:
                        role["end"] = (start + dt.timedelta(days=rng.randrange(30, 2000))).isoformat()
                roles.append(role)
            person["roles"] = roles
            self.people.append(person)
        self.outlets = [{"name": n, "type": "NewsMediaOrganization", "aliases": []} for n in OUTLETS]
        self.by_name = {e["name"]: e for e in self.orgs + self.people + self.outlets}
        # self.people is in random order: its index is the popularity rank.
        self._speaker_cum = list(itertools.accumulate(1 / r**speaker_skew for r in range(1, len(self.people) + 1)))

    # -- documents -----------------------------------------------------------
    def claims_in(self, index: int) -> int:
        """How many claims document ``index`` has: about 10 (6 to 14), summing to ``claims``."""
        base, extra = divmod(self.claims, self.documents)
        n = base + (1 if index < extra else 0)
        if (index | 1) < self.documents:  # documents 2j and 2j+1 wobble in opposite directions
            limit = min(4, base - 1)
            w = random.Random(f"n-{self.seed}-{index // 2}").randint(-limit, limit) if limit > 0 else 0
            n += w if index % 2 == 0 else -w
        return n

    def document(self, index: int, *, n_claims: int | None = None, salt: str = "") -> dict[str, Any]:
        """The claim-record JSON (as a dict) of document ``index``."""
        rng = random.Random(f"doc-{self.seed}-{index}-{salt}")
        n = self.claims_in(index) if n_claims is None else n_claims
        date = START + dt.timedelta(days=rng.randrange(DAYS))
        outlet = rng.choice(self.outlets)
        author = rng.choice(self.people)
        cast: list[dict[str, Any]] = []
        wanted = min(len(self.people), rng.randrange(2, 5))
        while len(cast) < wanted:  # distinct people, the popular ones far more often
            person = rng.choices(self.people, cum_weights=self._speaker_cum)[0]
            if person not in cast:
                cast.append(person)
        entities: dict[str, dict[str, Any]] = {}

        def use(entity: dict[str, Any]) -> str:
            entities[entity["name"]] = entity
            for role in entity.get("roles", ()):
                use(self.by_name[role["organization"]])
            if "parent" in entity:
                use(self.by_name[entity["parent"]])
            return entity["name"]

        use(outlet)
        use(author)
        parts: list[str] = []
        length = 0

        def put(text: str) -> int:
            nonlocal length
            start = length
            parts.append(text)
            length += len(text)
            return start

        claims: list[dict[str, Any]] = []
        put(f"{rng.choice(CITIES).upper()} ({outlet['name']}) - ")
        last_speaker: dict[str, Any] | None = None
        for k in range(n):
            if k and rng.random() < 0.6:
                put(self._filler(rng, date) + " ")
            if k and rng.random() < 0.15:
                put("\n\n")
            claims.append(self._claim(rng, put, cast, use, date, last_speaker))
            last_speaker = self.by_name.get((claims[-1].get("speaker") or {}).get("name", ""))
            put(" ")
        put(self._filler(rng, date))
        text = "".join(parts)
        headline = rng.choice(HEADLINES).format(
            org=rng.choice(self.orgs)["name"], person=cast[0]["name"], subject=rng.choice(SUBJECTS),
            city=rng.choice(CITIES),
        )
        record: dict[str, Any] = {
            "document": {
                "text": text,
                "date": date.isoformat(),
                "url": f"https://news.example.org/{outlet['name'].lower().replace(' ', '-')}/"
                f"{date.isoformat()}/{index}{('-' + salt) if salt else ''}",
                "title": headline[0].upper() + headline[1:],
                "publisher": outlet["name"],
                "author": author["name"],
            },
            "claims": claims,
            "entities": [_entity_json(e) for e in entities.values()],
        }
        return record

    def _filler(self, rng: random.Random, date: dt.date) -> str:
        if rng.random() < 0.3:
            return rng.choice(FACTS).format(
                n=rng.randrange(12, 90_000), p=rng.randrange(2, 40), month=MONTHS[date.month - 1],
                year=date.year - rng.randrange(1, 10),
            )
        return rng.choice(FILLERS).format(weekday=rng.choice(WEEKDAYS))

    def _quote(self, rng: random.Random, speaker: dict[str, Any] | None = None) -> str:
        if speaker is not None and rng.random() < self.quote_reuse:
            line = rng.choices(range(QUOTES_PER_SPEAKER), cum_weights=_LINE_CUM)[0]
            rng = random.Random(f"line-{self.seed}-{speaker['name']}-{line}")  # the same words every time
        subject = rng.choice(SUBJECTS)
        # Where and when make a fresh quote fresh: without them the templates give only
        # 1,600 sentences, and at a million claims every quote would recur hundreds of times.
        where = rng.choice(("",) + tuple(f" in {city}" for city in CITIES))
        when = rng.choice(("", f" by {rng.choice(MONTHS)}", f" within {rng.randrange(2, 400)} days"))
        a, b, c, d = rng.choices(self.lexicon, cum_weights=_LEXICON_CUM, k=4)
        return f"We {rng.choice(VERBS)} {subject} over {a} {b} and the {c} {d}{where}{when} {rng.choice(REASONS)}"

    def _claim(self, rng, put, cast, use, date, last_speaker) -> dict[str, Any]:  # type: ignore[no-untyped-def]
        kind = rng.choices(("direct-quote", "partial-quote", "paraphrase", "reported-fact"), (45, 15, 30, 10))[0]
        speaker = rng.choice(cast)
        if kind == "reported-fact":
            fact = self._filler(rng, date).rstrip(".")
            start = put(fact)
            put(".")
            return {"kind": kind, "text": fact, "start": start, "end": start + len(fact), "speaker": None,
                    "cue": None, "date": date.isoformat(), "confidence": round(rng.uniform(0.5, 1), 2)}
        use(speaker)
        pronoun = last_speaker is speaker and rng.random() < 0.7
        honorific = speaker.get("honorific")
        said_as = rng.choice(PRONOUNS) if pronoun else (
            f"{honorific} {speaker['name']}" if honorific and rng.random() < 0.5 else
            rng.choice([speaker["name"]] + speaker["aliases"])
        )
        cue = rng.choice(CUES)
        claim: dict[str, Any] = {"kind": kind}
        quote = self._quote(rng, speaker)
        if kind == "direct-quote" and rng.random() < 0.1:
            # "First part," she said, "second part."  -- a quote in two spans
            first, second = quote.split(" ", 3)[:3], quote.split(" ", 3)[3]
            a = " ".join(first)
            put('"')
            s1 = put(a)
            put(',"')
            put(" ")
            sp = put(said_as)
            put(" ")
            cu = put(cue)
            put(', "')
            s2 = put(second)
            put('."')
            claim.update(text=f"{a} {second}", start=s1, end=s2 + len(second), spans=[[s1, s1 + len(a)], [s2, s2 + len(second)]])
        elif kind == "direct-quote":
            put('"')
            s = put(quote)
            put(',"')
            put(" ")
            sp = put(said_as)
            put(" ")
            cu = put(cue)
            put(".")
            claim.update(text=quote, start=s, end=s + len(quote))
        elif kind == "partial-quote":
            sp = put(said_as[0].upper() + said_as[1:] if pronoun else said_as)
            put(" ")
            cu = put(cue)
            fragment = quote.split(" ", 1)[1]
            put(" the government ")
            put('"')
            s = put(fragment)
            put('".')
            claim.update(text=fragment, start=s, end=s + len(fragment))
        else:  # paraphrase
            sp = put(said_as[0].upper() + said_as[1:] if pronoun else said_as)
            put(" ")
            cu = put(cue)
            put(" that ")
            para = quote.replace("We ", "the government ", 1)
            s = put(para)
            put(".")
            claim.update(text=para, start=s, end=s + len(para))
        shown = said_as[0].upper() + said_as[1:] if pronoun and kind != "direct-quote" else said_as
        claim["speaker"] = {"name": speaker["name"], "start": sp, "end": sp + len(shown), "type": "Person"}
        claim["cue"] = {"text": cue, "start": cu, "end": cu + len(cue)}
        roll = rng.random()
        if roll < 0.15:
            addressee = rng.choice([p for p in cast if p is not speaker] or cast)
            claim["addressee"] = use(addressee)
        if rng.random() < 0.2:
            claim["medium"] = rng.choice(MEDIA)
        if rng.random() < 0.15:
            city = rng.choice(CITIES)
            claim["venue"] = f"{rng.choice(VENUE_KINDS)} {city}"
            claim["place"] = city
        if rng.random() < 0.1:
            claim["via"] = use(rng.choice(self.outlets))
        said = date - dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        precision = rng.choices(("day", "week", "month", "year", None), (60, 5, 15, 5, 15))[0]
        if precision == "day":
            claim["date"] = said.isoformat()
        elif precision == "week":
            y, w, _ = said.isocalendar()
            claim["date"] = f"{y}-W{w:02d}"
        elif precision == "month":
            claim["date"] = said.strftime("%Y-%m")
        elif precision == "year":
            claim["date"] = f"{said.year:04d}"
        if rng.random() < 0.8:
            claim["confidence"] = round(rng.uniform(0.4, 1), 2)
        return claim

    # -- reviews -------------------------------------------------------------
    def reviews(self) -> list[str]:
        """N-Triples lines: ClaimReviews of ~5% of the claims, with ratings and fact-checkers."""
        from kb import iris
        from kb.vocab import ID_BASE

        schema, kbns = "http://schema.org/", "https://w3id.org/claimkb/ns#"
        rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
        xsd = "http://www.w3.org/2001/XMLSchema#"
        lines: list[str] = []
        for name in FACT_CHECKERS:
            org = f"<{ID_BASE}org/{iris.slug(name)}>"
            lines += [f"{org} {rdf_type} <{schema}Organization> .", f"{org} <{schema}name> {_nt(name)} ."]
        for index in range(self.documents):
            rng = random.Random(f"review-{self.seed}-{index}")
            if rng.random() >= REVIEW_SHARE * CLAIMS_PER_DOCUMENT:  # ~half the documents ...
                continue
            record = self.document(index)
            doc_id = iris.document_id(record["document"]["text"])
            claim = rng.choice(record["claims"])  # ... one claim each: ~5% of the claims
            spans = claim.get("spans") or [[claim["start"], claim["end"]]]
            claim_iri = iris.claim_iri(doc_id, [(s, e) for s, e in spans])
            label, verdict, value = rng.choice(VERDICTS)
            checker = rng.choice(FACT_CHECKERS)
            review = f"<{ID_BASE}review/{iris.digest(claim_iri, checker)}>"
            rating = f"<{ID_BASE}rating/{iris.digest(claim_iri, checker)}>"
            published = dt.date.fromisoformat(record["document"]["date"]) + dt.timedelta(days=rng.randrange(1, 30))
            lines += [
                f"{review} {rdf_type} <{schema}ClaimReview> .",
                f"{review} <{schema}itemReviewed> <{claim_iri}> .",
                f"{review} <{schema}claimReviewed> {_nt(claim['text'])} .",
                f"{review} <{schema}author> <{ID_BASE}org/{iris.slug(checker)}> .",
                f"{review} <{schema}datePublished> \"{published.isoformat()}\"^^<{xsd}date> .",
                f"{review} <{schema}url> <https://factcheck.example.org/{iris.slug(checker)}/{index}> .",
                f"{review} <{schema}reviewRating> {rating} .",
                f"{review} <{kbns}verdict> <{kbns}{verdict}> .",
                f"{rating} {rdf_type} <{schema}Rating> .",
                f"{rating} <{schema}alternateName> {_nt(label)} .",
                f"{rating} <{schema}ratingValue> \"{value}\"^^<{xsd}integer> .",
                f"{rating} <{schema}bestRating> \"5\"^^<{xsd}integer> .",
                f"{rating} <{schema}worstRating> \"1\"^^<{xsd}integer> .",
            ]
        return lines


class Tails:
    """How heavy the tails came out: what share of the attributed claims the most
    quoted 1% of people have, and what share of quotes repeat an earlier one."""

    def __init__(self) -> None:
        self.speakers: collections.Counter[str] = collections.Counter()
        self.quotes: collections.Counter[int] = collections.Counter()

    def add(self, record: dict[str, Any]) -> None:
        for claim in record["claims"]:
            if claim.get("speaker"):
                self.speakers[claim["speaker"]["name"]] += 1
            if claim["kind"] in ("direct-quote", "partial-quote"):
                self.quotes[hash(claim["text"])] += 1

    def summary(self, people: int) -> dict[str, Any]:
        attributed = sum(self.speakers.values()) or 1
        top = max(1, people // 100)
        quotes = sum(self.quotes.values()) or 1
        return {
            "top_1pct_speakers_share": round(sum(n for _, n in self.speakers.most_common(top)) / attributed, 3),
            "repeated_quotes_share": round(sum(n - 1 for n in self.quotes.values()) / quotes, 3),
            "most_repeated_quote": max(self.quotes.values(), default=0),
        }


def _entity_json(e: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in e.items() if v not in (None, [], "")}


def _nt(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def record_quads(record: dict[str, Any]) -> Iterator[str]:
    """The N-Quads lines kb writes for a record (its document graph), via kb.writing.mapping."""
    import pyoxigraph as ox

    from kb import iris
    from kb.writing.mapping import record_to_graph
    from kb.record import parse_record
    from kb.store.convert import quad_to_ox

    doc, graph = record_to_graph(parse_record(record))
    g = iris.graph_iri(iris.local_path(doc).split("/", 1)[1])
    quads = [quad_to_ox(s, p, o, g) for s, p, o in graph]
    yield ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-records", action="store_true", help="do not write the claim-record JSON files")
    ap.add_argument("--no-nquads", action="store_true", help="do not write data.nq")
    ap.add_argument("--speaker-skew", type=float, default=SPEAKER_SKEW,
                    help=f"Zipf exponent of speaker popularity (default {SPEAKER_SKEW}; 0: uniform)")
    ap.add_argument("--quote-reuse", type=float, default=QUOTE_REUSE,
                    help=f"share of quotes that repeat one of the speaker's own lines (default {QUOTE_REUSE})")
    args = ap.parse_args(argv)

    from kb import iris

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(seed=args.seed, claims=args.claims, speaker_skew=args.speaker_skew, quote_reuse=args.quote_reuse)
    tails = Tails()
    t0 = time.perf_counter()
    records: list[str] = []
    n_claims = 0
    nq = None if args.no_nquads else open(out / "data.nq", "w", encoding="utf-8")
    for i in range(corpus.documents):
        record = corpus.document(i)
        n_claims += len(record["claims"])
        tails.add(record)
        if not args.no_records:
            rel = f"records/{i // 1000:03d}/doc-{i:06d}.json"
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            with open(out / rel, "w", encoding="utf-8") as f:
                json.dump(record, f, ensure_ascii=False, indent=1)
            records.append(rel)
        if nq is not None:
            for chunk in record_quads(record):
                nq.write(chunk)
        if i % 1000 == 999:
            print(f"{i + 1}/{corpus.documents} documents, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    reviews = corpus.reviews()
    review_bytes = ("\n".join(reviews) + "\n").encode("utf-8")
    (out / "reviews.nt").write_bytes(review_bytes)
    triples = 0
    if nq is not None:
        g = iris.graph_iri(iris.sha256_hex(review_bytes)[:20])  # the graph kb gives reviews.nt
        for line in reviews:
            nq.write(f"{line[:-1]}<{g}> .\n")
        nq.close()
        with open(out / "data.nq", "rb") as f:
            triples = sum(1 for _ in f)
    manifest = {
        "seed": args.seed,
        "claims": n_claims,
        "documents": corpus.documents,
        "reviews": sum(1 for line in reviews if line.endswith("<http://schema.org/ClaimReview> .")),
        "triples": triples,
        "people": len(corpus.people),
        "organizations": len(corpus.orgs) + len(corpus.outlets) + len(FACT_CHECKERS),
        "records": records,
        "reviews_file": "reviews.nt",
        "nquads": None if args.no_nquads else "data.nq",
        "speaker_skew": args.speaker_skew,
        "quote_reuse": args.quote_reuse,
        **tails.summary(len(corpus.people)),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(
        f"{out}: {n_claims} claims in {corpus.documents} documents, {manifest['reviews']} reviews, "
        f"{triples} quads, {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
