"""From answers to the questions database: what the Slack handlers call.

A declined answer is kept when it is posted; a 👎 keeps the question it was
given for (or marks the declined one already kept). Each costs one encoding
of the question (a few ms) and one small write, after the reply is posted.
Nothing here may break answering: a failure is logged and the bot goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.domain import PATH_SEP, Answer, Hit

from .store import GapStore, Nearest

log = logging.getLogger("notesbot.gaps")

# The question's vector and the section nearest to it: `Engine.closest`.
Probe = Callable[[str], tuple[np.ndarray, Hit | None]]


class GapLog:
    def __init__(self, store: GapStore | None, probe: Probe, model: str) -> None:
        self.store = store  # None: NOTESBOT_GAPS_DAYS=0, nothing is kept
        self.probe = probe
        self.model = model

    @classmethod
    def open(cls, path: Path, keep_days: int, keep_text: bool, probe: Probe, model: str) -> GapLog:
        store = GapStore(path, keep_days, keep_text=keep_text, writer=True) if keep_days else None
        return cls(store, probe, model)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def answered(self, answer_id: str, answer: Answer) -> None:
        """An answer was posted: keep its question if the notes declined it."""
        if not answer.found:
            self._keep(answer_id, answer.question, declined=True, disliked=False)

    def disliked(self, answer_id: str, answer: Answer) -> None:
        """Someone clicked 👎 under an answer."""
        self._keep(answer_id, answer.question, declined=not answer.found, disliked=True)

    def _keep(self, answer_id: str, question: str, *, declined: bool, disliked: bool) -> None:
        if self.store is None or not question.strip():
            return
        try:
            vector, hit = self.probe(question)
            self.store.record(
                answer_id,
                declined=declined,
                disliked=disliked,
                text=question,
                model=self.model,
                vector=vector,
                nearest=_nearest(hit),
            )
        except Exception as exc:  # the answer is already posted; only the report misses it
            log.error("unanswered question not recorded error=%s", type(exc).__name__)


def _nearest(hit: Hit | None) -> Nearest | None:
    if hit is None:
        return None
    s = hit.section
    return Nearest(s.id, PATH_SEP.join(s.path), s.source, s.start_line, hit.score)
