"""Tracking claims across the corpus: the same quote in many articles, and typed relations.

- :mod:`.text`      -- normalized quote tokens, shingles, and when two quotes are the same words
- :mod:`.index`     -- the SQLite index beside the store that finds a quote's other appearances
- :mod:`.link`      -- the after-commit hook that links new claims to old and derives the relations graph
- :mod:`.curations` -- users' relations (asserted, confirmed, rejected), in their own graph
- :mod:`.claims`    -- a claim's spread (appearances, earliest, outlets) and relations, for its page
- :mod:`.reconcile` -- the W3C Entity Reconciliation API's matching: names to stored people and organizations
  (over the in-memory name index of :mod:`.entity_names`)
"""

from __future__ import annotations

from .claims import Appearance, Related, Spread, spread
from .curations import RELATIONS, Curation, relate
from .link import link_hook, rebuild, tracking_index
from .reconcile import parse_batch, reconcile_batch, suggest_entities

__all__ = ["Appearance", "Related", "Spread", "spread", "RELATIONS", "Curation", "relate", "link_hook", "rebuild",
           "tracking_index", "parse_batch", "reconcile_batch", "suggest_entities"]
