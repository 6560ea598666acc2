"""The bot in HTTP mode on a real waitress server (port 0), talking to a
fake Slack Web API on another real port, with requests signed as Slack does."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.app import SLACK_TIMEOUT_S, build_app, make_client
from bot.slack.memory import Memory
from bot.slack.server import Routes, RunningServer, start_in_thread
from bot.threads import open_store

from .fake_engine import FakeEngine
from .fake_slack import BOT_TOKEN, FakeSlack
from .slack_sender import SlackSender

SIGNING_SECRET = "test-signing-secret-8f2c"


class TrackingExecutor(ThreadPoolExecutor):
    """A thread pool that can tell when all the work given to it is done, so
    a test can assert that nothing was posted without sleeping and hoping."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers, thread_name_prefix="test-answer")
        self._pending = 0
        self._cond = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._cond:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future[Any]) -> None:
        with self._cond:
            self._pending -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 15.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending == 0, timeout):
                raise AssertionError(f"{self._pending} task(s) still running after {timeout}s")


@dataclass
class Bot:
    settings: Settings
    engine: FakeEngine
    slack: FakeSlack
    server: RunningServer
    sender: SlackSender
    metrics: Metrics
    executor: TrackingExecutor
    memory: Memory
    stopped: bool = False

    @property
    def feedback_file(self) -> Path:
        return Path(self.settings.feedback_file)

    def settle(self) -> None:
        """Wait until every answer the bot started is done."""
        self.executor.wait_idle()

    def stop(self) -> None:
        """Shut the bot down as `notesbot serve` does (a restart is a new bot
        on the same thread store)."""
        self.server.stop()
        self.executor.shutdown(wait=True)
        self.memory.close()
        self.stopped = True


@pytest.fixture(autouse=True)
def _keep_log_levels() -> Iterator[None]:
    """`serve()` sets the bot's log level for the process: undo it after
    each test, so that other tests' log assertions are not affected."""
    loggers = [logging.getLogger(name) for name in ("notesbot", "notesbot.slack")]
    levels = [lg.level for lg in loggers]
    yield
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    yield slack
    slack.stop()


@pytest.fixture
def make_settings(tmp_path: Path, fake_slack: FakeSlack) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_app_token": None,
            "slack_api_url": fake_slack.api_url,
            "feedback_file": tmp_path / "feedback.jsonl",
            "host": "127.0.0.1",
            "port": 0,
            "threads": 4,
            "follow_ups": True,
            "log_questions": False,
            "thread_db": tmp_path / "threads.sqlite3",
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def make_bot(
    make_settings: Callable[..., Settings], fake_slack: FakeSlack
) -> Iterator[Callable[..., Bot]]:
    started: list[Bot] = []

    def make(engine: Any = None, slack_timeout_s: float = SLACK_TIMEOUT_S, **overrides: Any) -> Bot:
        settings = make_settings(**overrides)
        engine = engine or FakeEngine()
        metrics = Metrics()
        metrics.track_index(engine)
        executor = TrackingExecutor(settings.threads)
        client = make_client(settings, metrics, timeout=slack_timeout_s)
        memory = Memory(open_store(settings), settings.thread_days, metrics)
        app = build_app(
            settings, engine, metrics=metrics, executor=executor, client=client, memory=memory
        )
        routes = Routes(app, metrics, engine, signing_secret=SIGNING_SECRET)
        server = start_in_thread(routes, port=0, threads=settings.threads)
        sender = SlackSender(server.host, server.port, SIGNING_SECRET)
        bot = Bot(settings, engine, fake_slack, server, sender, metrics, executor, memory)
        started.append(bot)
        return bot

    yield make
    for bot in started:
        if not bot.stopped:
            bot.stop()


@pytest.fixture
def bot(make_bot: Callable[..., Bot]) -> Bot:
    return make_bot()
