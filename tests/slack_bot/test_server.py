"""The HTTP server (/healthz, /metrics, routing) and `serve()`."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from bot.settings import Settings
from bot.slack.serve import serve

from .conftest import SIGNING_SECRET, Bot
from .fake_engine import FakeEngine
from .fake_slack import FakeSlack
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
        ({"slack_app_token": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
    ],
)
def test_serve_names_a_missing_setting_in_one_line(
    make_settings: Callable[..., Settings], capsys: Any, overrides: dict[str, Any], variable: str
) -> None:
    code = serve(make_settings(**overrides), engine=FakeEngine())
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
