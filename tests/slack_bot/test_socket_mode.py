"""`notesbot serve` in Socket Mode, end to end: the real `serve()` with
slack_bolt's Socket Mode handler connects to a fake Socket Mode server over a
real WebSocket, gets mentions as envelopes, acks them, answers through the
fake Web API, and reconnects when the connection goes away."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.settings import Settings
from bot.slack.serve import serve

from .fake_engine import FakeEngine
from .fake_slack import APP_TOKEN, FakeSlack
from .fake_socket_mode import FakeSocketMode
from .slack_sender import mention

QUESTION = "what replaces service-loadbalancer?"


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    fake = FakeSocketMode().start()
    fake_slack.socket_mode_url = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def serving(
    make_settings: Callable[..., Settings], socket_mode: FakeSocketMode
) -> Iterator[dict[str, Any]]:
    """`serve()` in Socket Mode on a thread: its health port and its stop."""
    ready = threading.Event()
    running: dict[str, Any] = {}

    def on_ready(server: Any, stop: Callable[[], None]) -> None:
        running.update(port=server.port, stop=stop)
        ready.set()

    settings = make_settings(slack_app_token=APP_TOKEN, slack_signing_secret=None)
    thread = threading.Thread(
        target=lambda: running.update(code=serve(settings, engine=FakeEngine(), on_ready=on_ready))
    )
    thread.start()
    assert ready.wait(20), "serve() did not start"
    yield running
    running["stop"]()
    thread.join(20)
    assert running.get("code") == 0


def _metrics(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/metrics")
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def test_a_mention_arrives_as_an_envelope_is_acked_and_answered_once(
    serving: dict[str, Any], socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    socket_mode.wait_for_connections(1)
    event = mention(QUESTION)
    ack = socket_mode.deliver(event, event_id="Ev0SOCKET1")
    assert set(ack) == {"envelope_id"}  # an ack, with nothing for Slack to show
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == event["ts"]
    assert "ingress controller" in post.text

    # Slack delivers it again (it missed the ack): acked, not answered again.
    socket_mode.deliver(event, event_id="Ev0SOCKET1", retry_attempt=1)
    socket_mode.deliver(mention("how do I bake bread?"))
    posts = fake_slack.wait_for("chat.postMessage", 2)
    assert "Not in the notes" in posts[1].text
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert "notesbot_duplicate_deliveries_total 1.0" in _metrics(serving["port"])
    [opened] = fake_slack.calls_to("apps.connections.open")  # one connection at start
    assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"


@pytest.mark.parametrize("how", ["disconnect message", "connection dropped"])
def test_after_a_disconnect_it_reconnects_and_answers_the_next_mention(
    serving: dict[str, Any], socket_mode: FakeSocketMode, fake_slack: FakeSlack, how: str
) -> None:
    socket_mode.wait_for_connections(1)
    if how == "disconnect message":
        socket_mode.ask_to_reconnect()
    else:
        socket_mode.drop()
    socket_mode.wait_for_connections(2, timeout=30)
    assert len(fake_slack.calls_to("apps.connections.open")) >= 2  # a fresh address

    event = mention(QUESTION)
    socket_mode.deliver(event)
    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == event["ts"]
    assert "ingress controller" in post.text
