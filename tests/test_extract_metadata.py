"""An article's title, publisher, author, date and URL: flags > NAME.json > metadata table > date line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gold import SHARED
from kb.errors import InputError
from kb.extract.metadata import read_sidecar, read_table, resolve, resolve_all
from kbtest import kb_cli

POLNEAR_DEV = SHARED / "eval" / "polnear-dev"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_flags_win_over_sidecar_over_table(tmp_path: Path) -> None:
    article = write(tmp_path / "pier.txt", " date 2021-05-01\nThe pier reopened.")
    write(tmp_path / "pier.json", json.dumps({"title": "Pier reopens", "author": "Anna Berg",
                                              "publication_date": "2021-05-02"}))
    table = write(tmp_path / "meta.tsv", "filename\ttitle\tpublisher\tauthor\tpublication_date\turl\n"
                                        "pier\tOld title\tHarbor News\tTom Reed\t2021-05-03\thttps://example.org/pier\n")
    meta = resolve(article, {"author": "Ola Nordmann", "title": None}, read_table(table))
    assert meta == {"title": "Pier reopens", "publisher": "Harbor News", "author": "Ola Nordmann",
                    "date": "2021-05-02", "url": "https://example.org/pier"}
    # Without the sidecar the table's row gives every field; the key may keep its extension.
    (tmp_path / "pier.json").unlink()
    assert resolve_all([str(article)], None, table)[str(article)]["title"] == "Old title"
    csv_table = write(tmp_path / "meta.csv", "file,headline,outlet\npier.txt,CSV title,CSV News\n")
    assert resolve(article, None, read_table(csv_table)) == {"title": "CSV title", "publisher": "CSV News"}


def test_missing_cells_and_bad_tables(tmp_path: Path) -> None:
    table = write(tmp_path / "m.tsv", "filename\tauthor\tcredit\na\tNone\tNone\n")
    assert read_table(table) == {"a": {}}
    with pytest.raises(InputError, match=r"^metadata table .*no\.tsv has no file-name column"):
        read_table(write(tmp_path / "no.tsv", "title\tauthor\nx\ty\n"))
    with pytest.raises(InputError, match=r"bad\.tsv line 2: date 'May 3' is not YYYY-MM-DD$"):
        read_table(write(tmp_path / "bad.tsv", "filename\tdate\na\tMay 3\n"))
    with pytest.raises(InputError, match=r"^cannot read metadata table"):
        read_table(tmp_path / "absent.tsv")
    article = write(tmp_path / "x.txt", "Text.")
    write(tmp_path / "x.json", "[1, 2]")
    with pytest.raises(InputError, match=r"x\.json: not a JSON object of article metadata$"):
        read_sidecar(article)


def test_kb_extract_flags_and_sidecar(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", " date 2021-05-20\n“We are ready,” Ana Ruiz said.")
    b = write(tmp_path / "b.txt", "Nothing quoted here.")
    write(tmp_path / "b.json", json.dumps({"title": "B", "url": "https://example.org/b", "date": "2020-01-02"}))
    run = kb_cli(tmp_path / "store", "extract", "--format", "jsonl", "--publisher", "Harbor News",
                 "--author", "Tom Reed", str(a), str(b), timeout=300)
    assert run.code == 0, run.err
    docs = [json.loads(line)["document"] for line in run.out.splitlines()]
    assert [{k: v for k, v in d.items() if k != "text"} for d in docs] == [
        {"date": "2021-05-20", "url": None, "title": None, "publisher": "Harbor News", "author": "Tom Reed"},
        {"date": "2020-01-02", "url": "https://example.org/b", "title": "B", "publisher": "Harbor News",
         "author": "Tom Reed"},
    ]
    bad = kb_cli(tmp_path / "store", "extract", "--metadata", str(tmp_path / "none.tsv"), str(a), timeout=300)
    assert bad.code != 0 and bad.out == ""
    assert bad.err.strip().count("\n") == 0 and "cannot read metadata table" in bad.err


def polnear_rows(names: list[str]) -> dict[str, dict[str, str]]:
    with open(POLNEAR_DEV / "metadata.tsv", encoding="utf-8", newline="") as f:
        rows = {r["filename"]: r for r in csv.DictReader(f, delimiter="\t")}
    return {n: rows[n] for n in names}


def test_polnear_metadata_table_reaches_the_store(tmp_path: Path) -> None:
    """`kb ingest --metadata metadata.tsv text/*.txt`: every document gets its title,
    outlet, author and date (three articles of PolNeAR dev, to stay fast)."""
    texts = sorted((POLNEAR_DEV / "text").glob("*.txt"))
    assert texts, f"PolNeAR dev is missing under {POLNEAR_DEV}"
    chosen = [texts[0], texts[len(texts) // 2], texts[-1]]
    rows = polnear_rows([p.stem for p in chosen])
    store = tmp_path / "store"
    run = kb_cli(store, "ingest", "--metadata", str(POLNEAR_DEV / "metadata.tsv"), *map(str, chosen), timeout=300)
    assert run.code == 0, run.err
    query = ("SELECT ?title ?outlet ?author ?date WHERE { ?d a schema:NewsArticle ; schema:headline ?title ; "
             "schema:publisher/schema:name ?outlet ; schema:datePublished ?date "
             "OPTIONAL { ?d schema:author/schema:name ?author } } ORDER BY ?title")
    got = kb_cli(store, "query", "--format", "json", query)
    assert got.code == 0, got.err
    found = [{k: b[k]["value"] if k in b else None for k in ("title", "outlet", "author", "date")}
             for b in json.loads(got.out)["results"]["bindings"]]
    # PolNeAR writes "None" where no author is known: then there is none.
    want = sorted(({"title": r["title"], "outlet": r["publisher"], "author": None if r["author"] == "None" else r["author"],
                    "date": r["publication_date"]} for r in rows.values()), key=lambda r: r["title"])
    assert len(found) == 3 and sum(f["author"] is not None for f in found) >= 2
    assert found == want
