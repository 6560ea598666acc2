"""The bot's thread store: conversations and answered messages that survive
a restart (store.py says what it holds)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .store import Store, StoreUnavailable

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["Store", "StoreUnavailable", "open_store"]


def open_store(settings: Settings, clock: Callable[[], float] = time.time) -> Store:
    """Postgres when NOTESBOT_DATABASE_URL is set, else SQLite in NOTESBOT_THREAD_DB."""
    url = settings.database_url.get_secret_value() if settings.database_url else ""
    if url:
        from .postgres import PostgresStore

        return PostgresStore(url, clock)
    from .sqlite import SqliteStore

    return SqliteStore(settings.thread_db, clock)
