"""The SQLite store of an index: documents (with their full text) and passages (with offsets).

Passage ids are row numbers: passage `i` is row `i` of `vectors.npy` and id `i` in FAISS and BM25,
so search never needs passage text in memory, only the rows it returns.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from factcheck.records import Document, Passage, SearchHit

__all__ = ["Store", "STORE_FILE"]

STORE_FILE = "store.sqlite"

_SCHEMA = """
CREATE TABLE documents (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    date TEXT,
    meta TEXT NOT NULL,
    hash TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX documents_hash ON documents(hash);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    doc_row INTEGER NOT NULL REFERENCES documents(row),
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    page INTEGER,
    section TEXT
);
CREATE INDEX passages_doc ON passages(doc_row);
"""

_DOC_COLUMNS = "hash, id, text, title, source, url, date, meta"
_HIT_COLUMNS = 'p.id, d.id, p.text, p.start, p."end", p.ordinal, {context}, d.title, d.source, d.url'
_CONTEXT = "p.page, p.section"  # page and section: columns added after the first release, NULL in older stores
# What the embedder and BM25 read: the passage, after its section heading when it has one.
_INPUT = "CASE WHEN section IS NULL OR section = '' THEN text ELSE section || char(10) || text END"
_CHUNK = 900  # bound on SQL parameters per query (SQLite's limit is 999 on old builds)


class Store:
    """Documents and passages in one SQLite file; opened read-only for search, read-write while building."""

    def __init__(self, path: str | Path, writable: bool = False):
        self.path = Path(path)
        if writable:
            self.db = sqlite3.connect(self.path, check_same_thread=False)
        else:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"  # percent-encoded: spaces, '?' and '#' are safe
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._context = _CONTEXT if writable or self._has_context() else "NULL, NULL"

    def _has_context(self) -> bool:
        """Tells whether the passages table has the page and section columns (stores written since they exist)."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(passages)")}
        return {"page", "section"} <= columns

    @classmethod
    def create(cls, path: str | Path) -> "Store":
        """Creates an empty store file (the folder must exist)."""
        store = cls(path, writable=True)
        store.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        return store

    # -------------------------------------------------------------- writing

    def add_document(self, doc: Document, hash: str) -> int:  # noqa: A002
        """Inserts a document and returns its row number."""
        cursor = self.db.execute(
            "INSERT INTO documents (id, title, source, url, date, meta, hash, text) VALUES (?,?,?,?,?,?,?,?)",
            (doc.id, doc.title, doc.source, doc.url, doc.date, json.dumps(doc.meta, default=str), hash, doc.text),
        )
        return int(cursor.lastrowid)

    def add_passages(self, doc_row: int, passages: Iterable[Passage], first_id: int) -> int:
        """Inserts a document's passages with consecutive ids from `first_id`; returns the next free id."""
        rows = [
            (first_id + i, doc_row, p.ordinal, p.start, p.end, p.text, p.page, p.section) for i, p in enumerate(passages)
        ]
        self.db.executemany(
            'INSERT INTO passages (id, doc_row, ordinal, start, "end", text, page, section) VALUES (?,?,?,?,?,?,?,?)', rows
        )
        return first_id + len(rows)

    def commit(self) -> None:
        """Writes pending changes to disk."""
        self.db.commit()

    # -------------------------------------------------------------- reading

    def count(self, table: str) -> int:
        """Rows in `documents` or `passages`."""
        if table not in {"documents", "passages"}:
            raise ValueError(table)
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def document(self, doc_id: str) -> tuple[Document, str] | None:
        """The document with this id and its content hash, or None."""
        row = self.db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _stored(row) if row else None

    def documents(self) -> Iterator[tuple[Document, str]]:
        """Every document with its content hash, in insertion order."""
        for row in self.db.execute(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY row"):
            yield _stored(row)

    def document_ids(self) -> set[str]:
        """The ids of all documents."""
        return {row[0] for row in self.db.execute("SELECT id FROM documents")}

    def passages_by_hash(self, hash: str) -> list[tuple[int, Passage]]:  # noqa: A002
        """The passages of the document with this content hash, as (passage id, Passage) in order."""
        rows = self.db.execute(
            f'SELECT p.id, d.id, p.text, p.start, p."end", p.ordinal, {self._context} FROM passages p '
            "JOIN documents d ON p.doc_row = d.row WHERE d.hash = ? ORDER BY p.id",
            (hash,),
        ).fetchall()
        return [(row[0], Passage(*row[1:6], row[0], *row[6:])) for row in rows]

    def passage_texts(self, ids: Sequence[int]) -> list[str]:
        """The texts the embedder reads for the given passages (section heading first, when any), in the order of `ids`."""
        texts: dict[int, str] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            texts.update(self.db.execute(f"SELECT id, {_INPUT} FROM passages WHERE id IN ({marks})", chunk).fetchall())
        return [texts[int(i)] for i in ids]

    def iter_passage_texts(self, batch: int = 10_000) -> Iterator[list[str]]:
        """All passage texts as BM25 reads them (section heading first, when any), in id order, in batches."""
        cursor = self.db.execute(f"SELECT {_INPUT} FROM passages ORDER BY id")
        while rows := cursor.fetchmany(batch):
            yield [row[0] for row in rows]

    def hits(self, ids: Sequence[int]) -> dict[int, SearchHit]:
        """SearchHits (passage and document metadata, no scores yet) for the given passage ids."""
        found: dict[int, SearchHit] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            columns = _HIT_COLUMNS.format(context=self._context)
            query = f"SELECT {columns} FROM passages p JOIN documents d ON p.doc_row = d.row WHERE p.id IN ({marks})"
            for pid, doc_id, text, start, end, ordinal, page, section, title, source, url in self.db.execute(query, chunk):
                passage = Passage(doc_id, text, start, end, ordinal, pid, page, section)
                found[pid] = SearchHit(passage, 0.0, 0, title=title, source=source, url=url)
        return found

    def close(self) -> None:
        """Closes the database connection."""
        self.db.close()


def _stored(row: tuple) -> tuple[Document, str]:
    """Builds (Document, content hash) from a documents row."""
    hash_, doc_id, text, title, source, url, date, meta = row
    return Document(doc_id, text, title, source, url=url, date=date, meta=json.loads(meta)), hash_


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """Splits ids into lists short enough for one SQL IN (...) clause."""
    ids = [int(i) for i in ids]
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]
