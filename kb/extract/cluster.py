"""Claim extraction on a Dask cluster: many articles, several processes or machines.

    with extraction_cluster(address=None, workers=4) as client:
        for path, outcome in extract_on_cluster(client, paths):
            ...  # outcome: the claim record, or the KBError of that one file

Articles are cut into chunks and each chunk is extracted by
:func:`kb.extract.extract_files` on a worker, so a worker pipes a whole chunk
through spaCy at once, exactly as one process does, and the records are the
same. The model is loaded once per worker process when the worker starts
(:func:`load_model_plugin`) and then kept by :func:`kb.extract.pipeline.load_nlp`'s
per-process cache. Results come back in input order, with at most a few
chunks per worker in flight, so memory stays flat on a corpus of any size.

Workers read the files themselves: on a multi-machine cluster the paths must
name the same files on every machine (a shared or copied corpus directory).
Dask is imported only here, and only when a cluster is asked for.
"""

from __future__ import annotations

import datetime
import logging
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from kb.errors import ExtractionError, InputError, KBError

if TYPE_CHECKING:
    from distributed import Client

    from kb.formats import InputFile
    from kb.record import ArticleRecord

__all__ = ["extraction_cluster", "extract_on_cluster", "cluster_extractor", "load_model_plugin", "CHUNK"]

CHUNK = 16  # articles per task: full spaCy batches, yet small enough to spread a corpus evenly
IN_FLIGHT = 3  # chunks per worker submitted ahead of the one being read

Outcome = dict[str, Any] | KBError
Metadata = Mapping[str, Mapping[str, str]]


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError("--cluster and -j need Dask: pip install 'claimkb[cluster]' (dask, distributed)") from None
    return distributed


def load_model_plugin() -> Any:
    """A Dask worker plugin that loads the spaCy model when each worker starts.

    The class is made here, not at import, so that ``kb`` imports Dask only when
    a cluster is asked for (Dask ships the class to the workers by value)."""
    distributed = _dask()

    class LoadModel(distributed.WorkerPlugin):  # type: ignore[misc, name-defined]
        name = "kb-load-spacy-model"

        def setup(self, worker: Any) -> None:
            from kb.extract.pipeline import load_nlp

            load_nlp()

    return LoadModel()


@contextmanager
def extraction_cluster(address: str | None = None, workers: int | None = None) -> Iterator["Client"]:
    """A client on the scheduler at ``address``, or on a new local cluster of
    ``workers`` single-threaded processes (spaCy's parser holds the GIL)."""
    distributed = _dask()
    if address:
        try:
            client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as err:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {err}") from None
        cluster = None
    else:
        n = workers or os.cpu_count() or 1
        if n < 1:
            raise InputError("-j needs at least 1 worker")
        cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                           dashboard_address=":0",  # any free port: never a clash
                                           # Workers log a traceback at ERROR when a heartbeat meets the
                                           # scheduler closing; failures reach the client as exceptions.
                                           silence_logs=logging.CRITICAL)
        client = distributed.Client(cluster)
    try:
        client.register_plugin(load_model_plugin())
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _extract_chunk(paths: list[str], date: datetime.date | None, metadata: Metadata | None) -> list[Any]:
    """Runs on a worker: one record per path, or that path's error as one line
    (a string: any exception class pickles back that way)."""
    from kb.extract import extract_files

    try:
        return list(extract_files(paths, date=date, metadata=metadata))
    except Exception:  # noqa: BLE001 - one bad file must not cost the chunk: retry one by one
        pass
    out: list[Any] = []
    for path in paths:
        try:
            out.append(extract_files([path], date=date, metadata=metadata)[0])
        except KBError as err:
            out.append(str(err))
        except Exception as err:  # noqa: BLE001 - reported for this file, the others go on
            out.append(f"{path}: extraction failed: {type(err).__name__}: {err}")
    return out


def extract_on_cluster(
    client: "Client",
    paths: Sequence[str | os.PathLike[str]],
    *,
    date: datetime.date | None = None,
    metadata: Metadata | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, Outcome]]:
    """``(path, record or error)`` for every path, in input order, as chunks finish.

    ``metadata`` is :func:`kb.extract.extract_files`' (each path's resolved
    fields); ``progress`` is called with the number of articles of each finished chunk.
    """
    distributed = _dask()
    names = [os.fspath(p) for p in paths]
    chunks = [names[i : i + chunk] for i in range(0, len(names), chunk)]
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = workers * IN_FLIGHT
    futures: dict[int, Any] = {}
    done: dict[int, list[Any]] = {}  # records, or one-line errors as str
    pending = distributed.as_completed()
    submitted = 0

    def submit() -> None:
        nonlocal submitted
        while submitted < len(chunks) and len(futures) + len(done) < window:
            part = chunks[submitted]
            # extract_files looks a path up as given, then by its file name
            mine = None if metadata is None else {
                k: metadata[k] for p in part for k in (p, os.path.basename(p)) if k in metadata}
            future = client.submit(_extract_chunk, part, date, mine, pure=False)
            futures[submitted] = future
            pending.add(future)
            submitted += 1

    submit()
    for index, part in enumerate(chunks):
        while index not in done:
            future = next(pending)
            number = next(i for i, f in futures.items() if f is future)
            del futures[number]
            try:
                done[number] = future.result()
            except Exception as err:  # noqa: BLE001 - a worker died or the scheduler lost the task
                done[number] = [f"{p}: the Dask worker failed: {type(err).__name__}: {err}" for p in chunks[number]]
            future.release()
            if progress is not None:
                progress(len(chunks[number]))
        for name, outcome in zip(part, done.pop(index)):
            yield name, (ExtractionError(outcome) if isinstance(outcome, str) else outcome)
        submit()


def cluster_extractor(
    client: "Client", date: datetime.date | None, metadata: Metadata | None = None, *,
    progress: Callable[[int], None] | None = None,
) -> Callable[[list["InputFile"]], Mapping[str, "ArticleRecord | KBError"]]:
    """What ``kb ingest`` extracts articles with (kb.writing.inputs' ``extract``)."""
    from kb.record import parse_record

    def extract(articles: list["InputFile"]) -> dict[str, "ArticleRecord | KBError"]:
        out: dict[str, ArticleRecord | KBError] = {}
        for name, outcome in extract_on_cluster(
            client, [a.name for a in articles], date=date, metadata=metadata, progress=progress
        ):
            if isinstance(outcome, KBError):
                out[name] = outcome
                continue
            try:
                out[name] = parse_record(outcome)
            except KBError as err:
                out[name] = err
        return out

    return extract


def records_only(outcomes: Iterable[tuple[str, Outcome]], errors: list[str]) -> Iterator[dict[str, Any]]:
    """The records of ``outcomes``; each error's one line is appended to ``errors``."""
    for name, outcome in outcomes:
        if isinstance(outcome, KBError):
            message = str(outcome)
            errors.append(message if message.startswith(name) else f"{name}: {message}")
        else:
            yield outcome


# -- the command line ------------------------------------------------------------------
def add_arguments(parser: Any) -> None:
    """``--cluster ADDRESS`` and ``-j N`` for ``kb extract`` and ``kb ingest``."""
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="extract articles on the Dask scheduler at ADDRESS (tcp://host:8786)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="extract articles on a local cluster of N worker processes")


def requested(args: Any) -> bool:
    return bool(getattr(args, "cluster", None) or getattr(args, "jobs", None))


def _bar(total: int, description: str) -> Any:
    """A progress bar on stderr, shown only when stderr is a terminal."""
    import sys

    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="article", disable=None, leave=False, file=sys.stderr)


def stream_records(args: Any, metadata: Metadata | None, errors: list[str]) -> Iterator[dict[str, Any]]:
    """``kb extract --cluster/-j``: the records of ``args.files`` in order, as they
    come; a file that fails adds its line to ``errors`` and the others go on."""
    if args.jobs is not None and args.jobs < 1:
        raise InputError("-j needs at least 1 worker")
    with extraction_cluster(args.cluster, args.jobs) as client, _bar(len(args.files), "extract") as bar:
        outcomes = extract_on_cluster(client, args.files, date=args.date, metadata=metadata, progress=bar.update)
        yield from records_only(outcomes, errors)


WINDOW = 2000  # inputs read, extracted and written per round of `kb ingest --cluster`


def ingest_on_cluster(kb: Any, args: Any, metadata: Metadata | None, **options: Any) -> Any:
    """``kb ingest --cluster/-j``: what ``kb ingest`` does, with articles extracted
    on the cluster (``options`` as for :func:`kb.writing.inputs.ingest_paths`).

    The inputs go in rounds of :data:`WINDOW`, in order: the records of one round
    are written while nothing of the next is held, so memory does not grow with
    the corpus. ``--atomic`` is one round: all of it is one write."""
    if args.jobs is not None and args.jobs < 1:
        raise InputError("-j needs at least 1 worker")
    with extraction_cluster(args.cluster, args.jobs) as client:
        return ingest_with_client(kb, client, list(args.files), args, metadata, **options)


def ingest_with_client(kb: Any, client: "Client", files: list[str], args: Any, metadata: Metadata | None,
                       **options: Any) -> Any:
    from kb.writing.inputs import IngestReport, ingest_paths

    size = len(files) if options.get("atomic") else WINDOW
    total = IngestReport()
    with _bar(len(files), "extract") as bar:
        extract = cluster_extractor(client, args.date, metadata, progress=bar.update)
        for start in range(0, len(files), max(1, size)):
            part = ingest_paths(kb, files[start : start + size], fmt=args.format, extract=extract, **options)
            total.merge(part)
            total.inputs.extend(part.inputs)
    return total
