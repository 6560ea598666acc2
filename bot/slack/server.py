"""The HTTP side: a small WSGI router in front of Bolt, served by waitress
(a production WSGI server with a thread pool; Bolt's `app.start()` is for
development only).

    POST /slack/events   events, slash commands and button clicks (Bolt)
    GET  /healthz        liveness, with the index being served
    GET  /metrics        Prometheus metrics
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress import create_server
from waitress.wasyncore import close_all

from bot.metrics import Metrics

from .notes import NotesEngine

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("notesbot.http")

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1 << 20  # Slack's payloads are a few kB


class Routes:
    """The WSGI app. Without a Bolt app (Socket Mode) it serves only
    `/healthz` and `/metrics`."""

    def __init__(self, app: App | None, metrics: Metrics, engine: NotesEngine) -> None:
        self.slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None
        self.metrics = metrics
        self.engine = engine

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and self.slack is not None:
            stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
            if stamp is not None and not stamp.strip().isdigit():
                # Bolt's verification would fail with a 500 on a malformed stamp.
                return self._send(start_response, "401 Unauthorized", "text/plain", b"")
            return self.slack(environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self._send(start_response, "200 OK", "application/json", self.health())
        if path == "/metrics" and method in ("GET", "HEAD"):
            body, content_type = self.metrics.render()
            return self._send(start_response, "200 OK", content_type, body)
        return self._send(start_response, "404 Not Found", "text/plain", b"Not Found\n")

    def health(self) -> bytes:
        error = self.engine.last_reload_error
        status: dict[str, Any] = {
            # Still serving the last good index when a re-index is broken.
            "status": "degraded" if error else "ok",
            "index_version": self.engine.version,
            "index_age_seconds": round(max(0.0, time.time() - self.engine.built_at), 1),
        }
        if error:
            status["reload_error"] = error
        return json.dumps(status).encode()

    @staticmethod
    def _send(
        start_response: StartResponse, status: str, content_type: str, body: bytes
    ) -> list[bytes]:
        start_response(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        )
        return [body]


@dataclass
class RunningServer:
    host: str
    port: int
    stop: Callable[[], None]
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def start_in_thread(
    wsgi: Callable[..., Iterable[bytes]],
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 8,
) -> RunningServer:
    """Serve `wsgi` with waitress on a background thread; port 0 picks a
    free port (tests). `stop()` closes the listening socket and the open
    connections and waits for the request threads."""
    server: Any = create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        ident="notesbot",
        max_request_body_size=MAX_BODY_BYTES,
        # A burst of Slack deliveries opens many connections at once.
        connection_limit=max(100, threads * 32),
        backlog=1024,
        expose_tracebacks=False,
    )
    thread = threading.Thread(target=server.run, name="notesbot-http", daemon=True)
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        # First let the request threads finish what they are doing (they wake
        # the loop through its trigger when done, so it must still be open)...
        server.task_dispatcher.shutdown(cancel_pending=False, timeout=10)
        # ...then close every socket on the server's own loop thread; an empty
        # socket map ends the loop.
        server.trigger.pull_trigger(lambda: close_all(server._map, ignore_all=True))
        thread.join(timeout=10)

    bound_host, bound_port = server.effective_host, int(server.effective_port)
    log.info("listening on http://%s:%d", bound_host, bound_port)
    return RunningServer(bound_host, bound_port, stop, thread)
