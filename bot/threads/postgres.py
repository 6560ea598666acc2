"""The thread store in Postgres, shared by several HTTP-mode replicas."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from .store import SCHEMA, Store, StoreUnavailable

CONNECT_TIMEOUT_S = 10


class PostgresStore(Store):
    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        import psycopg

        self._psycopg = psycopg
        self._url = url
        self._conn = self._connect()
        for statement in SCHEMA:
            try:
                self._execute(statement, ())
            except StoreUnavailable:
                # Two replicas starting together: one of them created it.
                if not self._execute("SELECT to_regclass('notesbot_memory')", ())[0][0]:
                    raise

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(
                self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        except self._psycopg.Error as exc:
            # libpq's messages name the host and user, never the password.
            raise StoreUnavailable(
                f"cannot connect to NOTESBOT_DATABASE_URL: {_first_line(exc)}"
            ) from None

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        sql = sql.replace("?", "%s")
        for attempt in (1, 2):
            try:
                if self._conn.closed:
                    self._conn = self._connect()
                cur = self._conn.execute(sql, tuple(params))
                return cur.fetchall() if cur.description else []
            except self._psycopg.OperationalError as exc:
                if attempt == 2 or not self._conn.closed:
                    raise StoreUnavailable(f"thread store: {_first_line(exc)}") from None
                # The server restarted or dropped the connection: once more, anew.
            except self._psycopg.Error as exc:
                raise StoreUnavailable(f"thread store: {_first_line(exc)}") from None
        raise AssertionError("unreachable")

    def _close(self) -> None:
        self._conn.close()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
