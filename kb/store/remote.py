"""A backend over any SPARQL 1.1 server: Protocol for reads, Update for writes.

Where the endpoints are
    ``KB_STORE=http://127.0.0.1:7878`` names a server laid out like Oxigraph's
    (``/query``, ``/update``, ``/store``) or Fuseki's (``/ds/query``,
    ``/ds/update``, ``/ds/data`` for ``KB_STORE=http://host:3030/ds``): kb
    appends ``/query`` and ``/update`` to it. Servers laid out otherwise
    (GraphDB's ``/repositories/R`` and ``/repositories/R/statements``,
    Virtuoso's and QLever's single endpoint) are named exactly with
    ``KB_STORE_QUERY`` and ``KB_STORE_UPDATE``. ``KB_STORE_TOKEN`` is sent as
    ``Authorization: Bearer``; user and password in the URL as Basic auth.

What "the default graph" means
    kb keeps every triple in a named graph, and its queries (and users')
    expect the default graph to be the union of them. Servers differ
    (``docs/servers.md``), so ``KB_STORE_UNION`` says how to ask for it:
    ``oxigraph`` (the default) sends Oxigraph's ``union-default-graph``
    parameter; ``fuseki`` sends ``default-graph-uri=urn:x-arq:UnionGraph``;
    ``native`` sends nothing, for servers whose default graph already is the
    union (GraphDB, Virtuoso, QLever, Fuseki with ``unionDefaultGraph``);
    ``graphs`` lists every named graph as a ``default-graph-uri``, which the
    SPARQL 1.1 Protocol defines as their merge and any server honours. kb
    never sends ``default-graph-uri=urn:x-rdflib:default`` (what rdflib's
    SPARQLUpdateStore sends under a Dataset, which selects an empty graph).
    ``virtuoso`` is ``native`` plus what Virtuoso needs (``docs/servers.md``):
    its own metadata graphs are left out of kb's graphs and counts, and an
    empty ``GRAPH ?g { }`` (which Virtuoso answers with one unbound row) is
    never sent.

Only the standard library speaks HTTP; pyoxigraph parses and serializes terms.
"""

from __future__ import annotations

import base64
import itertools
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ..errors import ParseError, QueryError, QueryTimeoutError, StoreError
from ..querying.syntax import _TOKEN
from ..vocab import PREFIXES
from ..formats import ox_format
from .base import Backend, Row
from .convert import from_ox, to_ox
from .virtuoso import INSERT_MAX as _VIRTUOSO_INSERT_MAX, STAGING, staged_commit

__all__ = ["RemoteBackend", "inject_values", "UNION_MODES"]

UNION_MODES = ("oxigraph", "fuseki", "native", "graphs", "virtuoso")
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_DUMP_CHUNK = 200  # graphs per dump request: keeps each request body small
_DEFAULT_TIMEOUT = 60.0
# Graphs a fresh Virtuoso holds for itself (its RDF views, the LDP vocabulary, the
# /sparql service description): never kb's, so kb neither lists nor counts them.
VIRTUOSO_OWN_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    STAGING,  # a large write on its way in (kb.store.virtuoso.staged_commit)
)


def inject_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """Put a one-row ``VALUES`` block at the start of the query's WHERE group.

    The SPARQL Protocol has no way to send bindings with a query, and pasting
    values into the text invites injection. A ``VALUES`` block whose terms are
    serialized by pyoxigraph (which validates IRIs and escapes literals) is
    data, never syntax. At the start of the outermost group it joins with
    everything after it, which for kb's queries (bound variables are projected
    and not re-scoped in sub-queries) is what SEP-0007 substitution means.
    """
    if not bindings:
        return query
    names = list(bindings)
    terms = " ".join(str(to_ox(bindings[n])) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }} "
    for match in _TOKEN.finditer(query):  # the lexer skips braces inside strings, IRIs and comments
        if match.group("other") == "{":
            return query[: match.end()] + block + query[match.end() :]
    raise QueryError("cannot bind values: the query has no WHERE group")


def _endpoints(location: str) -> tuple[str, str]:
    base = location.rstrip("/")
    query = os.environ.get("KB_STORE_QUERY") or base + "/query"
    update = os.environ.get("KB_STORE_UPDATE") or base + "/update"
    return query, update


def _graph_store_beside(update: str) -> str:
    """Virtuoso's layout: ``/sparql`` → ``/sparql-graph-crud``, ``/sparql-auth`` → ``/sparql-graph-crud-auth``."""
    for suffix, crud in (("/sparql-auth", "/sparql-graph-crud-auth"), ("/sparql", "/sparql-graph-crud")):
        if update.endswith(suffix):
            return update[: -len(suffix)] + crud
    return update.rsplit("/", 1)[0] + "/data"


def _split_credentials(url: str) -> tuple[str, str | None]:
    """Move ``user:password@`` out of a URL into a Basic ``Authorization`` value."""
    parts = urllib.parse.urlsplit(url)
    if not parts.username:
        return url, None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), f"Basic {token}"


class RemoteBackend(Backend):
    """kb's store on a SPARQL 1.1 server (Protocol, Update)."""

    def __init__(
        self,
        location: str,
        *,
        query_endpoint: str | None = None,
        update_endpoint: str | None = None,
        union: str | None = None,
        token: str | None = None,
        timeout: float = _DEFAULT_TIMEOUT,
    ) -> None:
        self.location, basic = _split_credentials(location.rstrip("/"))
        default_query, default_update = _endpoints(self.location)
        self.query_endpoint, q_auth = _split_credentials(query_endpoint or default_query)
        self.update_endpoint, u_auth = _split_credentials(update_endpoint or default_update)
        # Virtuoso's Graph Store endpoint sits beside its SPARQL endpoint (used for large writes).
        self.graph_store_endpoint = os.environ.get("KB_STORE_DATA") or _graph_store_beside(self.update_endpoint)
        self.union = union or os.environ.get("KB_STORE_UNION") or "oxigraph"
        if self.union not in UNION_MODES:
            raise StoreError(f"KB_STORE_UNION={self.union!r}: use one of {', '.join(UNION_MODES)}")
        bearer = token or os.environ.get("KB_STORE_TOKEN")
        self._auth = {
            self.query_endpoint: f"Bearer {bearer}" if bearer else (q_auth or basic),
            self.update_endpoint: f"Bearer {bearer}" if bearer else (u_auth or basic),
        }
        self._auth.setdefault(self.graph_store_endpoint, self._auth[self.update_endpoint])
        self.timeout = timeout

    # -- HTTP -------------------------------------------------------------------
    def _post(self, url: str, body: bytes, content_type: str, accept: str | None, timeout: float) -> Any:
        headers = {"Content-Type": content_type, "User-Agent": "kb"}
        if accept:
            headers["Accept"] = accept
        auth = self._auth.get(url.split("?", 1)[0])
        if auth:
            headers["Authorization"] = auth
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            return urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as err:
            message = " ".join(err.read(2000).decode("utf-8", "replace").split()) or err.reason
            err.close()
            if err.code == 400:
                raise ParseError(f"the SPARQL server refused the request: {message}") from None
            raise QueryError(f"the SPARQL server answered {err.code}: {message}") from None
        except (socket.timeout, TimeoutError):
            raise QueryTimeoutError(f"the SPARQL server did not answer within {timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise QueryTimeoutError(f"the SPARQL server did not answer within {timeout:g} s") from None
            raise StoreError(f"cannot reach the SPARQL server at {url}: {err.reason}") from None
        except OSError as err:
            raise StoreError(f"cannot reach the SPARQL server at {url}: {err}") from None

    def _dataset_params(self, union: bool) -> list[tuple[str, str]]:
        if not union or self.union in ("native", "virtuoso"):
            return []
        if self.union == "oxigraph":
            return [("union-default-graph", "")]
        if self.union == "fuseki":
            return [("default-graph-uri", "urn:x-arq:UnionGraph")]
        return [("default-graph-uri", str(g)) for g in self.graphs()] or [("default-graph-uri", "urn:kb:no-graph")]

    def _request_query(
        self, query: str, params: list[tuple[str, str]], accept: str, timeout: float | None = None
    ) -> Any:
        body = urllib.parse.urlencode([("query", query), *params]).encode("utf-8")
        return self._post(
            self.query_endpoint, body, "application/x-www-form-urlencoded", accept, timeout or self.timeout
        )

    def _results(self, query: str, bindings: Mapping[str, Node] | None, union: bool) -> Any:
        text = inject_values(query, bindings)
        with self._request_query(text, self._dataset_params(union), _RESULTS_JSON) as response:
            data = response.read()
        try:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as err:
            raise QueryError(f"the SPARQL server sent results kb cannot read: {err}") from None

    # -- Backend ------------------------------------------------------------------
    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None, *, union: bool = True
    ) -> tuple[list[str], Iterator[Row]]:
        result = self._results(query, bindings, union)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected SELECT results, got a boolean")
        names = [v.value for v in result.variables]
        rows = [{name: solution[name] for name in names} for solution in result]
        return names, iter(rows)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *, union: bool = True) -> bool:
        answer = _boolean(self._results(query, bindings, union))
        if answer is None:
            raise QueryError("expected an ASK result")
        return answer

    def triples(self, subject: Node | None, graph: URIRef | None = None) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        bindings: dict[str, Node] = {}
        if subject is not None:
            bindings["s"] = subject
        if graph is not None:
            bindings["g"] = graph
        _names, rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", bindings, union=False)
        for row in rows:
            yield from_ox(row["s"]), from_ox(row["p"]), from_ox(row["o"]), URIRef(row["g"].value)

    def _any_quad(self) -> str:
        """The pattern that finds graphs: Virtuoso has no empty graphs and answers
        ``GRAPH ?g { }`` with a row where ``?g`` is unbound."""
        return "?s ?p ?o" if self.union == "virtuoso" else ""

    def _foreign(self, graph: str) -> bool:
        return self.union == "virtuoso" and graph.startswith(VIRTUOSO_OWN_GRAPHS)

    def graphs(self) -> list[URIRef]:
        query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {self._any_quad()} }} }}"
        _names, rows = self.select(query, union=False)
        return sorted(
            URIRef(row["g"].value)
            for row in rows
            if isinstance(row["g"], ox.NamedNode) and not self._foreign(row["g"].value)
        )

    def has_graph(self, graph: URIRef) -> bool:
        if self._foreign(str(graph)):
            return False
        return self.ask(f"ASK WHERE {{ GRAPH ?g {{ {self._any_quad()} }} }}", {"g": graph}, union=False)

    def commit(
        self,
        *,
        drop: Sequence[ox.NamedNode] = (),
        clear: Mapping[ox.NamedNode, Sequence[ox.NamedNode]] | None = None,
        add: Sequence[ox.Quad] = (),
    ) -> None:
        if self.union == "virtuoso" and len(add) > _VIRTUOSO_INSERT_MAX:
            staged_commit(self, drop, clear or {}, add)
        else:
            super().commit(drop=drop, clear=clear, add=add)

    def extend(self, add: Sequence[ox.Quad]) -> None:
        if self.union == "virtuoso" and len(add) > _VIRTUOSO_INSERT_MAX:
            staged_commit(self, (), {}, add)
        else:
            super().extend(add)

    def run_update(self, update: str) -> None:
        """One update request: the SPARQL 1.1 Update spec leaves atomicity to the
        server, and every server kb supports applies one request as one transaction
        (``docs/servers.md``). Terms are serialized by pyoxigraph, never pasted."""
        try:
            with self._post(
                self.update_endpoint, update.encode("utf-8"), "application/sparql-update", None, self.timeout
            ) as response:
                response.read()
        except (QueryError, ParseError) as err:
            raise StoreError(f"the write failed and nothing was stored: {err}") from None

    def dump(self, fmt: str, graphs: Sequence[URIRef]) -> bytes:
        rdf_format = ox_format(fmt)
        quads: list[ox.Quad] = []
        graphs = list(graphs)
        for start in range(0, len(graphs), _DUMP_CHUNK):
            chunk = graphs[start : start + _DUMP_CHUNK]
            values = " ".join(str(ox.NamedNode(str(g))) for g in chunk)
            query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            _names, rows = self.select(query, union=False)
            quads.extend(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
        if rdf_format.supports_datasets:
            return ox.serialize(quads, format=rdf_format, prefixes=PREFIXES) or b""
        triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) or b""

    def count(self) -> int:
        """Quads in named graphs: kb writes nothing else, and on servers whose default
        graph is the union, counting it too would count every triple twice."""
        if self.union == "virtuoso":
            query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            _names, rows = self.select(query, union=False)
            return sum(int(row["n"].value) for row in rows if not self._foreign(row["g"].value))
        _names, rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        for row in rows:
            return int(row["n"].value)
        return 0

    # -- users' queries -------------------------------------------------------------
    def user_query(self, request: Any, timeout: float) -> tuple[str, Any]:
        """Run a :class:`kb.querying.sandbox.QueryRequest` on the server, like ``QueryPool.run``.

        The time limit is the HTTP timeout, checked again while results stream
        in; the server's own limit (``oxigraph serve --timeout-s``, Fuseki's
        ``arq:queryTimeout``) is what stops the query there.
        """
        from ..querying.results import serialize_boolean, serialize_select
        from ..querying.sandbox import QueryOutcome

        deadline = time.monotonic() + timeout
        params: list[tuple[str, str]] = []
        if request.default_graphs is not None:
            params += [("default-graph-uri", g) for g in request.default_graphs]
        if request.named_graphs is not None:
            params += [("named-graph-uri", g) for g in request.named_graphs]
        graph_form = request.form in ("CONSTRUCT", "DESCRIBE")
        try:
            if request.default_graphs is None and request.named_graphs is None and getattr(request, "union_default", True):
                # As in the sandbox: kb's union default graph only when the request names no
                # dataset and the query has no FROM of its own (SPARQL 1.1 dataset semantics).
                params = self._dataset_params(True) + params
            response = self._request_query(request.query, params, _NTRIPLES if graph_form else _RESULTS_JSON, timeout)
            with response:
                if graph_form:
                    quads = ox.parse(response, format=ox.RdfFormat.N_TRIPLES)
                    items = [q.triple for q in itertools.islice(_until(quads, deadline), request.max_rows + 1)]
                else:
                    result = ox.parse_query_results(response, format=ox.QueryResultsFormat.JSON)
                    ask = request.form == "ASK" or isinstance(result, ox.QueryBoolean)
                    answer = _boolean(result) if ask else None
                    if answer is not None:
                        body = serialize_boolean(answer, request.result_format)
                        return ("ok", QueryOutcome("ASK", body, 1, False, request.result_format))
                    if not isinstance(result, ox.QuerySolutions):
                        raise QueryError(f"the SPARQL server answered a {request.form} with a boolean")
                    names = [v.value for v in result.variables]
                    items = [
                        [s[n] for n in names]
                        for s in itertools.islice(_until(result, deadline), request.max_rows + 1)
                    ]
        except QueryTimeoutError:
            return ("timeout", None)
        except ParseError as err:
            return ("syntax", str(err).removeprefix("the SPARQL server refused the request: "))
        except (QueryError, StoreError) as err:
            return ("error", str(err))
        except (SyntaxError, ValueError, OSError) as err:
            if isinstance(err, (socket.timeout, TimeoutError)):
                return ("timeout", None)
            return ("error", f"the SPARQL server sent results kb cannot read: {err}")
        truncated = len(items) > request.max_rows
        items = items[: request.max_rows]
        if graph_form:
            fmt = ox_format(request.result_format)
            body = ox.serialize(items, format=fmt, prefixes=PREFIXES) or b""
            return ("ok", QueryOutcome(request.form, body, len(items), truncated, request.result_format))
        body = serialize_select(names, items, request.result_format, truncated=truncated)
        return ("ok", QueryOutcome("SELECT", body, len(items), truncated, request.result_format))


def _boolean(result: Any) -> bool | None:
    """The answer of an ASK, or None for other results. Virtuoso 7 answers ASK with
    a one-column table (``__ASK_RETVAL`` = 1, or no row for false) in every
    results format: that is read as the boolean it means."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions) and [v.value for v in result.variables] == ["__ASK_RETVAL"]:
        return any(s["__ASK_RETVAL"] is not None and s["__ASK_RETVAL"].value != "0" for s in result)
    return None


def _until(items: Iterable[Any], deadline: float) -> Iterator[Any]:
    """Stop reading a streamed result at the deadline."""
    for item in items:
        if time.monotonic() > deadline:
            raise QueryTimeoutError("the query ran past its time limit")
        yield item
