"""The bot's short-term memory: small, bounded, in-process, thread-safe.

Nothing here survives a restart, by design: after one, a retried delivery
may be answered a second time, a follow-up in an old thread needs a mention,
and a feedback click on an old answer records the vote and the clicked
message's text, but not the question (its button carries only an id).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from index.domain import Answer

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedMap(Generic[K, V]):
    """An LRU map with a size bound and an optional time-to-live."""

    def __init__(
        self,
        maxsize: int,
        ttl_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._maxsize = maxsize
        self._ttl = ttl_s
        self._clock = clock
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _expired(self, stamp: float, now: float) -> bool:
        return self._ttl is not None and now - stamp > self._ttl

    def get(self, key: K) -> V | None:
        now = self._clock()
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if self._expired(item[0], now):
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._put(key, value, self._clock())

    def _put(self, key: K, value: V, now: float) -> None:
        self._items[key] = (now, value)
        self._items.move_to_end(key)
        while len(self._items) > self._maxsize:
            self._items.popitem(last=False)

    def claim(self, key: K, value: V) -> bool:
        """Put `key` if it is absent (or expired); True for the first caller
        only, so that two threads handling one message answer it once."""
        now = self._clock()
        with self._lock:
            item = self._items.get(key)
            if item is not None and not self._expired(item[0], now):
                return False
            self._put(key, value, now)
            return True


@dataclass(frozen=True)
class Remembered:
    """An answer the bot showed, kept for the feedback its buttons get."""

    answer: Answer
    text: str  # the message's fallback text
    blocks: list[dict[str, Any]]
    index_version: str


class Memory:
    """What the handlers remember between requests."""

    def __init__(self, maxsize: int = 10_000) -> None:
        # Event ids already handled: Slack retries a delivery it thinks failed.
        self.events: BoundedMap[str, bool] = BoundedMap(maxsize, ttl_s=3600)
        # (channel, ts) of messages already answered: a mention in a channel the
        # bot reads arrives both as `app_mention` and as `message`.
        self.messages: BoundedMap[tuple[str, str], bool] = BoundedMap(maxsize, ttl_s=3600)
        # (channel, thread_ts) of threads the bot answered: for follow-ups.
        self.threads: BoundedMap[tuple[str, str], bool] = BoundedMap(maxsize, ttl_s=7 * 86400)
        # Recent answers by id, for feedback records and re-rendering.
        self.answers: BoundedMap[str, Remembered] = BoundedMap(2_000, ttl_s=7 * 86400)
