"""Claim extraction: news article text in, claim record (the core's JSON shape) out.

    read_article(path) -> (text, date)
    extract_text(text, date=..., url=..., title=..., publisher=...) -> record
    extract_files(paths, date=..., metadata=...) -> [record with "file", ...]

The spaCy model loads on first use, once per process.
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING, Any, Mapping

from kb.extract.article import leading_date, read_article
from kb.extract.document import Builder, Plan, plan
from kb.extract.metadata import resolve, resolve_all
from kb.extract.pipeline import load_nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["read_article", "extract_text", "extract_files", "leading_date"]

BATCH = 256


def extract_text(text: str, *, date: datetime.date | None = None, url: str | None = None,
                 title: str | None = None, publisher: str | None = None,
                 author: str | None = None) -> dict[str, Any]:
    """The claim record of one article text; ``date`` defaults to its leading date line."""
    if date is None:
        date = leading_date(text)
    p = plan(text, date)
    meta = {"url": url, "title": title, "publisher": publisher, "author": author}
    return Builder(p, parse([p])[0]).record({k: v for k, v in meta.items() if v})


def parse(plans: list[Plan]) -> list[list["Doc"]]:
    """The parses of each plan's selected sentences, in order.

    One pipe over the sentences of every plan keeps the batches full; sentences that
    only may hold a paraphrase skip the entity recognizer.
    """
    nlp = load_nlp()
    full = iter(nlp.pipe([t for p in plans for t in p.texts()], batch_size=BATCH))
    light = iter(nlp.pipe([t for p in plans for t in p.texts(light=True)], batch_size=BATCH,
                          disable=["ner"]))
    return [[next(light) if i in p.light else next(full) for i in p.selected] for p in plans]


def extract_files(paths: list[str], *, date: datetime.date | None = None,
                  metadata: Mapping[str, Mapping[str, str]] | None = None) -> list[dict[str, Any]]:
    """One record per file, in order, each starting with ``"file"``: the path as given.

    ``metadata`` maps each path to its resolved fields (:func:`kb.extract.metadata.resolve_all`);
    without it, ``date`` and each article's ``NAME.json`` are used.
    """
    if metadata is None:
        metadata = resolve_all([os.fspath(p) for p in paths], {"date": date})
    plans, metas = [], []
    for path in paths:
        text, file_date = read_article(path)
        key = os.fspath(path)
        found = metadata.get(key) or metadata.get(os.path.basename(key))
        meta = dict(found) if found is not None else resolve(key, {"date": date})
        given = meta.get("date")
        plans.append(plan(text, datetime.date.fromisoformat(given) if given else date or file_date))
        metas.append(meta)
    records = []
    for path, p, docs, meta in zip(paths, plans, parse(plans), metas):
        record = Builder(p, docs).record(meta)
        records.append({"file": os.fspath(path), **record})
    return records
