"""The HTTP side: a small WSGI router in front of Bolt, served by waitress
(a production WSGI server with a thread pool; Bolt's `app.start()` is for
development only).

    POST /slack/events   events, slash commands and button clicks (Bolt)
    GET  /healthz        liveness, with the index being served
    GET  /metrics        Prometheus metrics

Requests to /slack/events are checked against Slack's signature before
anything reads their body: junk from anyone is a 401 and a counter, never
a parser's traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import resource
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

# Connections. waitress reads requests without a thread per connection, so
# idle or half-sent connections cost only a file descriptor each; what locked
# everyone out was its default cap (a few hundred) with a 2-minute idle
# timeout. A high cap (poll(), not select(), so past 1,024 descriptors) and a
# short idle timeout keep the port open under hundreds of idle connections.
# Per-client limits and header timeouts belong in the reverse proxy
# (docs/slack.md).
CONNECTION_LIMIT = 2000
IDLE_TIMEOUT_S = 20  # a connection with no complete request for this long is closed
CLEANUP_EVERY_S = 2  # how often idle connections are looked for
SPARE_FILES = 256  # descriptors kept for the index, the model and Slack calls

# Slack's timestamp: whole seconds in ASCII digits (str.isdigit() also accepts
# "²", and int() of 400 digits overflows the age check).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
MAX_AGE_S = 5 * 60  # Slack's advice: older (or as far ahead) is a replay
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~:/])/(?:[^\s/'\"]+/)*([^\s/'\";,)]+)")
REJECTIONS_LOG_EVERY_S = 60.0


class RejectionLog:
    """Counts rejected requests; logs the first of a burst and then at most
    one line a minute, so that a client sending junk cannot fill the logs."""

    def __init__(self, metrics: Metrics, every_s: float = REJECTIONS_LOG_EVERY_S) -> None:
        self._metrics = metrics
        self._every_s = every_s
        self._lock = threading.Lock()
        self._since_logged = 0
        self._logged_at: float | None = None

    def reject(self, reason: str, remote: str) -> None:
        self._metrics.rejected.labels(reason).inc()
        now = time.monotonic()
        with self._lock:
            self._since_logged += 1
            if self._logged_at is not None and now - self._logged_at < self._every_s:
                return
            count, self._since_logged, self._logged_at = self._since_logged, 0, now
        log.warning(
            "rejected %d request(s) to %s (%s; last from %s); more are counted in "
            "notesbot_rejected_requests_total",
            count,
            EVENTS_PATH,
            "not signed by Slack" if reason == "signature" else "signed, but unreadable",
            remote,
        )


class Routes:
    """The WSGI app. Without a Bolt app (Socket Mode) it serves only
    `/healthz` and `/metrics`."""

    def __init__(
        self,
        app: App | None,
        metrics: Metrics,
        engine: NotesEngine,
        *,
        signing_secret: str = "",
    ) -> None:
        self.slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None
        if app is not None and not signing_secret.strip():
            raise ValueError("a signing secret is needed to check Slack's requests")
        self._secret = signing_secret.encode()
        self.metrics = metrics
        self.engine = engine
        self.rejections = RejectionLog(metrics)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and self.slack is not None and method == "POST":
            return self._slack_request(environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self._send(start_response, "200 OK", "application/json", self.health())
        if path == "/metrics" and method in ("GET", "HEAD"):
            body, content_type = self.metrics.render()
            return self._send(start_response, "200 OK", content_type, body)
        return self._send(start_response, "404 Not Found", "text/plain", b"Not Found\n")

    def _slack_request(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Bolt, for a request signed by Slack; 401 for anything else."""
        assert self.slack is not None
        remote = str(environ.get("REMOTE_ADDR") or "?")
        try:
            length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length else b""
        stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not self._signed_by_slack(body, stamp, signature):
            self.rejections.reject("signature", remote)
            return self._send(start_response, "401 Unauthorized", "text/plain", b"")
        environ["wsgi.input"] = io.BytesIO(body)  # read once above; Bolt reads it again
        environ["CONTENT_LENGTH"] = str(len(body))
        try:
            return self.slack(environ, start_response)
        except Exception:  # Bolt's parser on a body Slack would never send
            self.rejections.reject("body", remote)
            return self._send(start_response, "400 Bad Request", "text/plain", b"")

    def _signed_by_slack(self, body: bytes, stamp: str, signature: str) -> bool:
        """Slack's scheme: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`,
        over the body's bytes (whatever they are), with a fresh timestamp."""
        if not _TIMESTAMP.fullmatch(stamp) or abs(time.time() - int(stamp)) > MAX_AGE_S:
            return False
        base = b"v0:" + stamp.encode() + b":" + body
        expected = b"v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest().encode()
        # Header values arrive as Latin-1 text: compare their bytes.
        return hmac.compare_digest(expected, signature.encode("latin-1", "replace"))

    def health(self) -> bytes:
        error = self.engine.last_reload_error
        status: dict[str, Any] = {
            # Still serving the last good index when a re-index is broken.
            "status": "degraded" if error else "ok",
            "index_version": self.engine.version,
            "index_age_seconds": round(max(0.0, time.time() - self.engine.built_at), 1),
        }
        if error:
            # The port may be public: say what failed, not where the index lives.
            status["reload_error"] = _ABSOLUTE_PATH.sub(r"\1", error)
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
    idle_timeout_s: int = IDLE_TIMEOUT_S,
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
        connection_limit=_connection_limit(CONNECTION_LIMIT),
        asyncore_use_poll=True,
        channel_timeout=idle_timeout_s,
        cleanup_interval=min(CLEANUP_EVERY_S, idle_timeout_s),
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
        try:
            server.trigger.pull_trigger(lambda: close_all(server._map, ignore_all=True))
        except OSError as exc:
            # The loop's wake-up pipe is already closed (the loop closes it when
            # poll reports it gone): close what is left from here.
            log.warning("stopping the HTTP server without its wake-up pipe: %s", exc)
            close_all(server._map, ignore_all=True)
        thread.join(timeout=10)

    bound_host, bound_port = server.effective_host, int(server.effective_port)
    log.info("listening on http://%s:%d", bound_host, bound_port)
    return RunningServer(bound_host, bound_port, stop, thread)


def _connection_limit(wanted: int) -> int:
    """`wanted`, with the open-files limit raised to allow it (up to the hard
    limit: a process may do that itself); less if the hard limit is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < need:
        soft = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    limit = wanted if soft == resource.RLIM_INFINITY else min(wanted, soft - SPARE_FILES)
    if limit < wanted:
        log.warning(
            "open-files limit %d allows only %d connections (raise `ulimit -n`)", soft, limit
        )
    return max(limit, 64)
