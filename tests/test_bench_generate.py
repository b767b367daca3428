"""bench/generate.py at small N: heavy-tailed speakers and quote reuse, deterministic, valid records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import Corpus  # noqa: E402


def test_the_tails_are_heavy_and_switch_off(tmp_path):
    def manifest(*extra: str) -> dict:
        out = tmp_path / ("flat" if extra else "news")
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--claims", "4000", "--out", str(out),
                        "--no-nquads", "--no-records", *extra], check=True, capture_output=True, timeout=300)
        return json.loads((out / "manifest.json").read_text())

    news, flat = manifest(), manifest("--speaker-skew", "0", "--quote-reuse", "0")
    assert news["people"] == flat["people"] == 100
    # The most quoted 1% of people (one of 100): a sixth of the attributed claims, ~1-2% when uniform.
    assert news["top_1pct_speakers_share"] > 0.12 and flat["top_1pct_speakers_share"] < 0.05
    assert news["repeated_quotes_share"] > 0.1 and flat["repeated_quotes_share"] < 0.02
    assert news["most_repeated_quote"] >= 20 and flat["most_repeated_quote"] <= 3


def test_documents_are_deterministic_and_valid_records(tmp_path):
    from kb import KnowledgeBase
    from kb.record import parse_record

    a, b = Corpus(seed=3, claims=2000), Corpus(seed=3, claims=2000)
    docs = [a.document(i) for i in range(a.documents)]
    assert docs == [b.document(i) for i in range(b.documents)]
    for doc in docs:
        parse_record(doc)
    with KnowledgeBase(tmp_path / "store") as kb:
        report = kb.ingest_records(docs[:5])
        assert report.claims == sum(len(d["claims"]) for d in docs[:5])
        assert kb.validate().conforms
