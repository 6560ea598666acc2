"""The index on disk: a folder of plain files, versioned, switched atomically.

    <index>/CURRENT              name of the live version (replaced atomically)
    <index>/.lock                held by a build (flock)
    <index>/v-<time>-<id>/       one complete version
        manifest.json            model, dimension, format, corpus hash, build time, counts
        sections.jsonl           one section a line (heading path, source, lines, blocks)
        passages.jsonl           what was embedded, with its content hash
        units.jsonl              sentences (and code snippets) answers are extracted from
        passage_vectors.npy      float32 (passages x dim), normalized
        heading_vectors.npy      float16 (passages x dim): each passage's heading path,
                                 pooled from its tokens as read with the passage
        unit_vectors.npy         float16 (units x dim), normalized
        dense.faiss              FAISS index over the passage vectors
        bm25/                    bm25s's own files over the same passages

No pickle anywhere. A build writes a new version folder beside the old one
and publishes it by replacing CURRENT; readers never see a half-written
index, and a killed build leaves only a stray temporary folder behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .domain import (
    Block,
    IndexCorrupt,
    IndexLocked,
    IndexMismatch,
    IndexNotFound,
    IndexReadOnly,
    Section,
)
from .writer import JsonlWriter

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
CURRENT = "CURRENT"
LOCK = ".lock"
KEEP_VERSIONS = 2  # the live one and the one before it


@dataclass(frozen=True)
class Passage:
    section_id: str
    text: str  # what was embedded: heading path, then content
    hash: str  # of model + text + unit spans: unchanged passages are not re-embedded
    unit_start: int  # its units are units[unit_start : unit_start + unit_count]
    unit_count: int


@dataclass(frozen=True)
class Unit:
    """A sentence or code snippet of a section, the grain of answers."""

    section_id: str
    passage: int
    text: str
    line: int
    kind: str  # "text" | "item" | "code" | "contents", as the block it comes from
    start: int  # character span in the passage's text
    end: int


@dataclass(frozen=True)
class Manifest:
    format: int
    model: str
    dim: int
    corpus_hash: str
    built_at: float
    index_type: str
    files: dict[str, str]  # rel -> sha256
    counts: dict[str, int]
    skipped: list[str] = field(default_factory=list)
    pipeline: int = 0  # how notes were cut into passages; a change means re-cut
    checksums: dict[str, str] = field(default_factory=dict)  # file -> sha256, to catch damage
    precision: str = "fp32"  # of the model's weights: vectors of another precision don't mix

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class LoadedIndex:
    version: str
    path: Path
    manifest: Manifest
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]
    units: tuple[Unit, ...]
    passage_vectors: np.ndarray
    heading_vectors: np.ndarray
    unit_vectors: np.ndarray
    dense: Any  # faiss.Index
    bm25: Any  # bm25s.BM25
    section_by_id: dict[str, Section] = field(default_factory=dict)
    by_note: dict[str, tuple[Section, ...]] = field(default_factory=dict)  # in the note's order

    def __post_init__(self) -> None:
        self.section_by_id = {s.id: s for s in self.sections}
        notes: dict[str, list[Section]] = {}
        for s in self.sections:
            notes.setdefault(s.source, []).append(s)
        self.by_note = {n: tuple(sorted(ss, key=lambda s: s.start_line)) for n, ss in notes.items()}


# --------------------------------------------------------------------------- versions


def current_version(index_dir: Path) -> str | None:
    try:
        name = (index_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexCorrupt(f"cannot read {index_dir / CURRENT}: {exc.strerror}") from exc
    return name or None


def publish(index_dir: Path, version: str) -> None:
    """Point CURRENT at a complete version folder, atomically."""
    tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    with open(tmp, "w") as f:
        f.write(version + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def new_version_dir(index_dir: Path) -> tuple[str, Path]:
    now = time.time_ns()
    # Sortable by name, to the microsecond: pruning keeps the newest.
    stamp = (
        time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f".{now // 1000 % 10**6:06d}"
    )
    name = f"v-{stamp}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir(parents=True)
    return name, tmp


def finish_version_dir(index_dir: Path, tmp: Path, name: str) -> Path:
    for f in tmp.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
    final = index_dir / name
    os.rename(tmp, final)
    _fsync_dir(index_dir)
    return final


def prune(index_dir: Path) -> None:
    """Drop old versions and leftovers of killed builds (call under the lock)."""
    live = current_version(index_dir)
    versions = sorted(
        (p for p in index_dir.glob("v-*") if p.is_dir()), key=lambda p: p.name, reverse=True
    )
    keep = {live} | {p.name for p in versions[:KEEP_VERSIONS]}
    for p in versions:
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
    for p in index_dir.glob(".tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in index_dir.glob(f".{CURRENT}.*"):
        p.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_lock(index_dir: Path, wait: float = 0.0) -> contextlib.AbstractContextManager[None]:
    """One build at a time. Waits up to `wait` seconds, then raises IndexLocked."""
    return file_lock(index_dir / LOCK, wait)


@contextlib.contextmanager
def file_lock(path: Path, wait: float = 0.0) -> Iterator[None]:
    """An exclusive flock on `path`, released when the holder exits or dies.
    Waits up to `wait` seconds for another holder, then raises IndexLocked;
    raises IndexReadOnly when the folder can't be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise IndexReadOnly(
            f"the index folder {path.parent} is read-only here ({exc.strerror})"
        ) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"another build holds the lock on {path.parent}; try again later"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


# --------------------------------------------------------------------------- writing


def write_version(
    tmp: Path,
    manifest: Manifest,
    sections: list[Section],
    passages: list[Passage],
    units: list[Unit],
    passage_vectors: np.ndarray,
    heading_vectors: np.ndarray,
    unit_vectors: np.ndarray,
    dense: Any,
    bm25: Any,
) -> None:
    import faiss

    _write_jsonl(tmp / "sections.jsonl", (section_json(s) for s in sections))
    _write_jsonl(tmp / "passages.jsonl", (record(p) for p in passages))
    _write_jsonl(tmp / "units.jsonl", (record(u) for u in units))
    np.save(tmp / "passage_vectors.npy", passage_vectors.astype(np.float32), allow_pickle=False)
    # Sentence vectors only rank a section's sentences: half precision is
    # plenty, and they are most of the index (and of its memory).
    np.save(tmp / "unit_vectors.npy", unit_vectors.astype(np.float16), allow_pickle=False)
    np.save(tmp / "heading_vectors.npy", heading_vectors.astype(np.float16), allow_pickle=False)
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    if bm25 is not None:
        bm25.save(str(tmp / "bm25"), show_progress=False)
    write_manifest(tmp, manifest)


def write_manifest(tmp: Path, manifest: Manifest) -> None:
    """The manifest, with the checksums of every other file: written last, as
    a version folder without one is incomplete."""
    manifest = replace(manifest, checksums=_checksums(tmp))
    (tmp / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1, sort_keys=True))


def _checksums(version_dir: Path) -> dict[str, str]:
    out = {}
    for f in sorted(version_dir.rglob("*")):
        if f.is_file() and f.name != "manifest.json":
            out[f.relative_to(version_dir).as_posix()] = _sha256(f)
    return out


def _sha256(path: Path) -> str:
    # In chunks: the vector files of a large collection run to gigabytes.
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verify_files(version_dir: Path, manifest: Manifest) -> None:
    """Raise IndexCorrupt if a file of the version is missing or changed."""
    for rel, digest in manifest.checksums.items():
        try:
            ok = _sha256(version_dir / rel) == digest
        except OSError:
            ok = False
        if not ok:
            raise IndexCorrupt(
                f"index file {rel} in {version_dir} is damaged; rebuild with `notesbot index`"
            )


def _write_jsonl(path: Path, rows: Any) -> None:
    out = JsonlWriter(path)
    try:
        for row in rows:
            out.write(row)
    finally:
        out.close()


def record(row: Any) -> dict[str, Any]:
    """A flat dataclass's fields, as written to a JSONL file (dataclasses'
    asdict deep-copies every value: a tenth of a til build's reading time)."""
    return dict(vars(row))


def section_json(s: Section) -> dict[str, Any]:
    d = record(s)
    d["path"] = list(s.path)
    d["blocks"] = [[b.kind, b.text, b.line] for b in s.blocks]
    return d


def _section_from(d: dict[str, Any]) -> Section:
    d = dict(d)
    d["path"] = tuple(d["path"])
    d["blocks"] = tuple(Block(k, t, ln) for k, t, ln in d["blocks"])
    return Section(**d)


# --------------------------------------------------------------------------- reading


def read_manifest(version_dir: Path) -> Manifest:
    try:
        return Manifest.from_json(json.loads((version_dir / "manifest.json").read_text()))
    except FileNotFoundError as exc:
        raise IndexCorrupt(
            f"index version {version_dir.name} has no manifest; rebuild it with `notesbot index`"
        ) from exc
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupt(
            f"index manifest in {version_dir} is unreadable ({type(exc).__name__}); "
            "rebuild it with `notesbot index`"
        ) from exc


def check_manifest(
    manifest: Manifest, where: Path, expect_model: str | None, expect_precision: str | None = None
) -> None:
    if manifest.format != FORMAT_VERSION:
        raise IndexMismatch(
            f"index at {where} has format {manifest.format}, this notesbot reads "
            f"{FORMAT_VERSION}; rebuild it with `notesbot index`"
        )
    if expect_model is not None and manifest.model != expect_model:
        raise IndexMismatch(
            f"index at {where} was built with model {manifest.model!r}, not {expect_model!r}; "
            "rebuild it with `notesbot index`"
        )
    if expect_precision is not None and manifest.precision != expect_precision:
        raise IndexMismatch(
            f"index at {where} was built with the {manifest.precision} model, not "
            f"{expect_precision}; rebuild it with `notesbot index`"
        )


def load_index(
    index_dir: Path,
    expect_model: str | None,
    *,
    fallback: bool = False,
    expect_precision: str | None = None,
) -> LoadedIndex:
    """The live version of the index. With `fallback`, a damaged live version
    gives way to the newest intact older one (a build keeps the one before),
    so that a restarted bot serves until the next build repairs the index."""
    version = current_version(index_dir)
    if version is None:
        raise IndexNotFound(f"no index at {index_dir}; build it with `notesbot index`")
    try:
        return _load_version(index_dir, version, expect_model, expect_precision)
    except IndexCorrupt as exc:
        if not fallback:
            raise
        for older in sorted((p.name for p in index_dir.glob("v-*")), reverse=True):
            if older == version:
                continue
            try:
                loaded = _load_version(index_dir, older, expect_model, expect_precision)
            except (IndexCorrupt, IndexMismatch):
                continue
            log.warning("%s; serving the previous version %s meanwhile", exc, older)
            return loaded
        raise


def _load_version(
    index_dir: Path, version: str, expect_model: str | None, expect_precision: str | None
) -> LoadedIndex:
    import faiss

    path = index_dir / version
    if not path.is_dir():
        raise IndexCorrupt(
            f"index at {index_dir} points at a missing version {version}; "
            "rebuild it with `notesbot index`"
        )
    manifest = read_manifest(path)
    check_manifest(manifest, index_dir, expect_model, expect_precision)
    verify_files(path, manifest)
    try:
        sections = tuple(_section_from(d) for d in _read_jsonl(path / "sections.jsonl"))
        passages = tuple(Passage(**d) for d in _read_jsonl(path / "passages.jsonl"))
        units = tuple(Unit(**d) for d in _read_jsonl(path / "units.jsonl"))
        pvec = np.load(path / "passage_vectors.npy", allow_pickle=False)
        # Half precision on disk; single in memory, where numpy multiplies it
        # about ten times faster (a question compares hundreds of sentences).
        hvec = np.load(path / "heading_vectors.npy", allow_pickle=False).astype(np.float32)
        uvec = np.load(path / "unit_vectors.npy", allow_pickle=False).astype(np.float32)
        dense = faiss.read_index(str(path / "dense.faiss"))
        bm25 = _load_bm25(path / "bm25") if passages else None
    except (OSError, ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexCorrupt(
            f"index at {index_dir} is damaged ({type(exc).__name__}: {str(exc)[:120]}); "
            "rebuild it with `notesbot index`"
        ) from exc
    ok = (
        len(passages) == manifest.counts.get("passages")
        and pvec.shape == (len(passages), manifest.dim)
        and uvec.shape == (len(units), manifest.dim)
        and hvec.shape == pvec.shape
        and dense.ntotal == len(passages)
        and len(sections) == manifest.counts.get("sections")
    )
    if not ok:
        raise IndexCorrupt(
            f"index at {index_dir} is inconsistent (counts differ from its manifest); "
            "rebuild it with `notesbot index`"
        )
    return LoadedIndex(
        version, path, manifest, sections, passages, units, pvec, hvec, uvec, dense, bm25
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _load_bm25(path: Path) -> Any:
    import bm25s

    return bm25s.BM25.load(str(path), mmap=False, load_corpus=False)
