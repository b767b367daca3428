"""Whatever `kb extract` prints, `kb ingest` accepts: every PolNeAR article we have
(dev and train, 924) is extracted with its metadata.tsv row, mapped to RDF and validated
against the shapes, with zero refusals.

The records are validated one by one, as one ingest each, with the SPARQL engine over an
in-memory Oxigraph store (nothing is written). The articles live in ../shared; a missing
folder fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from gold import SHARED

import spacy  # noqa: F401  (a dependency of kb: missing, the tests fail)
from kb.errors import KBError  # noqa: E402
from kb.extract import extract_files  # noqa: E402
from kb.extract.metadata import resolve_all  # noqa: E402
from kb.writing.oxmapping import record_to_ox_triples  # noqa: E402
from kb.record import parse_record  # noqa: E402
from kb.validating import validate_quads  # noqa: E402

SPLITS = (SHARED / "eval" / "polnear-dev", SHARED / "eval" / "polnear-train")
CHUNK = 100  # articles per extraction call: keeps memory flat


def refusals(folder: Path) -> tuple[int, list[str]]:
    paths = sorted(str(p) for p in (folder / "text").glob("*.txt"))
    assert paths, f"no PolNeAR articles under {folder}/text"
    metadata = resolve_all(paths, None, folder / "metadata.tsv")
    refused: list[str] = []
    dg = ox.DefaultGraph()
    for i in range(0, len(paths), CHUNK):
        part = paths[i:i + CHUNK]
        for rec in extract_files(part, metadata=metadata):
            name = Path(rec.pop("file")).name
            try:
                record = parse_record(rec)
            except KBError as err:
                refused.append(f"{name}: {err}")
                continue
            _doc, triples = record_to_ox_triples(record)
            report = validate_quads([ox.Quad(s, p, o, dg) for s, p, o in triples], None)
            if not report.conforms:
                first = next(v for v in report.violations if v.severity == "Violation")
                refused.append(f"{name}: {first.line()}")
            if rec["document"]["title"] is None or rec["document"]["publisher"] is None:
                refused.append(f"{name}: metadata.tsv gave no title or publisher")
    return len(paths), refused


@pytest.mark.slow
@pytest.mark.parametrize("folder", SPLITS, ids=lambda f: f.name)
def test_every_polnear_article_extracts_to_a_valid_record(folder: Path) -> None:
    n, refused = refusals(folder)
    assert n == {"polnear-dev": 84, "polnear-train": 840}[folder.name]
    assert refused == []
