"""Run question sets through a system and time each question."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

from .metrics import Result
from .questions import Question
from .systems import System

TOP_K = 3


def run_questions(
    system: System, questions: Sequence[Question], k: int = TOP_K, passes: int = 1
) -> list[Result]:
    """Answer every question; with passes > 1 the whole set is run again and each
    question's time is its median, so that a burst of load from another process
    on a shared machine does not pass for the system's own latency. Rankings come
    from the first pass (the systems are deterministic)."""
    # One untimed question first: the first call pays for lazy setup
    # (tokenizer, thread pools) that a serving process pays once.
    system.query("warm up", k)
    outcomes = []
    times: list[list[float]] = [[] for _ in questions]
    for n in range(passes):
        for i, q in enumerate(questions):
            t0 = time.perf_counter()
            outcome = system.query(q.question, k)
            times[i].append(time.perf_counter() - t0)
            if n == 0:
                outcomes.append(outcome)
    return [
        Result(
            question=q,
            ranking=tuple((title, source) for title, source, _ in o.ranked),
            abstained=o.abstained,
            seconds=statistics.median(t),
            answer_text=o.text,
            nearest=tuple((title, source) for title, source, _ in o.nearest),
        )
        for q, o, t in zip(questions, outcomes, times, strict=True)
    ]
