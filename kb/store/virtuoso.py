"""What only Virtuoso needs from :class:`kb.store.remote.RemoteBackend` when writing.

Virtuoso compiles ``INSERT DATA`` into SQL and refuses it past about 4,000
triples ("generated SQL text has exceeded 10000 lines", "SQ199 code vector"),
slowly well before that; its Graph Store endpoint goes through the Turtle
loader and has no such limit. ``docs/servers.md`` says what this costs users.
"""

from __future__ import annotations

import urllib.parse
import uuid
from typing import TYPE_CHECKING, Mapping, Sequence

import pyoxigraph as ox

from ..errors import ParseError, QueryError, StoreError

if TYPE_CHECKING:
    from .remote import RemoteBackend

__all__ = ["INSERT_MAX", "STAGING", "staged_commit"]

INSERT_MAX = 500  # triples in one INSERT DATA request; more are staged
STAGING = "urn:kb:staging:"
_NTRIPLES = "application/n-triples"


def staged_commit(
    backend: "RemoteBackend",
    drop: Sequence[ox.NamedNode],
    clear: Mapping[ox.NamedNode, Sequence[ox.NamedNode]],
    add: Sequence[ox.Quad],
) -> None:
    """A large write on Virtuoso, still all or nothing: each graph's new triples
    are uploaded (Graph Store Protocol, Virtuoso's fast loader) into a staging
    graph of their own, and one update request then does the drops and moves
    them in. A failed upload leaves only staging graphs, which are dropped."""
    by_graph: dict[ox.NamedNode, list[ox.Triple]] = {}
    for q in add:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            raise StoreError("blank nodes are not stored; skolemize them first")
        if not isinstance(q.graph_name, ox.NamedNode):
            raise StoreError("kb writes only named graphs")
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    token = uuid.uuid4().hex
    staged = {g: ox.NamedNode(f"{STAGING}{token}:{i}") for i, g in enumerate(by_graph)}
    try:
        for graph, triples in by_graph.items():
            url = backend.graph_store_endpoint + "?" + urllib.parse.urlencode({"graph-uri": staged[graph].value})
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            with backend._post(url, data, _NTRIPLES, None, backend.timeout) as response:
                response.read()
        parts = [f"DROP SILENT GRAPH {g}" for g in drop]
        for graph, subjects in clear.items():
            for start in range(0, len(subjects), 1000):
                values = " ".join(str(s) for s in subjects[start : start + 1000])
                parts.append(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} "
                             f"WHERE {{ VALUES ?s {{ {values} }} GRAPH {graph} {{ ?s ?p ?o }} }}")
        for graph, stage in staged.items():
            parts += [f"ADD SILENT {stage} TO {graph}", f"DROP SILENT GRAPH {stage}"]
        backend.run_update(" ;\n".join(parts))
    except (QueryError, ParseError, StoreError) as err:
        try:
            backend.run_update(" ;\n".join(f"DROP SILENT GRAPH {stage}" for stage in staged.values()))
        except StoreError:
            pass  # the first error is the one to report; the staging graphs are not kb's
        message = str(err).removeprefix("the write failed and nothing was stored: ")
        raise StoreError(f"the write failed and nothing was stored: {message}") from None
