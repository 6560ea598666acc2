"""Requests not signed by Slack are refused; secrets and questions stay out
of the logs."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest

from .conftest import SIGNING_SECRET, Bot
from .fake_slack import BOT_TOKEN
from .slack_sender import mention, sign


def _body() -> bytes:
    return json.dumps(
        {
            "type": "event_callback",
            "event_id": "Ev0SEC1",
            "event": mention("what replaces service-loadbalancer?"),
        }
    ).encode()


@pytest.mark.parametrize(
    "how",
    [
        "wrong secret",
        "tampered body",
        "older than 5 minutes",
        "from the future",
        "unsigned",
        "garbage headers",
    ],
)
def test_a_request_not_signed_by_slack_is_rejected_and_nothing_is_posted(
    bot: Bot, how: str
) -> None:
    body = _body()
    now = int(time.time())
    headers: dict[str, str | None]
    if how == "wrong secret":
        response = bot.sender.post(
            body, "application/json", signature=sign("not-the-secret", str(now), body)
        )
    elif how == "tampered body":
        signature = sign(SIGNING_SECRET, str(now), body)
        response = bot.sender.post(
            body.replace(b"loadbalancer", b"l0adbalancer"), "application/json", signature=signature
        )
    elif how == "older than 5 minutes":
        old = now - 5 * 60 - 30
        response = bot.sender.post(
            body, "application/json", timestamp=old
        )  # correctly signed, but stale
    elif how == "from the future":
        response = bot.sender.post(body, "application/json", timestamp=now + 10 * 60)
    elif how == "unsigned":
        headers = {"X-Slack-Signature": None, "X-Slack-Request-Timestamp": None}
        response = bot.sender.post(body, "application/json", headers=headers)
    else:
        headers = {"X-Slack-Signature": "v0=zz", "X-Slack-Request-Timestamp": "soon"}
        response = bot.sender.post(body, "application/json", headers=headers)
    assert response.status == 401
    bot.settle()
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.engine.asked == {}


def test_a_signed_request_from_4_minutes_ago_is_accepted(bot: Bot) -> None:
    response = bot.sender.post(_body(), "application/json", timestamp=int(time.time()) - 4 * 60)
    assert response.status == 200
    bot.slack.wait_for("chat.postMessage")


def test_secrets_are_never_logged_even_at_debug(
    make_bot: Callable[..., Bot], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        bot = make_bot(log_level="DEBUG")
        bot.sender.event(mention("what replaces service-loadbalancer?"))
        bot.slack.wait_for("chat.postMessage")
        bot.sender.command("categories", response_url=bot.slack.response_url())
        bot.slack.wait_for("response_url")
        bot.settle()
        logged = "\n".join(r.getMessage() for r in caplog.records) + repr(bot.settings)
    assert len(caplog.records) > 10  # debug logging was on
    assert BOT_TOKEN not in logged
    assert SIGNING_SECRET not in logged
    # The token did reach Slack, in the Authorization header only.
    assert (
        bot.slack.calls_to("chat.postMessage")[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    )


def test_one_info_line_per_question_without_the_users_text(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="notesbot"):
        bot.sender.event(mention("what replaces service-loadbalancer?"))
        bot.slack.wait_for("chat.postMessage")
        bot.settle()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("question ")]
    assert len(lines) == 1
    line = lines[0]
    assert "source=mention" in line
    assert f"chars={len('what replaces service-loadbalancer?')}" in line
    assert "found=true" in line
    assert 'top="k8s-projects › Network › (deprecated) service-loadbalancer"' in line
    assert "latency_ms=" in line
    assert all("what replaces" not in r.getMessage() for r in caplog.records)


def test_the_users_text_is_logged_when_asked_to(
    make_bot: Callable[..., Bot], caplog: pytest.LogCaptureFixture
) -> None:
    bot = make_bot(log_questions=True)
    with caplog.at_level(logging.INFO, logger="notesbot"):
        bot.sender.event(mention("what replaces service-loadbalancer?"))
        bot.slack.wait_for("chat.postMessage")
        bot.settle()
    assert any(
        'text="what replaces service-loadbalancer?"' in r.getMessage() for r in caplog.records
    )
