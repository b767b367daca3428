"""Which links kb proposes for a claim: the deciding, apart from the keeping.

:mod:`.index` keeps the claims, their shingles, links and groups in SQLite and answers
lookups over them (a claim's candidates, its links, the groups of claims). This module
decides, from what those lookups return, what kb links a claim to: the relation two claims
have, if any (:func:`relations`), and which of a claim's matches are worth a link (the root
of each group of appearances it joins, the best few others: :func:`propose`).

It is separate because the two change for different reasons: the policy (how bounded the
links are, how matches rank, what counts as a group's root) is read and tuned on its own
terms, while the index's schema and its group bookkeeping change for storage's. The index
calls :func:`propose` when it adds or re-links claims and stores what it returns; nothing
here writes.
"""

from __future__ import annotations

from typing import Iterable, TypeAlias

from .index import QUOTE_KINDS, SAME_WORDS, Link, TrackedClaim, TrackingIndex, earliest_first
from .text import compare

__all__ = ["propose", "relations"]

#: A claim's matches: IRI → (the stored claim, the links kb proposes between the two).
Matches: TypeAlias = dict[str, tuple[TrackedClaim, list[Link]]]


def relations(new: TrackedClaim, old: TrackedClaim) -> list[Link]:
    """What kb proposes between a new claim and a stored one: the same quote (new to old;
    symmetric), plus "repeats" when the same speaker said it on two dates; or a paraphrase."""
    quotes = new.kind in QUOTE_KINDS and old.kind in QUOTE_KINDS
    match = compare(new.words, old.words, quotes=quotes)
    if match is None:
        return []
    if match.how == "paraphrase":
        if quotes:
            return []  # two quotes sharing words are not one saying the other in other words
        # The paraphrase points at what it paraphrases; between two paraphrases, the later at the earlier.
        later, earlier = (new, old) if new.kind == "Paraphrase" and (old.kind != "Paraphrase" or new.when >= old.when) \
            else (old, new)
        return [Link(later.iri, earlier.iri, "paraphraseOf", match.score)]
    out = [Link(new.iri, old.iri, "sameQuoteAs", match.score)]
    if new.speaker and new.speaker == old.speaker and new.said and old.said and new.said != old.said:
        later, earlier = (new, old) if new.said > old.said else (old, new)
        out.append(Link(later.iri, earlier.iri, "repeats", match.score))
    return out


def propose(index: TrackingIndex, claim: TrackedClaim, *, best: int) -> list[Link]:
    """The links kb proposes from ``claim`` to the claims stored in ``index``: to the root of
    each group of appearances it joins (or, when the root's words do not match, the group's
    earliest match), to the ``best`` best-scoring other appearances, and to the earliest and
    ``best`` best paraphrase partners. Claims it is linked to already are left out."""
    matches: Matches = {}
    for old in index.candidates(claim):
        links = relations(claim, old)
        if links:
            matches[old.iri] = (old, links)
    if not matches:
        return []
    linked = {end for x in index.links_of(claim.iri) for end in (x.src, x.dst)}
    same = sorted((m for m, (_, links) in matches.items() if any(x.relation in SAME_WORDS for x in links)),
                  key=lambda m: earliest_first(matches[m][0]))
    para = sorted((m for m in matches if m not in same), key=lambda m: earliest_first(matches[m][0]))
    kept = _roots(index, claim, same, matches)  # may compare, and add to matches, a root that was no candidate
    kept += _best([m for m in same if m not in kept], matches, best)
    if best:  # a relink only joins groups: paraphrases do not make one
        kept += para[:1] + _best(para[1:], matches, best)
    return [x for m in dict.fromkeys(kept) if m not in linked for x in matches[m][1]]


def _roots(index: TrackingIndex, claim: TrackedClaim, same: list[str], matches: Matches) -> list[str]:
    """One claim per group that ``same`` (matches, earliest first) belong to, other than
    ``claim``'s own group: the group's earliest appearance when its words match ``claim``'s
    (it is compared, and added to ``matches``, when it was not a candidate), else the group's
    earliest match."""
    own = index.group_ids({claim.iri})  # empty for a claim not indexed yet
    placed = set(own.values())
    groups = index.group_ids(same)
    roots: list[str] = []
    for m in same:
        if groups[m] in placed:
            continue
        placed.add(groups[m])
        found = index.group(m)  # the group of groups[m]: m is indexed, so there is one
        root = index.claim(found.first) if found is not None else None
        if root is not None and root.iri not in matches and root.doc != claim.doc:
            links = relations(claim, root)
            if any(x.relation in SAME_WORDS for x in links):
                matches[root.iri] = (root, links)
        roots.append(root.iri if root is not None and root.iri in matches else m)
    return roots


def _best(partners: Iterable[str], matches: Matches, n: int) -> list[str]:
    """The ``n`` best of ``partners``: highest score first; between equals the most recent
    (the earliest is linked as the root already), then by IRI. Stable sorts, last key first."""
    ordered = sorted(partners)
    ordered.sort(key=lambda m: matches[m][0].when, reverse=True)  # undated ("") last
    ordered.sort(key=lambda m: max(x.score for x in matches[m][1]), reverse=True)
    return ordered[:n]
