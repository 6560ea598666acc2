"""A local fake of Slack's Socket Mode side, on a real WebSocket port.

As slack-sdk's own tests do it: the fake Web API's `apps.connections.open`
hands out this server's address; each connection gets Slack's `hello`, then
whatever envelopes the test sends; the client's acks are recorded. As Slack
does, an envelope not acked in time is delivered again (on the newest open
connection, with `retry_attempt` counted up). It can ask the client to
reconnect (the `disconnect` message Slack sends before it retires a
connection) or drop the connection without a word, as a network failure
would.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from .slack_sender import event_callback

ACK_WAIT_S = 2.0  # Slack's own wait is a few seconds
HELLO = {
    "type": "hello",
    "num_connections": 1,
    "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
    "connection_info": {"app_id": "A0000001"},
}


class FakeSocketMode:
    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []  # every one ever made
        self.open: list[ServerConnection] = []
        self.acks: dict[str, dict[str, Any]] = {}  # envelope id -> the client's ack
        self._cond = threading.Condition()
        self._server = serve(self._session, "127.0.0.1", 0)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def start(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    # ------------------------------------------------------------------ the server

    def _session(self, connection: ServerConnection) -> None:
        with self._cond:
            self.connections.append(connection)
            self.open.append(connection)
            self._cond.notify_all()
        try:
            connection.send(json.dumps(HELLO))
            for raw in connection:
                message = json.loads(raw)
                if isinstance(message, dict) and "envelope_id" in message:
                    with self._cond:
                        self.acks[message["envelope_id"]] = message
                        self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                self.open.remove(connection)
                self._cond.notify_all()

    # ------------------------------------------------------------------ what a test does

    def wait_for_connections(self, count: int, timeout: float = 20.0) -> None:
        """Until `count` connections have been made, one of them still open."""
        self._wait(
            lambda: len(self.connections) >= count and bool(self.open),
            timeout,
            f"{count} connection(s)",
        )

    def deliver(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_attempt: int = 0,
        timeout: float = 15.0,
    ) -> dict[str, Any]:
        """An Events API envelope on the newest open connection, again until
        it is acked; the ack."""
        payload = event_callback(event, event_id)
        deadline = time.monotonic() + timeout
        while True:
            envelope_id = str(uuid.uuid4())
            envelope = {
                "envelope_id": envelope_id,
                "payload": payload,
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
            self._wait(lambda: bool(self.open), deadline - time.monotonic(), "open connection")
            try:
                self.open[-1].send(json.dumps(envelope))
                return self.wait_for_ack(envelope_id, ACK_WAIT_S)
            except (ConnectionClosed, IndexError, AssertionError):
                if time.monotonic() > deadline:
                    raise AssertionError(f"no ack of the event after {timeout}s") from None
                retry_attempt += 1

    def wait_for_ack(self, envelope_id: str, timeout: float) -> dict[str, Any]:
        self._wait(lambda: envelope_id in self.acks, timeout, f"ack of {envelope_id}")
        return self.acks[envelope_id]

    def ask_to_reconnect(self) -> None:
        self.open[-1].send(
            json.dumps(
                {
                    "type": "disconnect",
                    "reason": "refresh_requested",
                    "debug_info": {"host": "applink-fake"},
                }
            )
        )

    def drop(self) -> None:
        """Cut the newest open connection without a close frame."""
        self.open[-1].socket.shutdown(socket.SHUT_RDWR)

    def _wait(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} after {timeout}s")
                self._cond.wait(left)
