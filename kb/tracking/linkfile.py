"""``kb link FILE``: external identifiers for many people and organizations from a CSV or TSV file.

Each row names an entity (its IRI, name or alias) and what it is the same as (a
Wikidata QID such as ``Q42``, a Wikidata URL, or any http(s) IRI). A header row
is recognized by its column names (``name``/``iri``/``entity`` and
``wikidata``/``qid``/``sameAs``); without one, the first column is the entity
and the second the identifier. Rows kb cannot use are reported by line and the
others applied, as link curations, in one validated write.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, KBError, ParseError
from .entity_curations import EntityCuration, external_iri, find_entity, record, same_as

__all__ = ["LinkReport", "read_rows", "link_file"]

_ENTITY_COLUMNS = ("iri", "entity", "id", "name", "label", "item", "person", "organization")
_TARGET_COLUMNS = ("wikidata", "qid", "sameas", "same_as", "wikidata_id", "wikidata_qid", "wikidata id", "link", "uri")


@dataclass
class LinkReport:
    linked: list[EntityCuration] = field(default_factory=list)
    #: rows already linked as they say
    unchanged: int = 0
    #: (line number, one-line reason) of each row not applied
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, name: str) -> str:
        failed = f", {len(self.errors)} line{'' if len(self.errors) == 1 else 's'} failed" if self.errors else ""
        return f"{name}: linked {len(self.linked)}, already linked {self.unchanged}{failed}"


def read_rows(data: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """(line, entity, identifier) of each data row, and the rows too short to use."""
    lines = data.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    dialect = "excel-tab" if "\t" in first else "excel"
    rows: list[tuple[int, str, str]] = []
    errors: list[tuple[int, str]] = []
    entity_col, target_col = 0, 1
    header_seen = False
    for number, cells in enumerate(csv.reader(io.StringIO(data), dialect=dialect), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            names = [c.casefold() for c in cells]
            targets = [i for i, c in enumerate(names) if c in _TARGET_COLUMNS]
            entities = [i for i, c in enumerate(names) if c in _ENTITY_COLUMNS]
            if targets or entities:  # a header row: its names say which columns to read
                target_col = targets[0] if targets else (1 if entity_col != 1 else 0)
                entity_col = entities[0] if entities else (0 if target_col != 0 else 1)
                continue
        if len(cells) <= max(entity_col, target_col) or not cells[entity_col] or not cells[target_col]:
            errors.append((number, "expected an entity and an identifier"))
            continue
        rows.append((number, cells[entity_col], cells[target_col]))
    return rows, errors


def link_file(kb: Any, path: str, *, agent: str | None = None, reason: str | None = None) -> LinkReport:
    """Apply the links of a CSV/TSV file: every usable row, in one write; the others reported."""
    try:
        data = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise ParseError(f"{path} is not UTF-8 text") from None
    rows, errors = read_rows(data)
    report = LinkReport(errors=errors)
    specs: dict[tuple[str, str], EntityCuration] = {}
    for number, who, target in rows:
        try:
            entity, external = find_entity(kb, who), external_iri(target)
        except KBError as err:
            report.errors.append((number, str(err)))
            continue
        if external in same_as(kb, entity) or (entity, external) in specs:
            report.unchanged += 1
            continue
        specs[(entity, external)] = EntityCuration("", "link", entity, external, "", "", "")
    if specs:
        report.linked = record(kb, list(specs.values()), agent=agent, reason=reason or f"kb link {Path(path).name}",
                               concerns={e for e, _q in specs})
    report.errors.sort()
    return report
