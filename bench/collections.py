"""Real note collections beside the shipped notes: each with its own index,
its own baselines and its dev questions, scored the same way.

    ../shared/corpora/til            1,873 short how-to notes in topic folders
    ../shared/corpora/system-design  the System Design Primer: one long README

A collection that is not on this machine is left out (and said so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@dataclass(frozen=True)
class Collection:
    name: str
    corpus: Path
    questions: Path


COLLECTIONS = (
    Collection("til", SHARED / "corpora" / "til", SHARED / "eval" / "til-dev.jsonl"),
    Collection(
        "system-design",
        SHARED / "corpora" / "system-design",
        SHARED / "eval" / "system-design-dev.jsonl",
    ),
)


def available(log: Callable[[str], None]) -> list[Collection]:
    out = []
    for c in COLLECTIONS:
        if c.corpus.is_dir() and c.questions.exists():
            out.append(c)
        else:
            log(f"{c.name}: {c.corpus} or {c.questions} is not on this machine; left out")
    return out
