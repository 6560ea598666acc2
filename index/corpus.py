"""Walk a folder of Markdown notes safely.

Never follows a symlink out of the corpus, skips hidden folders, and skips
files that are binary, not UTF-8 or too large (listed with the reason; the
build warns of them), so that one bad file never stops the rest from being
indexed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .domain import CorpusEmpty, CorpusNotFound, NotesbotError

NOTE_SUFFIXES = (".md", ".markdown")
MAX_NOTE_BYTES = 5 * 1024 * 1024
SKIP_DIRS = {"node_modules", "__pycache__"}


@dataclass(frozen=True)
class NoteFile:
    rel: str  # relative to the corpus root, POSIX separators
    text: str
    sha: str  # of the raw bytes


@dataclass(frozen=True)
class Corpus:
    root: Path
    files: tuple[NoteFile, ...]
    skipped: tuple[str, ...]  # "<rel>: <reason>"

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.rel.encode())
            h.update(b"\0")
            h.update(f.sha.encode())
            h.update(b"\n")
        return h.hexdigest()

    def rels(self) -> set[str]:
        return {f.rel for f in self.files}


def check_root(root: Path) -> Path:
    if not root.exists():
        raise CorpusNotFound(f"notes folder not found: {root}")
    if not root.is_dir():
        raise CorpusNotFound(f"notes folder is not a folder: {root}")
    return root.resolve()


def note_paths(real_root: Path) -> Iterator[tuple[Path, str]]:
    """Every note file under `real_root` (resolved) and its path relative to
    it, in a deterministic order; hidden folders (.git) and files pruned."""
    for dirpath, dirnames, filenames in os.walk(real_root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(NOTE_SUFFIXES):
                continue
            path = Path(dirpath) / name
            yield path, path.relative_to(real_root).as_posix()


def read_corpus(root: Path, *, allow_empty: bool = False) -> Corpus:
    real_root = check_root(root)
    files: list[NoteFile] = []
    skipped: list[str] = []
    for path, rel in note_paths(real_root):
        note, reason = _read_note(path, rel, real_root)
        if note is not None:
            files.append(note)
        else:
            skipped.append(f"{rel}: {reason}")  # the build warns of them
    if not files and not allow_empty:
        raise CorpusEmpty(f"no readable Markdown notes (*.md) under {root}")
    files.sort(key=lambda f: f.rel)
    return Corpus(real_root, tuple(files), tuple(skipped))


def _read_note(path: Path, rel: str, real_root: Path) -> tuple[NoteFile | None, str]:
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None, "broken symlink"
        if not target.is_relative_to(real_root):
            return None, "symlink leads outside the notes folder; not followed"
        if not target.is_file():
            return None, "symlink to something that is not a file"
    elif not path.is_file():
        return None, "not a regular file"
    try:
        if path.stat().st_size > MAX_NOTE_BYTES:
            return None, f"larger than {MAX_NOTE_BYTES // (1024 * 1024)} MB"
        data = path.read_bytes()
    except PermissionError as exc:
        raise NotesbotError(f"cannot read note {rel}: permission denied") from exc
    except OSError as exc:
        raise NotesbotError(f"cannot read note {rel}: {exc.strerror or exc}") from exc
    if b"\0" in data[:8192]:
        return None, "binary file"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "not valid UTF-8"
    return NoteFile(rel, text, hashlib.sha256(data).hexdigest()), ""
