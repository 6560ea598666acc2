"""`notesbot serve`: run the Slack bot until SIGTERM/SIGINT.

Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), otherwise
HTTP mode on NOTESBOT_PORT. Either way `/healthz` and `/metrics` are served
on NOTESBOT_PORT. The index is loaded once, and a rebuilt one (the cron
re-index) is picked up without a restart.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlsplit

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackClientError

from bot.metrics import Metrics
from bot.settings import Settings
from bot.threads import StoreUnavailable, open_store
from index.domain import NotesbotError

from .app import build_app, open_gaps, secret
from .memory import Memory
from .notes import NotesEngine
from .replies import slack_error
from .server import Routes, RunningServer, start_in_thread

log = logging.getLogger("notesbot.serve")

RELOAD_EVERY_S = 30.0  # besides a check before each question


def settings_problem(settings: Settings) -> str | None:
    """The first missing or wrong setting, as one line naming the variable
    (never its value). Checked before anything is loaded."""
    if not (secret(settings.slack_bot_token) or "").strip():
        return "SLACK_BOT_TOKEN is not set (the bot token, xoxb-..., from the Slack app's page)"
    api_problem = _api_url_problem(settings.slack_api_url)
    if api_problem:
        return f"NOTESBOT_SLACK_API_URL {api_problem}"
    app_token = secret(settings.slack_app_token)
    if app_token:
        if not app_token.startswith("xapp-"):
            return "SLACK_APP_TOKEN must be an app-level token (xapp-...) with connections:write"
        return None
    if not (secret(settings.slack_signing_secret) or "").strip():
        return (
            "SLACK_SIGNING_SECRET is not set or blank (needed in HTTP mode; "
            "set SLACK_APP_TOKEN instead to use Socket Mode)"
        )
    return None


def _api_url_problem(url: str) -> str | None:
    """Why `url` can't be Slack's Web API address, or None. (Never echoes
    the URL: a mistyped one might hold a secret.)"""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http(s) address such as https://slack.com/api/"
    return None


def _configure_logging(settings: Settings) -> None:
    """NOTESBOT_LOG_LEVEL for the bot's own loggers (INFO: one line per
    question), whatever the CLI set for everything else."""
    level = settings.log_level.upper()
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
            stream=sys.stderr,
        )
    logging.getLogger("notesbot").setLevel(level)


def _open_engine(settings: Settings) -> NotesEngine:
    from index.engine import Engine  # heavy (the model): only when serving for real

    return Engine.open(settings.index_config())


def serve(
    settings: Settings,
    *,
    engine: NotesEngine | None = None,
    on_ready: Callable[[RunningServer, Callable[[], None]], None] | None = None,
) -> int:
    """Run the bot; returns the exit code (0 after a clean stop, 2 for a
    missing setting, 1 when the index or Slack can't be reached at start).

    `engine` and `on_ready(server, stop)` are for tests."""
    _configure_logging(settings)
    problem = settings_problem(settings)
    if problem:
        _error(problem)
        return 2
    if engine is None:
        try:
            engine = _open_engine(settings)
        except NotesbotError as exc:
            _error(str(exc))
            return 1
        _warm_up(engine)

    metrics = Metrics()
    metrics.track_index(engine)
    stop_event = threading.Event()
    # Closed in reverse on every way out: Socket Mode, then the server, then
    # the answers in progress (they may still write to the stores), then the stores.
    with ExitStack() as cleanup:
        try:
            memory = Memory(open_store(settings), settings.thread_days, metrics)
        except StoreUnavailable as exc:
            _error(str(exc))
            return 1
        cleanup.callback(memory.close)
        gaps = open_gaps(settings, engine)
        cleanup.callback(gaps.close)
        executor = ThreadPoolExecutor(
            max_workers=settings.threads, thread_name_prefix="notesbot-answer"
        )
        cleanup.callback(executor.shutdown, wait=True)
        try:
            app = build_app(
                settings, engine, metrics=metrics, executor=executor, memory=memory, gaps=gaps
            )
        except (BoltError, SlackClientError, OSError) as exc:
            # BoltError's text holds auth.test's answer ("invalid_auth"), never the token.
            first = str(exc).splitlines()[0][:300] if isinstance(exc, BoltError) else None
            _error(f"Slack rejected SLACK_BOT_TOKEN or is unreachable: {first or slack_error(exc)}")
            return 1
        socket_mode = bool(secret(settings.slack_app_token))
        try:
            server = start_in_thread(
                Routes(
                    None if socket_mode else app,
                    metrics,
                    engine,
                    signing_secret=secret(settings.slack_signing_secret) or "",
                ),
                host=settings.host,
                port=settings.port,
                threads=settings.threads,
            )
        except OSError as exc:  # the port is taken, or the host is not ours
            _error(f"cannot listen on NOTESBOT_PORT {settings.port}: {exc}")
            return 1
        cleanup.callback(server.stop)
        cleanup.callback(stop_event.set)  # the reloader's signal, first of all
        if socket_mode:
            from .socket_mode import connect

            try:
                handler = connect(app, secret(settings.slack_app_token) or "")
            except (SlackClientError, OSError) as exc:
                _error(f"Socket Mode could not connect with SLACK_APP_TOKEN: {slack_error(exc)}")
                return 1
            cleanup.callback(handler.close)
            log.info("Socket Mode connected; health and metrics on port %d", server.port)
        else:
            log.info("HTTP mode: Slack requests on %s/slack/events", server.url)
        reloader = threading.Thread(
            target=_reload_loop, args=(engine, stop_event), name="notesbot-reload", daemon=True
        )
        reloader.start()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop_event.set())
        if on_ready is not None:
            on_ready(server, stop_event.set)
        stop_event.wait()
        log.info("stopping: finishing the answers in progress")
    return 0


def _warm_up(engine: NotesEngine) -> None:
    """One question before serving, so that the first person to ask does not
    wait for the model's first run."""
    try:
        engine.ask("warm up", top_k=1)
    except Exception:
        log.exception("warm-up question failed; serving anyway")


def _error(message: str) -> None:
    # The CLI's format for errors: one line.
    print(f"notesbot: error: {message}", file=sys.stderr)


def _reload_loop(engine: NotesEngine, stop: threading.Event) -> None:
    while not stop.wait(RELOAD_EVERY_S):
        try:
            engine.reload_if_changed()
        except Exception:
            log.exception("index reload check failed")
