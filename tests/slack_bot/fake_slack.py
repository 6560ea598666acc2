"""A local fake of the Slack Web API, on a real HTTP port.

It records every call (method, parsed body, headers) and answers like Slack:
`auth.test`, `chat.postMessage` (with a `ts`), `chat.update`,
`chat.postEphemeral`, `apps.connections.open` (with the app token: the
address of a Socket Mode server), and `response_url` posts under
`/response/...`. It can answer 429 with `Retry-After`, fail a method, answer
it with a server error, or answer it late, a given number of times.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_TOKEN = "xoxb-fake-bot-token-0123456789"
APP_TOKEN = "xapp-1-A0000001-fake-app-token"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0000001"


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response_url" for posts to a response URL
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    ok: bool = True  # Slack's answer: 200 with "ok": true
    path: str = ""

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.body.get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @property
    def raw(self) -> str:
        """Everything the bot sent, for assertions about escaping."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass
class _Rule:
    remaining: int
    status: int
    body: dict[str, Any] | None  # None: answer as usual (after `delay_s`)
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


class FakeSlack:
    def __init__(self, token: str = BOT_TOKEN, app_token: str = APP_TOKEN) -> None:
        self.token = token
        self.app_token = app_token
        self.socket_mode_url: str | None = None  # what apps.connections.open hands out
        self.calls: list[Call] = []
        self._rules: dict[str, list[_Rule]] = {}
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                status, headers, payload = fake._handle(self.path, dict(self.headers), raw)
                data = payload.encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # ------------------------------------------------------------------ behaviour

    def rate_limit(self, method: str, times: int = 1, retry_after: int | str = 1) -> None:
        """429 with `Retry-After` as given (Slack sends whole seconds; the
        HTTP standard also allows a date)."""
        self._rule(
            method,
            _Rule(
                times, 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            ),
        )

    def fail(self, method: str, error: str, times: int = 1) -> None:
        self._rule(method, _Rule(times, 200, {"ok": False, "error": error}))

    def server_error(self, method: str, status: int = 500, times: int = 1) -> None:
        self._rule(method, _Rule(times, status, {"ok": False, "error": "fatal_error"}))

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer `method` as usual, but only after `seconds`."""
        self._rule(method, _Rule(times, 200, None, delay_s=seconds))

    def _rule(self, method: str, rule: _Rule) -> None:
        with self._cond:
            self._rules.setdefault(method, []).append(rule)

    def _handle(
        self, path: str, headers: dict[str, str], raw: str
    ) -> tuple[int, dict[str, str], str]:
        if path.startswith("/response/"):
            method, body = "response_url", json.loads(raw or "{}")
        else:
            method = path.removeprefix("/api/")
            if "json" in headers.get("Content-Type", ""):
                body = json.loads(raw or "{}")
            else:
                body = dict(parse_qsl(raw))
        rule = self._next_rule(method)
        if rule is not None and rule.delay_s:
            time.sleep(rule.delay_s)
        if rule is not None and rule.body is not None:
            status, extra, payload = rule.status, rule.headers, rule.body
        else:
            status, extra, payload = self._answer(method, headers, body)
        with self._cond:
            ok = status == 200 and bool(payload.get("ok"))
            self.calls.append(Call(method, body, headers, status, ok, path))
            self._cond.notify_all()
        return status, {"Content-Type": "application/json", **extra}, json.dumps(payload)

    def _next_rule(self, method: str) -> _Rule | None:
        with self._cond:
            for rule in self._rules.get(method, []):
                if rule.remaining > 0:
                    rule.remaining -= 1
                    return rule
        return None

    def _answer(
        self, method: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, dict[str, str], Any]:
        if method == "response_url":
            return 200, {}, {"ok": True}
        if method == "apps.connections.open":
            if headers.get("Authorization") != f"Bearer {self.app_token}":
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            return 200, {}, {"ok": True, "url": self.socket_mode_url}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return (
                200,
                {},
                {
                    "ok": True,
                    "url": "https://fake.slack.test/",
                    "team": "Fake",
                    "user": "notesbot",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                },
            )
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return 200, {}, {"ok": True, "channel": body.get("channel"), "ts": ts}
        if method == "chat.update":
            return 200, {}, {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}
        if method == "chat.postEphemeral":
            return 200, {}, {"ok": True, "message_ts": f"{int(time.time())}.{next(self._ts):06d}"}
        return 200, {}, {"ok": True}

    # ------------------------------------------------------------------ assertions

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and c.ok]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The successful calls to `method`, once there are at least `count`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                calls = [c for c in self.calls if c.method == method and c.ok]
                if len(calls) >= count:
                    return calls
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(calls)} successful {method} call(s) after {timeout}s, "
                        f"wanted {count}; calls: {[c.method for c in self.calls]}"
                    )
                self._cond.wait(left)
