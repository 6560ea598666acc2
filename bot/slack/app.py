"""The Bolt app: a thin factory that wires the listeners to their deps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.gaps.record import GapLog
from bot.metrics import Metrics
from bot.settings import Settings
from bot.threads import open_store

from .deps import Deps
from .feedback import FeedbackLog
from .listeners import actions, commands, events
from .memory import Memory
from .notes import NotesEngine
from .retry import retry_handlers

log = logging.getLogger("notesbot.slack")

# Seconds to wait for Slack's answer to one call. After that the call is not
# retried (Slack may have done it), so this is generous.
SLACK_TIMEOUT_S = 10.0


def secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def make_client(
    settings: Settings, metrics: Metrics | None = None, *, timeout: float = SLACK_TIMEOUT_S
) -> WebClient:
    return WebClient(
        token=secret(settings.slack_bot_token),
        # slack_sdk joins method names to it as a URL: without the last "/",
        # ".../api" + "chat.postMessage" would lose the "api".
        base_url=settings.slack_api_url.strip().rstrip("/") + "/",
        timeout=timeout,  # type: ignore[arg-type]  # urllib takes a float
        retry_handlers=retry_handlers(threads=settings.threads, metrics=metrics),
    )


def build_app(
    settings: Settings,
    engine: NotesEngine,
    *,
    metrics: Metrics | None = None,
    client: WebClient | None = None,
    executor: Executor | None = None,
    memory: Memory | None = None,
    gaps: GapLog | None = None,
) -> App:
    """The Bolt app for `engine`.

    Requests are verified (signature and timestamp) and acknowledged on the
    HTTP server's thread (`process_before_response=True` with lazy
    listeners), so an ack never waits behind answers; answers run on
    `executor`, a thread pool (never forked processes: a forked child of a
    process whose model has run hangs). Calls `auth.test` once, here, to
    check the token and learn the bot's user id. `memory` and `gaps` default
    to the stores the settings name (StoreUnavailable if the thread store
    can't be opened); whoever passes them closes them."""
    metrics = metrics or Metrics()
    deps = Deps(
        settings=settings,
        engine=engine,
        metrics=metrics,
        feedback=FeedbackLog(Path(settings.feedback_file)),
        memory=memory or Memory(open_store(settings), settings.thread_days, metrics),
        gaps=gaps or open_gaps(settings, engine),
    )
    bolt_log = logging.getLogger("notesbot.bolt")
    bolt_log.addFilter(_quiet_token_warning)
    app = App(
        # Not "notesbot": Bolt resets the level of the logger named after the
        # app on each request, which would mute our "notesbot.*" loggers.
        name="notesbot-slack",
        client=client or make_client(settings, metrics),
        signing_secret=secret(settings.slack_signing_secret) or "",
        process_before_response=True,
        listener_executor=executor
        or ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="notesbot-answer"),
        logger=bolt_log,
    )
    app.use(deduplicate_deliveries(deps))
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    return app


def open_gaps(settings: Settings, engine: NotesEngine) -> GapLog:
    """The log of questions the notes did not answer, as the settings say."""
    return GapLog.open(
        settings.gaps_path,
        settings.gaps_days,
        settings.log_questions,
        engine.closest,
        engine.model_id,
    )


def _quiet_token_warning(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment even when given a client
    # (which holds that very token), then warns that it is unused.
    return "`token` will be unused" not in record.getMessage()


def deduplicate_deliveries(deps: Deps) -> Callable[..., BoltResponse | None]:
    """Slack delivers an event again when it thinks the first delivery failed
    (`X-Slack-Retry-Num`); each event id is handled once."""

    def middleware(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not deps.memory.first_delivery(str(event_id)):
            deps.metrics.duplicates.inc()
            log.info("duplicate delivery ignored event_id=%s", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return middleware
