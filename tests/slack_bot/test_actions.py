"""Buttons under answers: 👍/👎 feedback and "Show section", over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import Bot
from .fake_slack import BOT_USER_ID, TEAM_ID, Call
from .slack_sender import mention, next_ts

CLICKER = "UCLICK01"


def _button(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    for block in blocks:
        candidates = [*block.get("elements", []), block.get("accessory") or {}]
        for element in candidates:
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    raise AssertionError(f"no {action_id} button in {blocks}")


def click(
    bot: Bot,
    action_id: str,
    *,
    post: Call | None = None,
    blocks: list[dict[str, Any]] | None = None,
    ephemeral: bool = False,
) -> int:
    """Send the block_actions payload Slack sends when CLICKER clicks a button
    of a message the bot posted (or of an ephemeral reply, which Slack does
    not include in the payload)."""
    blocks = blocks if blocks is not None else (post.blocks if post else [])
    block_id, element = _button(blocks, action_id)
    channel = post.body["channel"] if post else "CGENERAL1"
    ts, thread_ts = next_ts(), post.body.get("thread_ts") if post else None
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": CLICKER, "username": "clicker", "team_id": TEAM_ID},
        "api_app_id": "A0000001",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": "1.2.3",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "channel": {"id": channel, "name": "general"},
        "response_url": bot.slack.response_url("click"),
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "value": element["value"],
                "type": "button",
                "action_ts": next_ts(),
            }
        ],
    }
    if not ephemeral and post is not None:
        payload["message"] = {
            "type": "message",
            "user": BOT_USER_ID,
            "ts": ts,
            "thread_ts": thread_ts,
            "text": post.text,
            "blocks": blocks,
        }
        payload["container"]["thread_ts"] = thread_ts
    response = bot.sender.action(payload)
    assert response.seconds < 3
    return response.status


def _answer(bot: Bot, question: str = "what replaces service-loadbalancer?") -> Call:
    bot.sender.event(mention(question))
    [post] = bot.slack.wait_for("chat.postMessage")
    bot.settle()
    return post


def test_a_thumbs_up_is_recorded_and_the_message_thanks_the_user(bot: Bot) -> None:
    post = _answer(bot)
    assert click(bot, "notes_feedback_up", post=post) == 200

    [update] = bot.slack.wait_for("chat.update")
    assert update.body["channel"] == post.body["channel"]
    assert f"Thanks for the feedback, <@{CLICKER}>!" in update.raw
    assert not any(b["type"] == "actions" for b in update.blocks)  # no second vote
    assert "ingress controller" in update.raw  # the answer itself stays
    bot.settle()

    [record] = [json.loads(line) for line in bot.feedback_file.read_text().splitlines()]
    assert record["vote"] == "up"
    assert record["user"] == CLICKER
    assert record["question"] == "what replaces service-loadbalancer?"
    assert "ingress controller" in record["answer"]
    assert record["found"] is True
    assert [c["title"] for c in record["citations"]] == [
        "(deprecated) service-loadbalancer",
        "ingress",
    ]
    assert record["citations"][0]["line"] == 525
    assert record["index_version"] == "v-test-1"
    assert 'notesbot_feedback_total{vote="up"} 1.0' in bot.metrics.render()[0].decode()


def test_a_thumbs_down_on_not_in_the_notes_records_what_the_notes_miss(bot: Bot) -> None:
    post = _answer(bot, "how do I rotate the sourdough starter?")
    click(bot, "notes_feedback_down", post=post)
    [update] = bot.slack.wait_for("chat.update")
    assert "so the team can see what the notes miss" in update.raw
    bot.settle()
    [record] = [json.loads(line) for line in bot.feedback_file.read_text().splitlines()]
    assert record["vote"] == "down"
    assert record["found"] is False
    assert record["question"] == "how do I rotate the sourdough starter?"
    assert record["citations"] == []


def test_feedback_on_an_ephemeral_answer_replaces_it_through_the_response_url(bot: Bot) -> None:
    bot.sender.command("what replaces service-loadbalancer?", response_url=bot.slack.response_url())
    [reply] = bot.slack.wait_for("response_url")
    bot.settle()
    click(bot, "notes_feedback_up", blocks=reply.body["blocks"], ephemeral=True)
    calls = bot.slack.wait_for("response_url", 2)
    assert calls[1].path.endswith("/click")
    assert calls[1].body["replace_original"] is True
    assert "Thanks for the feedback" in calls[1].raw
    assert "ingress controller" in calls[1].raw
    bot.settle()
    assert len(bot.feedback_file.read_text().splitlines()) == 1


def test_feedback_after_a_restart_still_records_the_question_and_its_sources(
    bot: Bot, make_bot: Callable[..., Bot]
) -> None:
    post = _answer(bot)
    bot.stop()
    restarted = make_bot()  # a new process, on the same thread store
    click(restarted, "notes_feedback_down", post=post)
    restarted.settle()
    [record] = [json.loads(line) for line in bot.feedback_file.read_text().splitlines()]
    assert record["vote"] == "down"
    assert record["question"] == "what replaces service-loadbalancer?"
    assert record["citations"][0]["line"] == 525


def test_feedback_on_an_answer_the_bot_no_longer_keeps_records_what_the_message_shows(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    bot = make_bot()
    post = _answer(bot)
    other = make_bot(thread_db=tmp_path / "another.sqlite3")  # it never saw this answer
    click(other, "notes_feedback_down", post=post)
    other.settle()
    [record] = [json.loads(line) for line in bot.feedback_file.read_text().splitlines()]
    assert record["vote"] == "down"
    assert "ingress controller" in record["answer"]  # from the clicked message
    assert record["question"] is None  # the button carries only an id
    assert record["citations"] is None


def test_show_section_posts_the_full_section_only_to_the_clicker(bot: Bot) -> None:
    post = _answer(bot, "any announcements?")
    click(bot, "notes_show_section_0", post=post)
    [shown] = bot.slack.wait_for("chat.postEphemeral")
    assert shown.body["user"] == CLICKER
    assert shown.body["channel"] == post.body["channel"]
    assert shown.body["thread_ts"] == post.body["thread_ts"]
    raw = shown.raw
    assert "k8s-projects › Developer › announcements" in raw
    assert "&lt;!channel&gt;" in raw and "<!channel>" not in raw
    assert "kubectl get pods | grep &lt;name&gt;" in raw  # the code block, escaped
    assert "```" in raw
    assert bot.slack.calls_to("chat.postMessage") == [post]  # nothing public


def test_show_section_of_a_huge_section_is_cut_to_slack_limits(bot: Bot) -> None:
    post = _answer(bot, "what is huge?")
    click(bot, "notes_show_section_0", post=post)
    [shown] = bot.slack.wait_for("chat.postEphemeral")
    assert len(shown.blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in shown.blocks if b["type"] == "section")
    assert "cut to fit" in shown.raw


def test_show_section_of_a_section_gone_from_the_notes(bot: Bot) -> None:
    post = _answer(bot)
    bot.engine.sections = ()  # re-indexed without it
    click(bot, "notes_show_section_0", post=post)
    [shown] = bot.slack.wait_for("chat.postEphemeral")
    assert "no longer in the notes" in shown.text


def test_a_question_full_of_control_characters_still_gets_working_feedback_buttons(
    bot: Bot,
) -> None:
    """Each control character is six in JSON (\\u0001): a question carried in
    the button would pass Slack's 2,000-character limit and be cut mid-JSON,
    and the click would be lost. The button carries a short id instead."""
    question = "\x01" * 450 + " what replaces service-loadbalancer?"
    post = _answer(bot, question)
    _, up = _button(post.blocks, "notes_feedback_up")
    _, down = _button(post.blocks, "notes_feedback_down")
    for element in (up, down):
        assert len(element["value"]) <= 64
        assert set(json.loads(element["value"])) == {"a", "v"}

    assert click(bot, "notes_feedback_up", post=post) == 200
    bot.slack.wait_for("chat.update")
    bot.settle()
    [record] = [json.loads(line) for line in bot.feedback_file.read_text().splitlines()]
    assert record["vote"] == "up"
    [asked] = list(bot.engine.asked)
    assert record["question"] == asked  # kept by the bot, not carried by the button
    assert asked.count("\x01") == 450
