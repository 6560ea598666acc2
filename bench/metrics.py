"""Answer-quality metrics over ranked (title, source) lists.

A system's result for a question is the ranking it shows the user, empty when
it abstains, so an abstention on a covered question counts as a miss.

- hit@k and MRR@k: over questions the notes cover (found=true).
- abstention: share of uncovered questions (found=false) where it abstained.
- false abstention: share of covered questions where it abstained.
- answer keywords: share of questions with `answer_has` whose answer text
  contains at least one of the words (case-insensitive); notesbot only.
- pointed: share of covered questions declined that were shown an acceptable
  section among the nearest ("in case one of them is what you meant");
  notesbot only, nan when it declined none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .questions import Question


@dataclass(frozen=True)
class Result:
    question: Question
    ranking: tuple[tuple[str, str], ...]  # (title, source), best first; empty if abstained
    abstained: bool
    seconds: float
    answer_text: str | None = None
    nearest: tuple[tuple[str, str], ...] = ()  # declined: the sections offered instead


def first_match_rank(question: Question, ranking: Sequence[tuple[str, str]]) -> int | None:
    """1-based rank of the first acceptable section, or None."""
    for rank, (title, source) in enumerate(ranking, 1):
        if question.matches(title, source):
            return rank
    return None


def hit_at(question: Question, ranking: Sequence[tuple[str, str]], k: int) -> bool:
    rank = first_match_rank(question, ranking)
    return rank is not None and rank <= k


def reciprocal_rank(question: Question, ranking: Sequence[tuple[str, str]], k: int) -> float:
    rank = first_match_rank(question, ranking)
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def has_keyword(question: Question, text: str) -> bool:
    low = text.lower()
    return any(word.lower() in low for word in question.answer_has)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); exact on small samples."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class Summary:
    n: int
    covered: int
    uncovered: int
    hit1: float
    hit3: float
    mrr: float
    abstention: float  # on uncovered questions; nan if none
    false_abstention: float  # on covered questions
    keyword_rate: float  # nan when no answer text or no answer_has
    pointed: float  # covered and declined: shown its section among the nearest
    p50_ms: float
    p95_ms: float


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def summarize(results: Sequence[Result], k: int = 3) -> Summary:
    covered = [r for r in results if r.question.found]
    uncovered = [r for r in results if not r.question.found]
    keyword = [
        has_keyword(r.question, r.answer_text)
        for r in covered
        if r.question.answer_has and r.answer_text is not None
    ]
    ms = [r.seconds * 1000 for r in results]
    return Summary(
        n=len(results),
        covered=len(covered),
        uncovered=len(uncovered),
        hit1=_share([hit_at(r.question, r.ranking, 1) for r in covered]),
        hit3=_share([hit_at(r.question, r.ranking, k) for r in covered]),
        mrr=(
            sum(reciprocal_rank(r.question, r.ranking, k) for r in covered) / len(covered)
            if covered
            else float("nan")
        ),
        abstention=_share([r.abstained for r in uncovered]),
        false_abstention=_share([r.abstained for r in covered]),
        keyword_rate=_share(keyword),
        pointed=_share([hit_at(r.question, r.nearest, k) for r in covered if r.abstained]),
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
    )
