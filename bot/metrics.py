"""Prometheus metrics for the bot, served at `/metrics`.

Each app gets its own `CollectorRegistry` (not the process-global one) so
that tests can build several apps in one process without name clashes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Protocol

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

# Answers take tens of milliseconds on a warm CPU model; a slow Slack call or
# a cold start can take seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class IndexInfo(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def built_at(self) -> float: ...

    @property
    def last_reload_error(self) -> str | None: ...


class _IndexCollector(Collector):
    """Reads the engine at scrape time, so a reloaded index shows at once."""

    def __init__(self, engine: IndexInfo, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        info = InfoMetricFamily("notesbot_index", "The index version being served")
        info.add_metric([], {"version": str(self._engine.version)})
        yield info
        built = float(self._engine.built_at)
        yield GaugeMetricFamily(
            "notesbot_index_built_timestamp_seconds", "When the served index was built", built
        )
        yield GaugeMetricFamily(
            "notesbot_index_age_seconds",
            "Seconds since the served index was built",
            max(0.0, self._clock() - built),
        )
        yield GaugeMetricFamily(
            "notesbot_index_reload_failing",
            "1 when the last attempt to load a rebuilt index failed",
            1.0 if self._engine.last_reload_error else 0.0,
        )


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        # source: mention, dm, follow_up, command
        self.questions = Counter(
            "notesbot_questions", "Questions asked, by where they came from", ["source"], registry=r
        )
        self.abstentions = Counter(
            "notesbot_abstentions",
            "Questions answered with 'not in the notes'",
            ["source"],
            registry=r,
        )
        self.latency = Histogram(
            "notesbot_answer_seconds",
            "Time to search the notes and compose an answer",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.reply_latency = Histogram(
            "notesbot_reply_seconds",
            "Time from a question reaching the bot to its answer posted to Slack",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        # vote: up, down
        self.feedback = Counter("notesbot_feedback", "Feedback button clicks", ["vote"], registry=r)
        # kind: index (searching failed), slack (a Web API call failed)
        self.errors = Counter(
            "notesbot_errors", "Failures answered with an apology or logged", ["kind"], registry=r
        )
        # reason: rate_limited (429), server_error (500/503), connection
        self.slack_retries = Counter(
            "notesbot_slack_retries",
            "Slack Web API calls retried, by why",
            ["reason"],
            registry=r,
        )
        # reason: signature (not signed by Slack), body (signed, but unreadable)
        self.rejected = Counter(
            "notesbot_rejected_requests",
            "Requests to /slack/events refused before reaching the bot",
            ["reason"],
            registry=r,
        )
        self.duplicates = Counter(
            "notesbot_duplicate_deliveries",
            "Event deliveries ignored because the event was already handled",
            registry=r,
        )

    def track_index(self, engine: IndexInfo) -> None:
        self.registry.register(_IndexCollector(engine))

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
