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


# --------------------------------------------------------------------------- junk


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    "body,content_type",
    [
        (b"{bad", "application/json"),
        (b"[1]", "application/json"),
        (b"null", "application/json"),
        (b"payload=%7B", "application/x-www-form-urlencoded"),
        (b"\xff\xfe not utf-8", "application/json"),
        (_deep(200_000), "application/json"),
    ],
    ids=["broken-json", "a-list", "null", "broken-payload", "not-utf8", "200000-deep"],
)
def test_unsigned_junk_gets_401_and_one_quiet_log_line(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    """The signature is checked before the body is read as JSON or a form:
    junk from anyone is a 401, never a 500 with a traceback in the logs."""
    with caplog.at_level(logging.DEBUG):
        responses = [
            bot.sender.post(body, content_type, signature="v0=" + "0" * 64) for _ in range(5)
        ]
        bot.settle()
    assert [r.status for r in responses] == [401] * 5
    assert all(len(r.body) < 100 for r in responses)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    rejected = [r for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejected) == 1  # a burst is one line, not one per request
    metrics = bot.metrics.render()[0].decode()
    assert 'notesbot_rejected_requests_total{reason="signature"} 5.0' in metrics


@pytest.mark.parametrize(
    "stamp",
    ["9" * 400, "\xb2", "\xb9\xb2\xb3", " 12", "-1", "1e9", ""],
    ids=["400-nines", "superscript-two", "superscripts", "space", "negative", "float", "empty"],
)
def test_a_timestamp_that_is_not_plain_seconds_gets_401(
    bot: Bot, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    # Header bytes are Latin-1: b"\xb2" is "²", a digit to str.isdigit().
    body = _body()
    with caplog.at_level(logging.WARNING):
        response = bot.sender.post(
            body,
            "application/json",
            headers={"X-Slack-Request-Timestamp": stamp},
            signature=sign(SIGNING_SECRET, stamp, body),
        )
    assert response.status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    bot.settle()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_a_signed_request_with_an_unreadable_body_gets_400_not_a_traceback(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # Only Slack (or someone with the secret) can send this; still no 500.
    with caplog.at_level(logging.DEBUG):
        response = bot.sender.post(_deep(200_000), "application/json")
    assert response.status == 400
    assert not [r for r in caplog.records if r.exc_info]
