"""How near questions on other subjects come to a collection by chance.

A question's closest sentence says whether the notes answer it only against
what unrelated questions reach in the same notes: the more sentences and
the broader the notes, the nearer the best of them comes to anything (the
shipped notebook's 450 sentences meet an unrelated question at about 0.21,
1,900 how-to notes' 18,000 at about 0.35). A build measures that level once,
with a fixed bank of questions on everything (chance_questions.txt: cooking,
payroll, Swift, Excel, DNS, trivia ...), and abstention reads a question's
closeness as its height above it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

BANK = Path(__file__).with_name("chance_questions.txt")
# The level: the median of the bank's closest sentences. The mean and the
# 0.75 and 0.9 quantiles did as well by bench/fit.py's leave-one-collection-out
# cost (1.033-1.036, against 1.090 without a level), the 0.95 quantile worse
# (1.057); the median moves least with the few bank questions that happen to
# be on a collection's subject.
QUANTILE = 0.5
ROWS = 16384  # sentence vectors compared at a time: memory stays bounded


def bank() -> list[str]:
    return [line.strip() for line in BANK.read_text().splitlines() if line.strip()]


def chance_level(
    embed_query: Callable[[str], np.ndarray],
    rows: int,
    read_rows: Callable[[int, int], np.ndarray],
    says: np.ndarray,
) -> float:
    """The QUANTILE of the bank questions' best cosine with the `rows`
    sentence vectors (read `read_rows(start, count)` at a time; only those
    `says` marks: not bare links)."""
    questions = np.stack([embed_query(q) for q in bank()]).astype(np.float32)
    best = np.full(len(questions), -1.0, dtype=np.float32)
    for start in range(0, rows, ROWS):
        count = min(ROWS, rows - start)
        keep = says[start : start + count]
        if not keep.any():
            continue
        vectors = np.asarray(read_rows(start, count), dtype=np.float32)[keep]
        best = np.maximum(best, (questions @ vectors.T).max(axis=1))
    return float(np.quantile(best, QUANTILE)) if rows and says.any() else 0.0
