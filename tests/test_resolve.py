"""Who is who: a person named by one word is linked to the one fuller name it stands for,
whichever article came first; two candidates leave it flagged, never merged (issue 10)."""

from __future__ import annotations

from typing import Any

from kb import KnowledgeBase

PERSON = "https://w3id.org/claimkb/id/person/"


def article(text: str, speaker: str, said: str = "said") -> dict[str, Any]:
    quote = text.split("“")[1].split("”")[0]
    q = text.index(quote)
    s = text.index(speaker)
    c = text.index(said)
    return {
        "document": {"text": text, "date": "2024-05-01"},
        "claims": [{"kind": "direct-quote", "text": quote, "start": q, "end": q + len(quote),
                    "speaker": {"name": speaker, "start": s, "end": s + len(speaker)},
                    "cue": {"text": said, "start": c, "end": c + len(said)}}],
        "entities": [{"name": speaker, "type": "Person"}],
    }


SHORT = article("“We will fix the roads,” Obama said on Monday.", "Obama")
FULL = article("Barack Obama said: “Schools come first.”", "Barack Obama")
OTHER = article("Michelle Obama said: “Read every day.”", "Michelle Obama")
SHORT_2 = article("“Rates will fall,” Obama said again.", "Obama")


def speakers(kb: KnowledgeBase) -> list[tuple[str, str]]:
    rows = kb.select("SELECT ?c ?p ?n WHERE { ?c a schema:Claim ; schema:author ?p . ?p schema:name ?n } ORDER BY ?n ?c")
    return sorted((r["p"][len(PERSON):], r["n"]) for r in rows)


def test_a_word_is_resolved_to_the_one_stored_fuller_name(tmp_path):
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(FULL, name="full.json")
        kb.ingest_record(SHORT, name="short.json")
        assert speakers(kb) == [("barack-obama", "Barack Obama")] * 2
        aliases = kb.select("SELECT ?a WHERE { ?p a schema:Person ; schema:alternateName ?a }")
        assert aliases == [{"a": "Obama"}]


def test_an_earlier_article_is_relinked_when_the_fuller_name_arrives(tmp_path):
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(SHORT, name="short.json")
        assert speakers(kb) == [("obama", "Obama")]
        result = kb.ingest_record(FULL, name="full.json")
        assert sorted(result.graphs.values()) == ["added", "replaced"]
        assert speakers(kb) == [("barack-obama", "Barack Obama")] * 2
        assert not kb.ask("ASK { ?p a schema:Person ; schema:name \"Obama\" }")
        (version,) = [v for g in result.graphs for v in kb.versions(str(g))]
        assert (version.agent, version.reason) == ("kb (who is who)", "resolved obama → barack-obama")
        assert kb.validate().conforms


def test_two_candidates_leave_the_word_unlinked_and_flagged(tmp_path):
    with KnowledgeBase(tmp_path / "s") as kb:
        kb.ingest_record(FULL, name="full.json")
        kb.ingest_record(OTHER, name="other.json")
        kb.ingest_record(SHORT_2, name="short.json")
        assert speakers(kb) == [("barack-obama", "Barack Obama"), ("michelle-obama", "Michelle Obama"),
                                ("obama", "Obama")]
        flags = kb.select("SELECT ?c WHERE { ?p a schema:Person ; schema:name \"Obama\" ; kb:ambiguousWith ?c } ORDER BY ?c")
        assert [f["c"][len(PERSON):] for f in flags] == ["barack-obama", "michelle-obama"]
        assert kb.validate().conforms
