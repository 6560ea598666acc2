"""Real note collections beside the shipped notes: each with its own index,
its own baselines and its dev questions, scored the same way.

    ../shared/corpora/til            1,873 short how-to notes in topic folders
    ../shared/corpora/system-design  the System Design Primer: one long README
    ../corpora/simonw-til            simonw/til (Apache-2.0), held out only
    ../corpora/ml-engineering        stas00/ml-engineering's Markdown (CC BY-SA 4.0)

Each has its dev questions, if any, and held-out questions
(bench/questions/holdout-2026-11/): written before tuning, never fitted on,
scored by the published runs only. A collection that is not on this machine
is left out (and said so); NOTESBOT_BENCH_CORPORA names another folder than
../corpora for the ones that are not in ../shared.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = Path(os.environ.get("NOTESBOT_BENCH_CORPORA") or ROOT.parent / "corpora")
HELD_OUT = ROOT / "bench" / "questions" / "holdout-2026-11"


@dataclass(frozen=True)
class Collection:
    name: str
    corpus: Path
    questions: Path | None  # the dev questions
    held_out: tuple[Path, ...] = ()

    @property
    def question_files(self) -> list[Path]:
        return [p for p in (self.questions, *self.held_out) if p is not None]


COLLECTIONS = (
    Collection(
        "til",
        SHARED / "corpora" / "til",
        SHARED / "eval" / "til-dev.jsonl",
        (HELD_OUT / "til-holdout.jsonl",),
    ),
    Collection(
        "system-design",
        SHARED / "corpora" / "system-design",
        SHARED / "eval" / "system-design-dev.jsonl",
        (HELD_OUT / "system-design-holdout.jsonl",),
    ),
    Collection("simonw-til", CORPORA / "simonw-til", None, (HELD_OUT / "simonw-til.jsonl",)),
    Collection(
        "ml-engineering",
        CORPORA / "ml-engineering",
        ROOT / "bench" / "questions" / "ml-engineering-tune.jsonl",
        (HELD_OUT / "ml-engineering.jsonl",),
    ),
)


def available(log: Callable[[str], None]) -> list[Collection]:
    out = []
    for c in COLLECTIONS:
        if c.corpus.is_dir() and all(p.exists() for p in c.question_files):
            out.append(c)
        else:
            log(f"{c.name}: {c.corpus} or its questions are not on this machine; left out")
    return out
