"""The match index: every stored ClaimReview, ready to rank against a claim.

A derived cache, like the browse index (:mod:`kb.browse.index`), never the
source of truth. It is built lazily from the store on first use and rebuilt
when the set of graphs holding reviews, or the ingest fingerprint of any of
them, changes; the per-graph fingerprints are the ones the browse index already
keeps (:func:`review_fingerprint`), not a second bookkeeping. It is saved beside
the browse index (``match-index.npz`` in the store folder), so a ``kb match``
after ``kb ingest`` loads it in milliseconds instead of rebuilding. Rebuilds
re-embed only reviews whose text is new: the embedding is the costly part.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import weakref
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from ..browse.index import INDEX_FILE, index_path
from ..browse.queries import review_graphs
from ..browse.store import get_index
from . import dense
from .bm25 import BM25
from .text import tokens

__all__ = ["ReviewDoc", "Match", "MatchIndex", "get_match_index", "review_fingerprint", "match_path", "FORMAT"]

MATCH_FILE = "match-index.npz"
#: Bump when what goes into the file changes: an old file is then rebuilt, not misread.
FORMAT = "1"



@dataclass(frozen=True)
class ReviewDoc:
    review: str
    url: str
    claim: str
    claim_reviewed: str
    headline: str
    verdict: str  # the shared scale: true, mixture, false, other
    rating: str  # the fact-checker's own label
    author: str  # the fact-checker's name


@dataclass(frozen=True)
class Match:
    review: str
    url: str
    claim: str
    claim_reviewed: str
    headline: str
    verdict: str
    rating: str
    author: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def match_path(location: str) -> str:
    """Beside the browse index (:mod:`kb.store.beside`)."""
    path = index_path(location)
    if path.endswith(INDEX_FILE):
        return path[: -len(INDEX_FILE)] + MATCH_FILE
    return path.rsplit(".", 1)[0] + "-match.npz"


def review_fingerprint(kb: Any) -> str:
    """A digest of the graphs holding reviews and their ingest fingerprints (from the browse index)."""
    graphs = sorted(review_graphs(kb))
    if not graphs:
        return "-"
    known = dict(get_index(kb).db().execute("SELECT graph, fingerprint FROM graphs").fetchall())
    h = hashlib.sha256()
    for g in graphs:
        h.update(f"{g}\t{known.get(g, '?')}\n".encode("utf-8"))
    return h.hexdigest()[:24]


def _review_docs(kb: Any) -> tuple[list[ReviewDoc], list[str]]:
    """Each review (as the reviews page reads them: :func:`kb.browse.reviews.all_reviews`), and the
    text a claim is matched against: the claim as reviewed, the review's title, and the stored
    claim's own wording when it differs."""
    from ..browse.reviews import all_reviews

    docs, texts = [], []
    for r in sorted(all_reviews(kb), key=lambda r: r.iri):
        doc = ReviewDoc(
            review=r.iri, url=r.url, claim=r.claim, claim_reviewed=r.claim_reviewed, headline=r.headline,
            verdict=r.verdict, rating=r.rating, author=r.checker_name if r.checker_name != r.checker else "",
        )
        extra = r.claim_text if r.claim_text != r.claim_reviewed else ""
        docs.append(doc)
        texts.append(" ".join(p for p in (r.claim_reviewed, doc.headline, extra) if p))
    return docs, texts


#: Weight of BM25 (scaled to the best hit's score) against the cosine of the embeddings, when a model is
#: installed. Tuned on CLEF-2020 train only (0.2: 0.891, 0.3: 0.894, 0.4: 0.891): see bench/README.md.
LEXICAL_WEIGHT = 0.3


SIMILAR_FUSED = 0.6
SIMILAR_BM25 = 4.0


def _dense_text(doc: ReviewDoc) -> str:
    return doc.claim_reviewed or doc.headline


class MatchIndex:
    """BM25 over the reviews' words, plus their sentence embeddings when a model is installed."""

    def __init__(self, docs: list[ReviewDoc], texts: list[str], bm25: BM25, vectors: np.ndarray | None,
                 fingerprint: str) -> None:
        self.docs = docs
        self.texts = texts
        self.bm25 = bm25
        self.vectors = vectors
        self.fingerprint = fingerprint

    # -- building, saving, loading ------------------------------------------------------
    @classmethod
    def build(cls, docs: list[ReviewDoc], texts: list[str], fingerprint: str = "-",
              previous: "MatchIndex | None" = None) -> "MatchIndex":
        bm25 = BM25.build([tokens(t) for t in texts])
        vectors = None
        if dense.available():
            # The claim alone is embedded: with the title too, train MAP@5 fell from 0.894 to 0.873.
            wanted = [_dense_text(d) for d in docs]
            old: dict[str, np.ndarray] = {}
            if previous is not None and previous.vectors is not None:
                old = {_dense_text(d): previous.vectors[i] for i, d in enumerate(previous.docs)}
            vectors = np.zeros((len(docs), dense.DIMENSIONS), dtype=np.float32)
            todo = []
            for i, t in enumerate(wanted):
                if t in old:
                    vectors[i] = old[t]
                else:
                    todo.append(i)
            if todo:
                vectors[todo] = dense.encode([wanted[i] for i in todo])
        return cls(docs, texts, bm25, vectors, fingerprint)

    def save(self, path: str) -> None:
        meta = {
            "format": FORMAT, "fingerprint": self.fingerprint, "size": self.bm25.size,
            "vocabulary": sorted(self.bm25.vocabulary, key=self.bm25.vocabulary.__getitem__),
            "docs": [list(asdict(d).values()) for d in self.docs], "texts": self.texts,
        }
        arrays = {"meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
                  "offsets": self.bm25.offsets, "postings": self.bm25.docs, "weights": self.bm25.weights}
        if self.vectors is not None:
            arrays["vectors"] = self.vectors
        tmp = f"{path}.{os.getpid()}.tmp.npz"
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one

    @classmethod
    def load(cls, path: str) -> "MatchIndex | None":
        """The saved index, or None if there is none or it is unreadable or of another format."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(data["meta"].tobytes().decode("utf-8"))
                if meta.get("format") != FORMAT:
                    return None
                vocabulary = {t: i for i, t in enumerate(meta["vocabulary"])}
                bm25 = BM25(vocabulary, data["offsets"], data["postings"], data["weights"], int(meta["size"]))
                vectors = data["vectors"] if "vectors" in data.files else None
        except (OSError, ValueError, KeyError, json.JSONDecodeError):
            return None
        docs = [ReviewDoc(*row) for row in meta["docs"]]
        return cls(docs, meta["texts"], bm25, vectors, meta["fingerprint"])

    @property
    def dense(self) -> bool:
        return self.vectors is not None and dense.available()

    @property
    def similar(self) -> float:
        """The score from which a hit counts as a check of a similar claim: fused scores lie in
        [0, 1]; BM25 alone is unbounded and grows with the corpus (one shared word scores 2 to 5)."""
        return SIMILAR_FUSED if self.dense else SIMILAR_BM25

    # -- ranking --------------------------------------------------------------------------
    def search(self, text: str, top: int = 5) -> list[Match]:
        return self.search_many([text], top)[0]

    def search_many(self, texts: Sequence[str], top: int = 5) -> list[list[Match]]:
        """The ``top`` best reviews for each text, best first; reviews sharing no word and no
        meaning with a text are never returned."""
        if not self.docs or top <= 0:
            return [[] for _ in texts]
        use_dense = self.dense
        queries = dense.encode(list(texts)) if use_dense else None
        out = []
        for i, text in enumerate(texts):
            scores = self.bm25.scores(tokens(text))
            if use_dense and queries is not None and self.vectors is not None:
                best = float(scores.max())
                lexical = scores / best if best > 0 else scores
                scores = LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * (self.vectors @ queries[i])
            k = min(top, len(scores))
            picked = np.argpartition(-scores, k - 1)[:k]
            ranked = sorted(picked.tolist(), key=lambda j: (-float(scores[j]), self.docs[j].review))
            out.append([self._match(j, float(scores[j])) for j in ranked if scores[j] > 0])
        return out

    def _match(self, i: int, score: float) -> Match:
        d = self.docs[i]
        return Match(d.review, d.url, d.claim, d.claim_reviewed, d.headline, d.verdict, d.rating, d.author,
                     round(score, 4))


# -- one index per open knowledge base, kept in step with it ----------------------------
_indexes: "weakref.WeakKeyDictionary[Any, tuple[int, MatchIndex]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def get_match_index(kb: Any) -> MatchIndex:
    """The match index of ``kb``: from memory, else from its file, else built (and saved).

    Whether it is current is checked once per browse-index version (which grows on
    every write the process sees), so a web page pays nothing when nothing changed.
    """
    browse = get_index(kb)
    with _lock:
        held = _indexes.get(kb)
        if held is not None and held[0] == browse.version:
            return held[1]
        fingerprint = review_fingerprint(kb)
        index = held[1] if held is not None else None
        if index is None or index.fingerprint != fingerprint:
            path = match_path(kb.location)
            saved = MatchIndex.load(path)
            if saved is not None and saved.fingerprint == fingerprint and \
                    (saved.vectors is not None or not dense.available()):
                index = saved
            else:
                docs, texts = _review_docs(kb)
                index = MatchIndex.build(docs, texts, fingerprint, previous=index or saved)
                try:
                    index.save(path)
                except OSError:
                    pass  # a read-only store folder: keep it in memory only
        _indexes[kb] = (browse.version, index)
        return index
