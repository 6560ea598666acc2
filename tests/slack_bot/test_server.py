"""The HTTP server (/healthz, /metrics, routing) and `serve()`."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.serve import serve
from bot.slack.server import Routes, start_in_thread

from .conftest import SIGNING_SECRET, Bot
from .fake_engine import FakeEngine
from .fake_slack import BOT_TOKEN, FakeSlack
from .slack_sender import SlackSender, mention


def get(bot_or_port: Bot | int, path: str, method: str = "GET") -> tuple[int, str, str]:
    port = bot_or_port if isinstance(bot_or_port, int) else bot_or_port.server.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type") or "", resp.read().decode()
    finally:
        conn.close()


def test_healthz_names_the_index_being_served(bot: Bot) -> None:
    status, content_type, body = get(bot, "/healthz")
    assert status == 200
    assert content_type == "application/json"
    health = json.loads(body)
    assert health["status"] == "ok"
    assert health["index_version"] == "v-test-1"
    assert 100 < health["index_age_seconds"] < 1000


def test_healthz_reports_a_broken_reindex_while_still_serving(bot: Bot) -> None:
    bot.engine.last_reload_error = "index v2 is corrupt"
    status, _, body = get(bot, "/healthz")
    assert status == 200  # still answering from the last good index
    assert json.loads(body)["status"] == "degraded"


def test_metrics_count_questions_abstentions_latency_and_the_index(bot: Bot) -> None:
    bot.sender.event(mention("what replaces service-loadbalancer?"))
    bot.sender.event(mention("how do I bake bread?"))
    bot.sender.command("what replaces service-loadbalancer?", response_url=bot.slack.response_url())
    bot.slack.wait_for("chat.postMessage", 2)
    bot.slack.wait_for("response_url")
    bot.settle()

    status, content_type, text = get(bot, "/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    assert 'notesbot_questions_total{source="mention"} 2.0' in text
    assert 'notesbot_questions_total{source="command"} 1.0' in text
    assert 'notesbot_abstentions_total{source="mention"} 1.0' in text
    assert "notesbot_answer_seconds_count 3.0" in text
    assert "notesbot_reply_seconds_count 2.0" in text
    assert 'notesbot_index_info{version="v-test-1"} 1.0' in text
    assert "notesbot_index_age_seconds" in text

    bot.engine.version = "v-test-2"  # the cron re-indexed
    _, _, text = get(bot, "/metrics")
    assert 'notesbot_index_info{version="v-test-2"} 1.0' in text


def test_each_question_checks_for_a_rebuilt_index(bot: Bot) -> None:
    bot.sender.event(mention("what replaces service-loadbalancer?"))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    assert bot.engine.reload_checks == 1


@pytest.mark.parametrize(
    "path,method", [("/", "GET"), ("/slack/events", "GET"), ("/metrics", "POST")]
)
def test_anything_else_is_404(bot: Bot, path: str, method: str) -> None:
    assert get(bot, path, method)[0] == 404


# --------------------------------------------------------------------------- serve()


@pytest.mark.parametrize(
    "overrides,variable",
    [
        ({"slack_bot_token": None}, "SLACK_BOT_TOKEN"),
        ({"slack_signing_secret": None}, "SLACK_SIGNING_SECRET"),
        ({"slack_signing_secret": " \t "}, "SLACK_SIGNING_SECRET"),
        ({"slack_bot_token": "  "}, "SLACK_BOT_TOKEN"),
        ({"slack_app_token": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        ({"slack_api_url": "slack.com/api/"}, "NOTESBOT_SLACK_API_URL"),
        ({"slack_api_url": "http://[::1"}, "NOTESBOT_SLACK_API_URL"),
        ({"slack_api_url": "http://127.0.0.1:port/api/"}, "NOTESBOT_SLACK_API_URL"),
        ({"slack_api_url": "ftp://slack.com/api/"}, "NOTESBOT_SLACK_API_URL"),
    ],
    ids=[
        "no-bot-token",
        "no-signing-secret",
        "blank-signing-secret",
        "blank-bot-token",
        "bot-token-as-app-token",
        "api-url-without-scheme",
        "api-url-unclosed-ipv6",
        "api-url-bad-port",
        "api-url-ftp",
    ],
)
def test_serve_names_a_missing_setting_in_one_line(
    make_settings: Callable[..., Settings], capsys: Any, overrides: dict[str, Any], variable: str
) -> None:
    # Were it to start anyway, it stops at once (and the test fails, not hangs).
    code = serve(make_settings(**overrides), engine=FakeEngine(), on_ready=lambda _, stop: stop())
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert variable in err
    assert "xoxb-" not in err.replace("xoxb-...", "")  # never a token's value


def test_serve_says_so_when_slack_rejects_the_token(
    make_settings: Callable[..., Settings], capsys: Any
) -> None:
    code = serve(make_settings(slack_bot_token="xoxb-revoked"), engine=FakeEngine())
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "SLACK_BOT_TOKEN" in err and "invalid_auth" in err
    assert "xoxb-revoked" not in err


def test_serve_runs_the_real_server_until_stopped(
    make_settings: Callable[..., Settings], fake_slack: FakeSlack
) -> None:
    """`serve()` itself (waitress on NOTESBOT_PORT, here port 0) answers a
    signed mention and returns 0 once stopped, after finishing its answers."""
    ready = threading.Event()
    running: dict[str, Any] = {}
    engine = FakeEngine(delay_s=0.3)

    def on_ready(server: Any, stop: Callable[[], None]) -> None:
        running.update(server=server, stop=stop)
        ready.set()

    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(serve(make_settings(), engine=engine, on_ready=on_ready))
    )
    thread.start()
    assert ready.wait(10)
    port = running["server"].port
    assert get(port, "/healthz")[0] == 200

    sender = SlackSender("127.0.0.1", port, SIGNING_SECRET)
    assert sender.event(mention("what replaces service-loadbalancer?")).status == 200
    running["stop"]()  # while the (slow) answer is in progress
    thread.join(15)
    assert result == [0]
    [post] = fake_slack.calls_to("chat.postMessage")  # the answer was finished, not dropped
    assert "ingress" in post.text
    with pytest.raises(OSError):
        get(port, "/healthz")
    # Its stores were closed, not left to the garbage collector: SQLite has
    # folded its write-ahead logs back into the databases.
    settings = make_settings()
    for db in (settings.gaps_path, settings.thread_db):
        assert db.exists() and not db.with_name(db.name + "-wal").exists()


def test_serve_in_socket_mode_says_so_when_slack_rejects_the_app_token(
    make_settings: Callable[..., Settings], fake_slack: FakeSlack, capsys: Any
) -> None:
    # The fake Slack knows only the bot token: apps.connections.open fails.
    code = serve(make_settings(slack_app_token="xapp-1-revoked"), engine=FakeEngine())
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "SLACK_APP_TOKEN" in err and "invalid_auth" in err
    assert "xapp-1-revoked" not in err
    [call] = [c for c in fake_slack.calls if c.method == "apps.connections.open"]
    assert call.headers["Authorization"] == "Bearer xapp-1-revoked"  # used, never printed


def test_slack_can_verify_the_events_url_when_the_admin_sets_it(bot: Bot) -> None:
    body = json.dumps(
        {
            "token": "legacy",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    ).encode()
    response = bot.sender.post(body, "application/json")
    assert response.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in response.body.decode()


# --------------------------------------------------------------------------- connections

IDLE_CONNECTIONS = 300  # more than waitress's default limit of a few hundred


def _half_open(port: int, count: int) -> list[socket.socket]:
    """Connections that send the start of a request and then nothing."""
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    return held


def test_acks_keep_arriving_while_hundreds_of_idle_connections_are_held(bot: Bot) -> None:
    held = _half_open(bot.server.port, IDLE_CONNECTIONS)
    try:
        # Slack gives up on an ack after 3 s: so does this client.
        response = bot.sender.event(mention("what replaces service-loadbalancer?"), timeout=3)
        assert response.status == 200
        assert get(bot, "/healthz")[0] == 200
        bot.slack.wait_for("chat.postMessage")
    finally:
        for s in held:
            s.close()


def test_an_idle_half_sent_request_is_closed_by_the_server() -> None:
    routes = Routes(None, Metrics(), FakeEngine())
    server = start_in_thread(routes, port=0, threads=2, idle_timeout_s=1)
    try:
        [held] = _half_open(server.port, 1)
        held.settimeout(10)
        assert held.recv(1024) == b""  # closed by the server, well before 10 s
        assert get(server.port, "/healthz")[0] == 200
    finally:
        server.stop()


def test_a_server_whose_wake_up_pipe_is_gone_still_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from waitress.trigger import trigger

    server = start_in_thread(Routes(None, Metrics(), FakeEngine()), port=0, threads=2)
    assert get(server.port, "/healthz")[0] == 200

    def gone(self: Any) -> None:
        raise OSError(errno.EBADF, "Bad file descriptor")

    monkeypatch.setattr(trigger, "_physical_pull", gone)
    server.stop()  # no error, and nothing left listening
    server.thread.join(timeout=10)
    assert not server.thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection((server.host, server.port), timeout=2).close()


def test_a_malformed_slack_api_url_is_one_line_and_exit_2_before_loading_anything(
    tmp_path: Path,
) -> None:
    """`notesbot serve` as run: the index it would load does not even exist,
    so a check made after loading would say so (exit 1) instead."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "NOTESBOT_SLACK_API_URL": "http//slack.com/api/",
        "NOTESBOT_INDEX": str(tmp_path / "no-index-here"),
        "NOTESBOT_PORT": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("notesbot: error: NOTESBOT_SLACK_API_URL")
    assert BOT_TOKEN not in result.stderr and SIGNING_SECRET not in result.stderr
