"""A version folder written while the build goes, in memory that does not
grow with the notes.

Rows go to disk as they are made: JSONL a line at a time, vectors into .npy
files at their row (the shapes are known once the notes are cut into
passages), BM25 from term ids kept 4 bytes a term. Vectors are read and
written with plain file I/O, never memory-mapped: mapped pages count as the
process's memory. The files come out byte for byte as `store.write_version`
writes them from lists in memory.
"""

from __future__ import annotations

import json
import os
import threading
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np
from numpy.lib import format as npy

ROWS_PER_READ = 4096  # vectors read at a time when the FAISS index is filled from disk


def write_atomic(path: Path, text: str) -> None:
    """A small file written whole or not at all (a name of its own per
    process and thread, then renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(text)
    os.replace(tmp, path)


class JsonlWriter:
    """One JSON object a line: the index's JSONL files (sections, passages, units)."""

    def __init__(self, path: Path) -> None:
        self._f = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()

    def write(self, row: Any) -> int:
        """Write a row; returns the file offset it starts at."""
        at = self._f.tell()
        self._f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        return at

    def flush(self) -> None:
        self._f.flush()

    def close(self) -> None:
        self._f.close()


class NpyRows:
    """An .npy file of `dim` columns, rows written (and read back) in any
    order; how many rows it has may be said when they are all known."""

    def __init__(self, path: Path, rows: int, dim: int, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self._row_bytes = dim * self.dtype.itemsize
        self._f = open(path, "wb+")  # noqa: SIM115 - closed by close()
        self._data = 0
        self.resize(rows)

    def resize(self, rows: int) -> None:
        """Make the file `rows` rows long (new rows are zeros, as np.zeros's)."""
        self.shape = (rows, self._row_bytes // self.dtype.itemsize)
        self._f.seek(0)
        # The header np.save writes for this shape and dtype: 128 bytes for any
        # number of rows a disk holds, so rows written already stay where they are.
        npy.write_array_header_1_0(
            self._f,
            {"descr": npy.dtype_to_descr(self.dtype), "fortran_order": False, "shape": self.shape},
        )
        self._f.flush()
        if self._data and self._f.tell() != self._data:
            raise ValueError("the .npy header changed length")
        self._data = self._f.tell()
        self._f.truncate(self._data + rows * self._row_bytes)

    def write(self, row: int, values: np.ndarray) -> None:
        """Rows `row`, `row + 1`, ... from the rows of `values`."""
        data = np.ascontiguousarray(values, dtype=self.dtype).tobytes()
        os.pwrite(self._f.fileno(), data, self._data + row * self._row_bytes)

    def read(self, row: int, count: int) -> np.ndarray:
        return _read_rows(self._f.fileno(), self._data, self.dtype, self.shape[1], row, count)

    def close(self) -> None:
        self._f.close()


class NpyReader:
    """Rows of an existing .npy file, read on demand."""

    def __init__(self, path: Path) -> None:
        self._f = open(path, "rb")  # noqa: SIM115 - closed by close()
        try:
            version = npy.read_magic(self._f)
            read_header = (
                npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
            )
            shape, fortran, dtype = read_header(self._f)
        except BaseException:
            self._f.close()
            raise
        if fortran or len(shape) != 2:
            self._f.close()
            raise ValueError(f"{path.name}: not a C-ordered matrix")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self._data = self._f.tell()
        size = os.fstat(self._f.fileno()).st_size
        if size < self._data + self.shape[0] * self.shape[1] * self.dtype.itemsize:
            self._f.close()
            raise ValueError(f"{path.name} is shorter than its header says")

    def read(self, row: int, count: int) -> np.ndarray:
        if row < 0 or row + count > self.shape[0]:
            raise ValueError(f"rows {row}..{row + count} out of {self.shape[0]}")
        return _read_rows(self._f.fileno(), self._data, self.dtype, self.shape[1], row, count)

    def chunks(self, size: int = ROWS_PER_READ) -> Iterator[np.ndarray]:
        for start in range(0, self.shape[0], size):
            yield self.read(start, min(size, self.shape[0] - start))

    def close(self) -> None:
        self._f.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _read_rows(fd: int, base: int, dtype: np.dtype, dim: int, row: int, count: int) -> np.ndarray:
    size = count * dim * dtype.itemsize
    data = os.pread(fd, size, base + row * dim * dtype.itemsize)
    if len(data) != size:
        raise ValueError("vector file ends early")
    return np.frombuffer(data, dtype=dtype).reshape(count, dim)


class TermIds:
    """Each passage's BM25 terms as ids into a growing vocabulary.

    A list of strings per passage costs ~60 bytes a term; this costs 4. The
    vocabulary is numbered as bm25s numbers it when handed the terms as
    strings (in the order of a set filled passage by passage), so that the
    index files are the same either way."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # in order of first use
        self._seen: set[str] = set()  # filled as bm25s fills its own: its order is bm25s's
        self._terms = array("i")
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def add(self, terms: Sequence[str]) -> None:
        self._seen.update(terms)
        ids = self._ids
        self._terms.extend(ids.setdefault(t, len(ids)) for t in terms)
        self._ends.append(len(self._terms))

    def retriever(self) -> Any:
        """A bm25s.BM25 over the passages added, or None without any."""
        import bm25s

        if not self._ends:
            return None
        vocab = {term: i for i, term in enumerate(self._seen)}
        renumber = np.zeros(len(self._ids), dtype=np.int32)
        for term, first in self._ids.items():
            renumber[first] = vocab[term]
        docs = _Docs(renumber[np.frombuffer(self._terms, dtype=np.int32)], self._ends)
        retriever = bm25s.BM25()
        scores = retriever.build_index_from_ids(
            unique_token_ids=list(vocab.values()), corpus_token_ids=docs, show_progress=False
        )
        # What BM25.index adds after building from strings: the empty term.
        if "" not in vocab:
            vocab[""] = max(vocab.values(), default=-1) + 1
        retriever.scores = scores
        retriever.vocab_dict = vocab
        retriever.unique_token_ids_set = set(vocab.values())
        return retriever


class _Docs(Sequence[list[int]]):
    """The passages' term ids as bm25s reads them (a list per passage),
    made one passage at a time from a flat array."""

    def __init__(self, ids: np.ndarray, ends: array[int]) -> None:
        self._ids = ids
        self._ends = ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        start = self._ends[i - 1] if i > 0 else 0
        return self._ids[start : self._ends[i]].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        start = 0
        for end in self._ends:
            yield self._ids[start:end].tolist()
            start = end


class SectionHashes:
    """section_hashes.json as `json.dumps(dict)` writes it, a section at a time."""

    def __init__(self, path: Path) -> None:
        self._f = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._f.write("{")
        self._first = True

    def add(self, section_id: str, digest: str) -> None:
        comma = "" if self._first else ", "
        self._f.write(f"{comma}{json.dumps(section_id)}: {json.dumps(digest)}")
        self._first = False

    def close(self) -> None:
        if not self._f.closed:
            self._f.write("}")
            self._f.close()
