"""The questions the notes could not answer, in a small SQLite database the
bot owns (NOTESBOT_GAPS_FILE).

One row per question that was declined or got a 👎: when, which of the two,
its vector and the section nearest to it, and its wording only when
NOTESBOT_LOG_QUESTIONS is on (otherwise the text is never written, and a
writer that opens the file with it off erases what an earlier run kept).
WAL lets `notesbot gaps` read while the bot writes; the bot writes through
one connection under a lock (its one regular writer; `notesbot gaps --post`
adds a line when it posts a digest). Rows older than NOTESBOT_GAPS_DAYS are
deleted as new ones come in.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.domain import NotesbotError

SCHEMA_VERSION = 1
DAY_S = 86400.0
PRUNE_EVERY_S = 3600.0
BUSY_TIMEOUT_MS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS asked (
    answer_id TEXT PRIMARY KEY,   -- the answer's id (its feedback buttons carry it)
    time REAL NOT NULL,           -- unix seconds
    declined INTEGER NOT NULL,    -- "not in the notes"
    disliked INTEGER NOT NULL,    -- 👎
    text TEXT,                    -- NULL unless NOTESBOT_LOG_QUESTIONS
    model TEXT NOT NULL,          -- vectors of different models do not compare
    vector BLOB NOT NULL,         -- float16, normalized
    section_id TEXT,              -- the section nearest in meaning, however far
    section_path TEXT,            -- its heading path, " › "-joined
    section_source TEXT,
    section_line INTEGER,
    section_score REAL
);
CREATE INDEX IF NOT EXISTS asked_time ON asked (time);
CREATE TABLE IF NOT EXISTS digests (
    channel TEXT NOT NULL,
    time REAL NOT NULL,
    ts TEXT                       -- the posted message
);
"""


@dataclass(frozen=True)
class Nearest:
    """The section of the notes nearest to a question."""

    section_id: str
    path: str
    source: str
    line: int
    score: float  # cosine of the question and the section's closest passage


@dataclass(frozen=True)
class Asked:
    answer_id: str
    time: float
    declined: bool
    disliked: bool
    text: str | None
    model: str
    vector: np.ndarray
    nearest: Nearest | None


class GapStore:
    def __init__(self, path: Path, keep_days: float, *, keep_text: bool, writer: bool) -> None:
        self.path = path
        self.keep_days = keep_days
        self.keep_text = keep_text
        self._lock = threading.Lock()
        self._pruned = 0.0
        try:
            self._db = self._connect(writer)
            if writer:
                self.prune()
        except (sqlite3.Error, OSError) as exc:
            raise NotesbotError(f"cannot open the questions database {path}: {exc}") from exc

    def _connect(self, writer: bool) -> sqlite3.Connection:
        if writer:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Question texts may be in it: readable by the bot's user only.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        else:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if writer:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"written by a newer notesbot (schema {version})")
            with db:
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                if not self.keep_text:
                    db.execute("UPDATE asked SET text = NULL WHERE text IS NOT NULL")
        return db

    @classmethod
    def for_reading(cls, path: Path) -> GapStore | None:
        """The database as `notesbot gaps` reads it, or None when the bot
        has not recorded anything yet."""
        if not path.exists():
            return None
        return cls(path, 0, keep_text=True, writer=False)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    # ------------------------------------------------------------------ writing

    def record(
        self,
        answer_id: str,
        *,
        declined: bool,
        disliked: bool,
        text: str,
        model: str,
        vector: np.ndarray,
        nearest: Nearest | None,
        now: float | None = None,
    ) -> None:
        """Add a question, or mark one already kept (a declined answer that
        then got a 👎 is still one question)."""
        now = time.time() if now is None else now
        n = nearest
        with self._writing() as db:
            db.execute(
                """INSERT INTO asked VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (answer_id) DO UPDATE SET
                       declined = max(declined, excluded.declined),
                       disliked = max(disliked, excluded.disliked)""",
                (
                    answer_id,
                    now,
                    int(declined),
                    int(disliked),
                    text if self.keep_text else None,
                    model,
                    np.asarray(vector, dtype=np.float16).tobytes(),
                    n.section_id if n else None,
                    n.path if n else None,
                    n.source if n else None,
                    n.line if n else None,
                    n.score if n else None,
                ),
            )
        if now - self._pruned >= PRUNE_EVERY_S:
            self.prune(now)

    def prune(self, now: float | None = None) -> int:
        """Delete what is older than the retention; returns how many rows."""
        now = time.time() if now is None else now
        cutoff = now - self.keep_days * DAY_S
        with self._writing() as db:
            gone = db.execute("DELETE FROM asked WHERE time < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM digests WHERE time < ?", (cutoff,))
        self._pruned = now
        return gone

    def digest_posted(self, channel: str, ts: str | None, now: float | None = None) -> None:
        with self._writing() as db:
            db.execute(
                "INSERT INTO digests VALUES (?, ?, ?)",
                (channel, time.time() if now is None else now, ts),
            )

    # ------------------------------------------------------------------ reading

    def asked(self, since: float) -> list[Asked]:
        """The questions kept since `since` (unix seconds), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM asked WHERE time >= ? ORDER BY time, answer_id", (since,)
            ).fetchall()
        return [_asked(row) for row in rows]

    def last_digest(self, channel: str) -> float | None:
        with self._lock:
            row = self._db.execute(
                "SELECT max(time) FROM digests WHERE channel = ?", (channel,)
            ).fetchone()
        return row[0] if row else None


def _asked(row: tuple[Any, ...]) -> Asked:
    answer_id, when, declined, disliked, text, model, blob, sid, path, source, line, score = row
    vector = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    nearest = Nearest(sid, path, source, int(line), float(score)) if sid else None
    return Asked(answer_id, when, bool(declined), bool(disliked), text, model, vector, nearest)
