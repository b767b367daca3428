"""Claim extraction: news article text in, claim record (the core's JSON shape) out.

    read_article(path) -> (text, date)
    extract_text(text, date=..., url=..., title=..., publisher=...) -> record
    extract_files(paths, date=...) -> [record with "file", ...]

The spaCy model loads on first use, once per process.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from kb.extract.article import leading_date, read_article
from kb.extract.document import Builder, plan
from kb.extract.pipeline import load_nlp

__all__ = ["read_article", "extract_text", "extract_files", "leading_date"]

BATCH = 256


def extract_text(text: str, *, date: datetime.date | None = None, url: str | None = None,
                 title: str | None = None, publisher: str | None = None) -> dict[str, Any]:
    """The claim record of one article text; ``date`` defaults to its leading date line."""
    if date is None:
        date = leading_date(text)
    p = plan(text, date)
    nlp = load_nlp()
    docs = list(nlp.pipe(p.texts(), batch_size=BATCH))
    return Builder(p, docs).record(url, title, publisher)


def extract_files(paths: list[str], *, date: datetime.date | None = None) -> list[dict[str, Any]]:
    """One record per file, in order, each starting with ``"file"``: the path as given."""
    plans = []
    for path in paths:
        text, file_date = read_article(path)
        plans.append(plan(text, date or file_date))
    nlp = load_nlp()
    # One pipe over every selected sentence of every file keeps the batches full.
    texts = [t for p in plans for t in p.texts()]
    docs = iter(nlp.pipe(texts, batch_size=BATCH))
    records = []
    for path, p in zip(paths, plans):
        mine = [next(docs) for _ in p.selected]
        record = Builder(p, mine).record(None, None, None)
        records.append({"file": os.fspath(path), **record})
    return records
