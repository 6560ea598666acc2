"""The thread store in one SQLite file: the default, for one bot process."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .store import SCHEMA, Store, StoreUnavailable


class SqliteStore(Store):
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: each statement is its own transaction. WAL lets a
            # reader (another tool) look while the bot writes.
            db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # takes effect on a new file
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            for statement in SCHEMA:
                db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open the thread store {path}: {exc}") from None
        self._db = db

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"thread store {self.path}: {exc}") from None

    def _compact(self) -> None:
        self._run("PRAGMA incremental_vacuum", ())

    def _close(self) -> None:
        self._db.close()
