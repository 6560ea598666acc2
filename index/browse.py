"""The catalog straight from the index on disk, without loading what search
needs (vectors, FAISS, BM25, the model): `notesbot categories` and `list`
over thousands of notes in a fraction of a second.

Only when the index is of the notes as they are: the same files, none
changed since it was built (by modification time: a cheap look, no file is
read). Otherwise the caller updates the index first, as `ask` does.
"""

from __future__ import annotations

import os
from pathlib import Path

from .catalog import build_catalog
from .config import IndexConfig
from .corpus import note_paths
from .domain import Category, IndexCorrupt
from .store import (
    Manifest,
    _read_jsonl,
    _section_from,
    check_manifest,
    current_version,
    read_manifest,
)


def current_catalog(config: IndexConfig) -> Category | None:
    """The catalog of the live index, or None when there is none or the
    notes changed since it was built."""
    version = current_version(config.index_dir)
    if version is None:
        return None
    path = config.index_dir / version
    manifest = read_manifest(path)
    check_manifest(manifest, config.index_dir, None)
    if not _unchanged_since(config.corpus_dir, manifest):
        return None
    try:
        sections = [_section_from(d) for d in _read_jsonl(path / "sections.jsonl")]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupt(
            f"index at {config.index_dir} is damaged ({type(exc).__name__}); "
            "rebuild it with `notesbot index`"
        ) from exc
    return build_catalog(sections, config.base_url, config.corpus_dir.resolve().name)


def _unchanged_since(root: Path, manifest: Manifest) -> bool:
    """The notes under `root` are the files the index was built from, none
    of them modified after it (the walk of `corpus.read_corpus`, statting)."""
    known = set(manifest.files) | {s.split(":", 1)[0] for s in manifest.skipped}
    seen = 0
    for path, rel in note_paths(root.resolve()):
        try:
            changed = os.stat(path).st_mtime >= manifest.built_at
        except OSError:
            return False
        if rel not in known or changed:
            return False
        seen += 1
    return seen == len(known)
