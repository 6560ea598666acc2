"""What the handlers remember between requests, kept in the thread store
(bot/threads) so that a restarted bot, or another replica, remembers it too:
deliveries and messages already answered, the conversation in each thread
the bot answered, and the answers it showed (for their feedback buttons).

The store failing never stops an answer: it is logged and counted, and the
message is answered as if the bot remembered nothing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.metrics import Metrics
from bot.threads import Store, StoreUnavailable
from index.conversation import Thread
from index.domain import Answer

log = logging.getLogger("notesbot.slack")

CLAIM_S = 3600.0  # Slack retries a delivery for minutes, not hours
PRUNE_EVERY = 500  # writes
MAX_ROWS = {"event": 100_000, "message": 100_000, "thread": 50_000, "answer": 10_000}


@dataclass(frozen=True)
class Remembered:
    """An answer the bot showed, kept for the feedback its buttons get."""

    question: str
    found: bool
    answer: str
    deprecated: bool
    citations: list[dict[str, Any]]
    text: str  # the message's fallback text
    blocks: list[dict[str, Any]]
    index_version: str

    @classmethod
    def of(
        cls, answer: Answer, text: str, blocks: list[dict[str, Any]], version: str
    ) -> Remembered:
        citations = [c.to_json() for c in answer.citations]
        return cls(
            answer.question, answer.found, answer.text, answer.deprecated, citations, text,
            blocks, version,
        )  # fmt: skip

    def asked(self) -> Answer:
        """The question and what the notes answered, as an Answer (citations
        aside): what the record of unanswered questions keeps."""
        return Answer(self.question, self.found, self.answer, deprecated=self.deprecated)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Remembered:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ThreadRecord:
    """A thread the bot answered: its conversation, and whether the bot
    already said that a follow-up is not in the notes (it says so once)."""

    conversation: Thread = field(default_factory=Thread)
    told_not_found: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"conversation": self.conversation.to_json(), "told_not_found": self.told_not_found}

    @classmethod
    def from_json(cls, data: Any) -> ThreadRecord:
        if not isinstance(data, dict):
            return cls()
        return cls(Thread.from_json(data.get("conversation")), bool(data.get("told_not_found")))


class Memory:
    def __init__(self, store: Store, thread_days: float = 7.0, metrics: Metrics | None = None):
        self.store = store
        self.keep_s = thread_days * 86400
        self.metrics = metrics
        self._writes = 0
        self._lock = threading.Lock()
        self.prune()

    # ------------------------------------------------------------------ de-duplication

    def first_delivery(self, event_id: str) -> bool:
        """Slack delivers an event again when it thinks the first delivery
        failed: True for the first delivery of `event_id` only."""
        return self._claim("event", event_id)

    def first_answer(self, channel: str, ts: str) -> bool:
        """A mention in a channel the bot reads arrives both as `app_mention`
        and as `message`: True for whichever handler comes first."""
        return self._claim("message", f"{channel}/{ts}")

    # ------------------------------------------------------------------ threads

    def thread(self, channel: str, thread_ts: str) -> ThreadRecord | None:
        """The thread's record if the bot answered in it (None: it did not,
        more than NOTESBOT_THREAD_DAYS ago, or the store is down)."""
        data = self._get("thread", f"{channel}/{thread_ts}")
        return None if data is None else ThreadRecord.from_json(data)

    def save_thread(self, channel: str, thread_ts: str, record: ThreadRecord) -> None:
        self._put("thread", f"{channel}/{thread_ts}", record.to_json())

    # ------------------------------------------------------------------ answers

    def answer(self, answer_id: str) -> Remembered | None:
        data = self._get("answer", answer_id)
        try:
            return None if data is None else Remembered.from_json(data)
        except (KeyError, TypeError):
            return None

    def remember(self, answer_id: str, remembered: Remembered) -> None:
        self._put("answer", answer_id, remembered.to_json())

    # ------------------------------------------------------------------ upkeep

    def prune(self) -> None:
        ages = {"event": CLAIM_S, "message": CLAIM_S, "thread": self.keep_s, "answer": self.keep_s}
        try:
            self.store.prune(ages, MAX_ROWS)
        except StoreUnavailable as exc:
            self._failed("prune", exc)

    def close(self) -> None:
        self.store.close()

    def _claim(self, kind: str, key: str) -> bool:
        try:
            return self.store.claim(kind, key, CLAIM_S)
        except StoreUnavailable as exc:
            self._failed(f"claim {kind}", exc)
            return True  # better a rare second answer than none

    def _get(self, kind: str, key: str) -> Any | None:
        try:
            return self.store.get(kind, key, self.keep_s)
        except (StoreUnavailable, ValueError) as exc:
            self._failed(f"read {kind}", exc)
            return None

    def _put(self, kind: str, key: str, value: Any) -> None:
        try:
            self.store.put(kind, key, value)
        except StoreUnavailable as exc:
            self._failed(f"write {kind}", exc)
            return
        with self._lock:
            self._writes += 1
            due = self._writes % PRUNE_EVERY == 0
        if due:
            self.prune()

    def _failed(self, what: str, exc: Exception) -> None:
        if self.metrics is not None:
            self.metrics.errors.labels("store").inc()
        log.error("thread store failed: %s: %s", what, exc)
