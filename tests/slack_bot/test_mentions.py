"""Mentions, DMs and follow-ups, end to end over HTTP against the fake Slack."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Bot
from .fake_slack import BOT_ID, BOT_USER_ID, FakeSlack
from .slack_sender import mention, message, next_ts

UNESCAPED_SPECIAL = re.compile(r"<[!@#]")  # what would ping or link in mrkdwn


def test_a_mention_is_answered_in_the_thread_of_the_question_with_citations(bot: Bot) -> None:
    event = mention("what replaces service-loadbalancer?")
    response = bot.sender.event(event)
    assert response.status == 200

    [post] = bot.slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "CGENERAL1"
    assert post.body["thread_ts"] == event["ts"]
    assert "in favor of ingress controller" in post.text
    assert "(deprecated) service-loadbalancer" in post.text  # the fallback names the source
    raw = post.raw
    assert "k8s-projects › Network › (deprecated) service-loadbalancer" in raw
    assert "<https://notes.example.com/blob/main/k8s-projects/README.md#L525|" in raw
    assert "`k8s-projects/README.md:525`" in raw
    assert "*ingress*" in raw  # the deprecation warning names the replacement
    assert bot.engine.asked == {"what replaces service-loadbalancer?": 1}
    actions = [b for b in post.blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[-1]["elements"]] == [
        "notes_feedback_up",
        "notes_feedback_down",
    ]


def test_a_mention_inside_a_thread_is_answered_in_that_thread(bot: Bot) -> None:
    parent = next_ts()
    bot.sender.event(mention("what replaces service-loadbalancer?", thread_ts=parent))
    [post] = bot.slack.wait_for("chat.postMessage")
    assert post.body["thread_ts"] == parent


def test_a_direct_message_is_answered_in_the_dm_without_a_mention(bot: Bot) -> None:
    bot.sender.event(
        message("what replaces service-loadbalancer?", channel="DASKER1", channel_type="im")
    )
    [post] = bot.slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "DASKER1"
    assert "thread_ts" not in post.body  # a DM is answered in place, not in a thread
    assert "in favor of ingress controller" in post.text


def test_a_question_the_notes_dont_cover_gets_not_in_the_notes_and_the_categories(bot: Bot) -> None:
    bot.sender.event(mention("how do I bake sourdough bread?"))
    [post] = bot.slack.wait_for("chat.postMessage")
    assert "Not in the notes" in post.text
    raw = post.raw
    for name in ("Application", "Developer", "Network", "Storage"):
        assert name in raw
    assert "/notes list <category>" in raw.replace("&lt;", "<").replace("&gt;", ">")
    assert "README.md:" not in raw  # never a random citation
    assert "Show section" not in raw


def test_an_empty_mention_gets_the_help_text(bot: Bot) -> None:
    bot.sender.event({**mention(""), "text": f"<@{BOT_USER_ID}>"})
    [post] = bot.slack.wait_for("chat.postMessage")
    assert "/notes categories" in post.raw
    assert bot.engine.asked == {}


def test_a_mention_can_browse_a_category(bot: Bot) -> None:
    bot.sender.event(mention("list net"))
    [post] = bot.slack.wait_for("chat.postMessage")
    assert "Network" in post.raw and "antrea" in post.raw
    assert bot.engine.asked == {}


def test_special_mentions_in_the_question_and_the_notes_never_ping(bot: Bot) -> None:
    # The question holds <!channel> (Slack's encoding of @channel) and a literal
    # "<!here>" typed by the user (which Slack sends entity-encoded); the notes'
    # text holds "<!channel>" and "<@U0123ABC>".
    bot.sender.event(mention("<!channel> any announcements? &lt;!here&gt; <@U0999XYZ>"))
    bot.sender.event(mention("<!channel> where is the sourdough? &lt;!here&gt;"))
    posts = bot.slack.wait_for("chat.postMessage", 2)
    for post in posts:
        assert not UNESCAPED_SPECIAL.search(post.text), post.text
        for block in post.blocks:
            for text in _texts(block):
                assert not UNESCAPED_SPECIAL.search(text), text
    answer = next(p for p in posts if "outages" in p.text)
    assert "Use &lt;!channel&gt; only for outages &amp; ask &lt;@U0123ABC&gt; first" in answer.raw
    not_found = next(p for p in posts if "Not in the notes" in p.text)
    assert "&lt;!here&gt;" in not_found.raw  # the question is echoed, escaped


def _texts(block: object) -> list[str]:
    """Every mrkdwn/plain text string inside a block (but not URLs in links)."""
    out: list[str] = []
    if isinstance(block, dict):
        for key, value in block.items():
            if key == "text" and isinstance(value, str):
                out.append(re.sub(r"<https?://[^|>]*\|", "", value))
            else:
                out.extend(_texts(value))
    elif isinstance(block, list):
        for item in block:
            out.extend(_texts(item))
    return out


def test_a_retried_delivery_is_answered_once(bot: Bot) -> None:
    event = mention("what replaces service-loadbalancer?")
    first = bot.sender.event(event, event_id="Ev0RETRY1")
    again = bot.sender.event(event, event_id="Ev0RETRY1", retry_num=1)
    assert first.status == again.status == 200
    bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 1
    assert sum(bot.engine.asked.values()) == 1
    # Recognised as a redelivery by its event id (and counted for operators).
    assert "notesbot_duplicate_deliveries_total 1.0" in bot.metrics.render()[0].decode()


def test_a_mention_delivered_as_app_mention_and_as_message_is_answered_once(bot: Bot) -> None:
    # In a channel the bot reads (follow-ups on), one message arrives twice,
    # with two event ids. The bot already answered in this thread.
    parent = next_ts()
    bot.sender.event(mention("what replaces service-loadbalancer?", ts=parent))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    ts = next_ts()
    text = f"<@{BOT_USER_ID}> and what is the load balancer replaced by?"
    bot.sender.event(message(text, ts=ts, thread_ts=parent))
    bot.sender.event({**mention("", ts=ts, thread_ts=parent), "text": text})
    bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 2


def test_a_follow_up_in_an_answered_thread_is_answered_without_a_mention(bot: Bot) -> None:
    parent = next_ts()
    bot.sender.event(mention("what is in the announcements?", ts=parent))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    bot.sender.event(message("and what replaces the service loadbalancer?", thread_ts=parent))
    posts = bot.slack.wait_for("chat.postMessage", 2)
    assert posts[1].body["thread_ts"] == parent
    assert "ingress" in posts[1].text


def test_follow_ups_leave_chat_alone(bot: Bot) -> None:
    parent = next_ts()
    bot.sender.event(mention("what is in the announcements?", ts=parent))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    bot.sender.event(message("thanks, that helps", thread_ts=parent))  # not a question
    bot.sender.event(message(":+1:", thread_ts=parent))
    bot.sender.event(message("🙏", thread_ts=parent))
    bot.sender.event(message("<@U0PEER01> what replaces the loadbalancer?", thread_ts=parent))
    bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


def test_replies_in_threads_the_bot_did_not_answer_are_ignored(bot: Bot) -> None:
    bot.sender.event(message("what replaces the service loadbalancer?", thread_ts=next_ts()))
    bot.sender.event(message("what replaces the service loadbalancer?"))  # top-level, no mention
    bot.settle()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_follow_ups_can_be_switched_off(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(follow_ups=False)
    parent = next_ts()
    bot.sender.event(mention("what is in the announcements?", ts=parent))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    bot.sender.event(message("and what replaces the service loadbalancer?", thread_ts=parent))
    bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(
    "event",
    [
        message(
            "what replaces service-loadbalancer?",
            channel="DASKER1",
            channel_type="im",
            bot_id="B0OTHER1",
            subtype="bot_message",
        ),
        message(
            "what replaces service-loadbalancer?",
            channel="DASKER1",
            channel_type="im",
            bot_id="B0OTHER1",
        ),
        message(
            "what replaces service-loadbalancer?",
            channel="DASKER1",
            channel_type="im",
            user=BOT_USER_ID,
            bot_id=BOT_ID,
        ),
        message(
            "",
            channel="DASKER1",
            channel_type="im",
            subtype="message_changed",
            message={"text": "what replaces service-loadbalancer?", "user": "UASKER1"},
        ),
        message("", channel="DASKER1", channel_type="im", subtype="message_deleted"),
        message("", channel="DASKER1", channel_type="im", subtype="channel_join"),
    ],
    ids=["bot_message", "other-bot", "itself", "edit", "deletion", "join"],
)
def test_bots_edits_and_deletions_are_ignored(bot: Bot, event: dict[str, Any]) -> None:
    response = bot.sender.event(event)
    assert response.status == 200  # acked, so Slack does not retry
    bot.settle()
    assert bot.slack.calls_to("chat.postMessage") == []
    assert bot.engine.asked == {}


def test_a_429_from_slack_is_retried_and_the_answer_arrives(bot: Bot) -> None:
    bot.slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    bot.sender.event(mention("what replaces service-loadbalancer?"))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=15)
    assert "ingress" in post.text
    limited = [c for c in bot.slack.calls if c.method == "chat.postMessage" and c.status == 429]
    assert len(limited) == 1


def test_a_broken_index_gets_an_apology_and_the_bot_keeps_serving(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.engine.broken = True
    with caplog.at_level(logging.ERROR, logger="notesbot.slack"):
        bot.sender.event(mention("what replaces service-loadbalancer?"))
        [post] = bot.slack.wait_for("chat.postMessage")
    assert "Sorry, I couldn't search the notes" in post.text
    assert "Traceback" not in post.raw and "truncated" not in post.raw
    assert any("question failed" in r.getMessage() for r in caplog.records)

    bot.engine.broken = False
    bot.sender.event(mention("what replaces service-loadbalancer?"))
    posts = bot.slack.wait_for("chat.postMessage", 2)
    assert "ingress" in posts[1].text


def test_a_failing_slack_call_is_logged_and_the_bot_keeps_serving(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.slack.fail("chat.postMessage", "invalid_blocks", times=1)
    with caplog.at_level(logging.ERROR, logger="notesbot.slack"):
        bot.sender.event(mention("what replaces service-loadbalancer?"))
        [apology] = bot.slack.wait_for("chat.postMessage")
    assert apology.text.startswith("Sorry")
    assert any("invalid_blocks" in r.getMessage() for r in caplog.records)

    bot.sender.event(mention("what replaces service-loadbalancer?"))
    posts = bot.slack.wait_for("chat.postMessage", 2)
    assert "ingress" in posts[1].text


def test_a_long_answer_is_cut_to_slack_limits(bot: Bot) -> None:
    bot.sender.event(mention("what is huge?"))
    [post] = bot.slack.wait_for("chat.postMessage")
    assert len(post.blocks) <= 50
    for block in post.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert len(post.text) <= 3000


@pytest.mark.parametrize("mention_first", [False, True])
def test_a_dm_mention_delivered_as_message_and_app_mention_is_answered_once(
    bot: Bot, mention_first: bool
) -> None:
    ts = next_ts()
    text = f"<@{BOT_USER_ID}> what replaces service-loadbalancer?"
    events = [
        message(text, ts=ts, channel="DASKER1", channel_type="im"),
        {**mention("", ts=ts, channel="DASKER1"), "text": text},
    ]
    for event in reversed(events) if mention_first else events:
        bot.sender.event(event)
    bot.settle()
    [post] = bot.slack.calls_to("chat.postMessage")
    assert "thread_ts" not in post.body  # in place, whichever event came first
    assert sum(bot.engine.asked.values()) == 1


def test_any_failure_while_answering_gets_an_apology_not_silence(bot: Bot) -> None:
    def broken() -> None:
        raise RuntimeError("catalog gone")

    bot.engine.categories = broken  # type: ignore[method-assign,assignment]
    bot.engine.catalog = broken  # type: ignore[method-assign,assignment]
    bot.sender.event(mention("categories"))
    bot.sender.command("categories", response_url=bot.slack.response_url())
    [post] = bot.slack.wait_for("chat.postMessage")
    [reply] = bot.slack.wait_for("response_url")
    assert post.text.startswith("Sorry") and reply.body["text"].startswith("Sorry")
    assert "catalog gone" not in post.raw + reply.raw


def test_an_api_url_without_its_last_slash_still_reaches_slack(
    make_bot: Callable[..., Bot], fake_slack: FakeSlack
) -> None:
    # ".../api" + "chat.postMessage" as a URL would be ".../chat.postMessage".
    bot = make_bot(slack_api_url=fake_slack.api_url.rstrip("/"))
    bot.sender.event(mention("what replaces service-loadbalancer?"))
    [post] = bot.slack.wait_for("chat.postMessage")
    assert post.path == "/api/chat.postMessage"
