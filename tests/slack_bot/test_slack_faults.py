"""When Slack's Web API is slow, failing or rate-limiting: one message, the
right one; bounded retries; no answer thread held for long; every failure
logged and counted. Over real HTTP against the fake Slack."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from email.utils import formatdate

import pytest

from .conftest import Bot
from .fake_slack import Call
from .slack_sender import mention

QUESTION = "what replaces service-loadbalancer?"


def _posts(bot: Bot) -> list[Call]:
    return [c for c in bot.slack.calls if c.method == "chat.postMessage"]


def _metric(bot: Bot, line: str) -> bool:
    return line in bot.metrics.render()[0].decode()


def test_a_slow_slack_gets_the_answer_and_no_apology(
    make_bot: Callable[..., Bot], caplog: pytest.LogCaptureFixture
) -> None:
    """Slack posts the answer after the bot stopped waiting: the outcome is
    unknown to the bot, so it neither apologizes nor posts again."""
    bot = make_bot(slack_timeout_s=1)
    bot.slack.slow("chat.postMessage", seconds=2)
    with caplog.at_level(logging.ERROR, logger="notesbot"):
        bot.sender.event(mention(QUESTION))
        [post] = bot.slack.wait_for("chat.postMessage")
        bot.settle()
    assert "ingress" in post.text
    assert len(_posts(bot)) == 1  # not retried, no apology
    assert any("timeout" in r.getMessage() for r in caplog.records)
    assert _metric(bot, 'notesbot_errors_total{kind="slack"} 1.0')


def test_a_transient_server_error_is_retried_and_the_answer_arrives(bot: Bot) -> None:
    bot.slack.server_error("chat.postMessage", status=500, times=1)
    bot.sender.event(mention(QUESTION))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=15)
    bot.settle()
    assert "ingress" in post.text
    assert [c.status for c in _posts(bot)] == [500, 200]  # one retry, no apology
    assert _metric(bot, 'notesbot_slack_retries_total{reason="server_error"} 1.0')
    assert not _metric(bot, "notesbot_errors_total{")


def test_slack_down_is_retried_a_bounded_number_of_times_then_logged(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.slack.server_error("chat.postMessage", status=503, times=100)
    with caplog.at_level(logging.ERROR, logger="notesbot"):
        bot.sender.event(mention(QUESTION))
        bot.settle()
    assert [c.status for c in _posts(bot)] == [503, 503, 503]  # twice retried; no apology
    assert any("http_503" in r.getMessage() for r in caplog.records)
    assert _metric(bot, 'notesbot_errors_total{kind="slack"} 1.0')


@pytest.mark.parametrize(
    "retry_after",
    ["1.5", formatdate(time.time() + 2, usegmt=True), "soon"],
    ids=["fraction", "http-date", "unreadable"],
)
def test_any_retry_after_is_understood_and_the_answer_arrives(bot: Bot, retry_after: str) -> None:
    bot.slack.rate_limit("chat.postMessage", times=1, retry_after=retry_after)
    bot.sender.event(mention(QUESTION))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=15)
    bot.settle()
    assert "ingress" in post.text
    assert [c.status for c in _posts(bot)] == [429, 200]
    assert _metric(bot, 'notesbot_slack_retries_total{reason="rate_limited"} 1.0')


def test_a_long_retry_after_is_not_waited_for_and_other_questions_keep_flowing(
    make_bot: Callable[..., Bot], caplog: pytest.LogCaptureFixture
) -> None:
    """Eight answers get `Retry-After: 40`: each gives up at once (logged,
    counted), instead of holding every answer thread for 40 s; a ninth
    question, asked once Slack recovered, is answered straight away."""
    bot = make_bot(threads=4)
    bot.slack.rate_limit("chat.postMessage", times=8, retry_after=40)
    with caplog.at_level(logging.ERROR, logger="notesbot"):
        for i in range(8):
            bot.sender.event(mention(f"{QUESTION} #{i}"))
        bot.settle()  # waits for the answers: none is left sleeping
    failures = [r for r in caplog.records if "ratelimited" in r.getMessage()]
    assert len(failures) == 8
    assert "retry_after=40s" in failures[0].getMessage()
    assert _metric(bot, 'notesbot_errors_total{kind="slack"} 8.0')
    assert [c.status for c in _posts(bot)] == [429] * 8  # no retry, no apology into the limit

    bot.sender.event(mention(f"{QUESTION} #9"))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=5)
    assert "#9" not in post.text and "ingress" in post.text


def test_at_most_half_the_answer_threads_wait_on_a_rate_limit(make_bot: Callable[..., Bot]) -> None:
    """Four answers are rate-limited for 4 s on a bot with four answer
    threads: two wait and are then posted, two give up at once, and a fifth
    question is answered while the two wait."""
    bot = make_bot(threads=4)
    bot.slack.rate_limit("chat.postMessage", times=4, retry_after=4)
    limited = [mention(f"{QUESTION} limited-{i}") for i in range(4)]
    for event in limited:
        bot.sender.event(event)
    deadline = time.monotonic() + 10
    while len(_posts(bot)) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    fifth = mention("and what replaces the load balancer?")
    bot.sender.event(fifth)
    posts = bot.slack.wait_for("chat.postMessage", 3, timeout=15)
    bot.settle()
    assert posts[0].body["thread_ts"] == fifth["ts"]  # not queued behind the waits
    waited = {p.body["thread_ts"] for p in posts[1:]}
    assert len(waited) == 2 and waited <= {e["ts"] for e in limited}
    assert len(bot.slack.calls_to("chat.postMessage")) == 3
    assert _metric(bot, 'notesbot_errors_total{kind="slack"} 2.0')
    assert _metric(bot, 'notesbot_slack_retries_total{reason="rate_limited"} 2.0')
