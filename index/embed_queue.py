"""Passages embedded while the notes are still being cut.

Cutting notes is Python on one core; embedding runs a batch per core. Done
one after the other, a core idled through the cutting (a fifth of a til
build). Here the cutter spools each passage to embed (its text waits on
disk, so memory does not grow with the notes) and hands them over
EMBED_CHUNK at a time to a thread that embeds them and writes their vectors
at their rows. What has piled up while it worked is embedded shortest first
(batches of like length waste little on padding).

Only the build's own thread draws progress: the embedding thread counts.
"""

from __future__ import annotations

import contextlib
import json
import queue
import sys
import threading
import time
from array import array
from pathlib import Path
from types import TracebackType
from typing import Self

import numpy as np

from .embed import Embedder, Span, trim_heap
from .progress import Progress
from .writer import JsonlWriter, NpyRows

# Passages handed to the embedder at a time (cut there into batches of like
# length, one per core): larger calls waste less at their ends, where a core
# waits for the other's last batch. 256 is a few seconds of work: how often
# the progress line moves.
EMBED_CHUNK = 256
SWITCH_INTERVAL_S = 0.0005


class EmbedQueue:
    """`add` the passages to embed as the notes are cut; `finish` waits for
    the last of them and returns how many were embedded."""

    def __init__(
        self,
        embedder: Embedder,
        spool_path: Path,
        vectors: tuple[NpyRows, NpyRows, NpyRows],  # passages', headings', units'
        shown: Progress,
    ) -> None:
        self._embedder = embedder
        self._vectors = vectors
        self._shown = shown
        self._spool_path = spool_path
        self._spool = JsonlWriter(spool_path)
        self._reader = open(spool_path, "rb")  # noqa: SIM115 - closed by close()
        self._pending = array("q")  # (row, unit row, tokens, spool offset) per passage
        self._chunks: queue.Queue[array[int] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.added = self.added_tokens = 0
        self.embedded = self.embedded_tokens = 0  # written by the embedding thread
        self.started = 0.0  # when the first chunk was embedded
        self._switch = 0.0  # Python's switch interval before the thread started

    def add(self, row: int, unit_row: int, tokens: int, text: str, spans: list[Span]) -> None:
        if self._error is not None:
            raise self._error
        offset = self._spool.write([text, spans])
        self._pending.extend((row, unit_row, tokens, offset))
        self.added += 1
        self.added_tokens += tokens
        if len(self._pending) >= 4 * EMBED_CHUNK:  # 4 numbers a passage
            self._hand_over()

    def finish(self) -> int:
        """Embed what is left; draw progress until all is embedded."""
        self._hand_over()
        self._chunks.put(None)
        if self._thread is not None:
            self._shown.embedding(self.added, self.added_tokens, self.started)
            while self._thread.is_alive():
                self._thread.join(0.25)
                self._shown.embedded(self.embedded, self.embedded_tokens)
        if self._error is not None:
            raise self._error
        return self.embedded

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is not None and self._thread.is_alive():  # the build failed
            self._stop.set()
            self._chunks.put(None)
            self._thread.join()
        if self._switch:
            sys.setswitchinterval(self._switch)
        self._spool.close()
        self._reader.close()
        self._spool_path.unlink(missing_ok=True)

    def _hand_over(self) -> None:
        if not self._pending:
            return
        self._spool.flush()
        self._chunks.put(self._pending)
        self._pending = array("q")
        if self._thread is None:
            # The cutter holds the GIL for as long as Python lets it (5 ms),
            # and each batch's thread needs it back after every run: on til,
            # a 0.5 ms interval made the build 2 s shorter (35.4 s against
            # 37.6 cut then embedded, and 38.7 with the default interval).
            self._switch = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            self._thread = threading.Thread(target=self._work, name="embed-queue", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        try:
            last = False
            while not last and not self._stop.is_set():
                # What waits is embedded together, shortest first: the whole
                # rest at once when the cutting has run ahead.
                chunks = [self._chunks.get()]
                with contextlib.suppress(queue.Empty):
                    while chunks[-1] is not None:
                        chunks.append(self._chunks.get_nowait())
                last = chunks[-1] is None
                todo = [c for c in chunks if c is not None]
                if not todo:
                    break
                rows = np.concatenate([np.frombuffer(c, dtype=np.int64) for c in todo])
                rows = rows.reshape(-1, 4)
                rows = rows[np.argsort(rows[:, 2], kind="stable")]
                for start in range(0, len(rows), EMBED_CHUNK):
                    if self._stop.is_set():
                        return
                    self._embed(rows[start : start + EMBED_CHUNK])
        except BaseException as exc:  # raised in the build's thread
            self._error = exc

    def _embed(self, rows: np.ndarray) -> None:
        texts: list[str] = []
        spans: list[list[Span]] = []
        for offset in rows[:, 3]:
            self._reader.seek(int(offset))
            text, text_spans = json.loads(self._reader.readline())
            texts.append(text)
            spans.append([(a, b) for a, b in text_spans])
        if not self.started:
            self.started = time.monotonic()
        vecs, span_vecs = self._embedder.embed_passages(texts, spans)
        pvec, hvec, uvec = self._vectors
        for k, (row, unit_row, _, _) in enumerate(rows.tolist()):
            pvec.write(row, vecs[k : k + 1])
            hvec.write(row, span_vecs[k][:1])
            uvec.write(unit_row, span_vecs[k][1:])
        self.embedded_tokens += int(rows[:, 2].sum())
        self.embedded += len(rows)
        trim_heap()
