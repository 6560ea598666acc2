"""What a person waiting for a build sees: one line on the terminal, rewritten
in place: the notes read (and the passages embedded meanwhile), then the
passages embedded, the rate and the time left. Nothing when the build is not
on a terminal (cron gets the one summary line the command prints at the end)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

REFRESH_S = 0.5


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self._out = stream if stream is not None else sys.stderr
        self._shown = 0.0  # when the line was last drawn
        self._started = 0.0
        self._total = self._work = 0
        self._passages = self._work_done = 0

    def reading(
        self, notes: int, total: int, passages: int, embedded: int = 0, force: bool = False
    ) -> None:
        line = f"reading notes {notes:,}/{total:,} · {passages:,} passages"
        self._draw(line + (f" · {embedded:,} embedded" if embedded else ""), force)

    def embedding(self, passages: int, work: int, started: float = 0.0) -> None:
        """`passages` passages of `work` tokens in all to embed, the first of
        them since `started` (time.monotonic(); 0: not yet)."""
        self._started = started or time.monotonic()
        self._total, self._work = passages, work
        self._passages = self._work_done = 0
        self._draw(f"embedding {passages:,} passages", force=True)

    def embedded(self, passages: int, work: int) -> None:
        """`passages` of `work` tokens embedded so far."""
        self._passages, self._work_done = passages, work
        elapsed = time.monotonic() - self._started
        line = f"embedding {self._passages:,}/{self._total:,} passages"
        if elapsed > 1 and self._work_done:
            # Passages go shortest first, so the time left is reckoned in tokens.
            left = (self._work - self._work_done) * elapsed / self._work_done
            line += f" · {self._passages / elapsed:.0f}/s · {_clock(left)} left"
        self._draw(line, force=self._passages >= self._total)

    def step(self, what: str) -> None:
        self._draw(what, force=True)

    def close(self) -> None:
        if self.enabled and self._shown:
            self._out.write("\r\x1b[K")
            self._out.flush()

    def _draw(self, line: str, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._shown < REFRESH_S:
            return
        self._shown = now
        self._out.write(f"\r\x1b[K{line}")
        self._out.flush()


def _clock(seconds: float) -> str:
    s = max(0, round(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"
