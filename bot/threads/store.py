"""The bot's memory that outlives it: one small interface, two real backends.

Rows of (kind, key) -> a JSON value and when it was written, in one table:
conversations in threads ("thread"), Slack deliveries and messages already
answered ("event", "message": claimed once, so a retried delivery or a
second replica does not answer again), and answers shown, for feedback
("answer"). Every read takes a maximum age, and `prune` deletes what is
older and keeps at most so many rows of a kind: the store stays bounded.

SQLite (sqlite.py) is the default: one file on the bot's volume, for one bot
process. Several HTTP replicas behind a load balancer share Postgres
(postgres.py): SQLite must not be shared over a network volume. Both speak
the SQL below, which both dialects accept (upserts with RETURNING).
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from index.domain import NotesbotError

TABLE = "notesbot_memory"

SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " updated DOUBLE PRECISION NOT NULL, PRIMARY KEY (kind, key))",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_age ON {TABLE} (kind, updated)",
)
_GET = f"SELECT value FROM {TABLE} WHERE kind = ? AND key = ? AND updated >= ?"
_PUT = (
    f"INSERT INTO {TABLE} (kind, key, value, updated) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, updated = excluded.updated"
)
# Inserted, or taken over from an expired claim: a row comes back. Claimed
# and current: nothing does. One statement, so two replicas can't both win.
_CLAIM = (
    f"INSERT INTO {TABLE} (kind, key, value, updated) VALUES (?, ?, 'true', ?)"
    " ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, updated = excluded.updated"
    f" WHERE {TABLE}.updated < ? RETURNING key"
)
_EXPIRE = f"DELETE FROM {TABLE} WHERE kind = ? AND updated < ?"
_TRIM = (
    f"DELETE FROM {TABLE} WHERE kind = ? AND updated <= ("
    f"SELECT updated FROM {TABLE} WHERE kind = ? ORDER BY updated DESC LIMIT 1 OFFSET ?)"
)


class StoreUnavailable(NotesbotError):
    """The thread store can't be opened or used (a bad path or URL, a
    database that is down); str() is the one line to show."""


class Store(ABC):
    """kind/key -> JSON value, with ages. Thread-safe: one connection, one
    statement at a time (each is a millisecond; answering takes more)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ the interface

    def get(self, kind: str, key: str, max_age_s: float) -> Any | None:
        rows = self._run(_GET, (kind, key, self.clock() - max_age_s))
        return json.loads(rows[0][0]) if rows else None

    def put(self, kind: str, key: str, value: Any) -> None:
        self._run(_PUT, (kind, key, json.dumps(value, ensure_ascii=False), self.clock()))

    def claim(self, kind: str, key: str, max_age_s: float) -> bool:
        """True for the first caller only (in any process sharing the store),
        until the claim is older than `max_age_s`."""
        now = self.clock()
        return bool(self._run(_CLAIM, (kind, key, now, now - max_age_s)))

    def prune(self, max_age_s: Mapping[str, float], max_rows: Mapping[str, int]) -> None:
        """Forget rows older than their kind's age, and all but the newest
        `max_rows` of a kind."""
        now = self.clock()
        for kind, age in max_age_s.items():
            self._run(_EXPIRE, (kind, now - age))
        for kind, rows in max_rows.items():
            self._run(_TRIM, (kind, kind, rows))
        self._compact()

    def close(self) -> None:
        with self._lock:
            self._close()

    # ------------------------------------------------------------------ backends

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._execute(sql, params)

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run one statement in its own transaction; its rows, if it returns any."""

    def _compact(self) -> None:  # noqa: B027 -- optional: give freed space back
        pass

    @abstractmethod
    def _close(self) -> None: ...
