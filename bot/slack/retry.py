"""How calls to Slack's Web API are retried: a few times, and never with a
long wait on a thread that answers questions.

- A connection refused or reset: retried, twice.
- 500 or 503 from Slack: retried twice, after about a second.
- 429 (rate limited): retried after Slack's `Retry-After` (whole seconds, a
  fraction or an HTTP date), up to twice, but only when that wait is at most
  `RETRY_AFTER_CAP_S` and fewer than half of the answer threads are already
  waiting; otherwise the call gives up at once, so that the other questions
  keep being answered. The caller logs and counts the failure.
- A timeout while waiting for Slack's answer is not retried: Slack may have
  posted the message, and a second try would post it twice.
"""

from __future__ import annotations

import logging
import threading
import time
from email.utils import parsedate_to_datetime
from typing import Any

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.metrics import Metrics

log = logging.getLogger("notesbot.slack")

RETRIES = 2
RETRY_AFTER_CAP_S = 10.0
RETRY_AFTER_DEFAULT_S = 1.0  # no usable Retry-After: Slack's limits are per second


def retry_after_seconds(headers: dict[str, Any], now: float | None = None) -> float:
    """Slack's `Retry-After`, in seconds: an integer (what Slack sends), a
    fraction, or an HTTP date; RETRY_AFTER_DEFAULT_S when absent or unreadable."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return RETRY_AFTER_DEFAULT_S
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return RETRY_AFTER_DEFAULT_S
        seconds = when - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return RETRY_AFTER_DEFAULT_S
    return max(0.0, seconds)


class _Shared:
    """Bolt deep-copies each request, with its WebClient and so the client's
    handlers, for lazy listeners: the copies must share the one set of
    waiting slots (and metrics), so a handler copies as itself."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self


class CappedRateLimitRetryHandler(_Shared, RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, without its int() of Retry-After (which
    raised on "1.5" and on dates) and with a bounded wait."""

    def __init__(
        self,
        *,
        waiting_slots: int,
        metrics: Metrics | None = None,
        max_retry_count: int = RETRIES,
        cap_s: float = RETRY_AFTER_CAP_S,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.cap_s = cap_s
        self._slots = threading.BoundedSemaphore(max(1, waiting_slots))
        self._metrics = metrics

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        # Leaving state.next_attempt_requested unset gives up: the client then
        # returns the 429, which the caller sees as a SlackApiError.
        if response is None:
            return
        wait = retry_after_seconds(response.headers)
        if wait > self.cap_s or not self._slots.acquire(blocking=False):
            return
        try:
            log.info("rate limited by Slack: retrying %s in %.1fs", _method(request), wait)
            _count(self._metrics, "rate_limited")
            time.sleep(wait)
        finally:
            self._slots.release()
        state.next_attempt_requested = True
        state.increment_current_attempt()


class _Counted(_Shared, RetryHandler):
    reason = ""
    metrics: Metrics | None = None

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        _count(self.metrics, self.reason)
        super().prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )


class CountedConnectionErrorRetryHandler(_Counted, ConnectionErrorRetryHandler):
    reason = "connection"


class CountedServerErrorRetryHandler(_Counted, ServerErrorRetryHandler):
    reason = "server_error"


def retry_handlers(*, threads: int, metrics: Metrics | None = None) -> list[RetryHandler]:
    """The handlers for a WebClient whose calls run on `threads` answer threads."""
    connection = CountedConnectionErrorRetryHandler(max_retry_count=RETRIES)
    server = CountedServerErrorRetryHandler(
        max_retry_count=RETRIES,
        interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=0.25),
    )
    connection.metrics = server.metrics = metrics
    rate_limit = CappedRateLimitRetryHandler(waiting_slots=threads // 2, metrics=metrics)
    return [connection, server, rate_limit]


def _count(metrics: Metrics | None, reason: str) -> None:
    if metrics is not None:
        metrics.slack_retries.labels(reason).inc()


def _method(request: HttpRequest) -> str:
    return str(request.url).rsplit("/", 1)[-1].split("?", 1)[0]
