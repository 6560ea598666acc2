"""End to end with the real engine: the real model and a real index of the
shipped notes (built once per session by the shared `engine` fixture), the
bot on a real HTTP server, and the fake Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Bot
from .slack_sender import mention, next_ts
from .test_actions import click

pytestmark = pytest.mark.model


def test_the_real_engine_answers_a_mention_in_its_thread_citing_the_notes(
    make_bot: Callable[..., Bot], engine: Any
) -> None:
    bot = make_bot(engine)
    question = mention("what replaces service-loadbalancer?", ts=next_ts())
    assert bot.sender.event(question).status == 200
    [post] = bot.slack.wait_for("chat.postMessage", timeout=30)
    assert post.body["thread_ts"] == question["ts"]
    assert "ingress" in post.text.lower()
    assert "k8s-projects › Network › (deprecated) service-loadbalancer" in post.raw
    assert "README.md:525" in post.raw

    bot.settle()
    click(bot, "notes_show_section_0", post=post)
    [shown] = bot.slack.wait_for("chat.postEphemeral", timeout=30)
    assert "reload haproxy's configuration" in shown.raw  # the whole section, from the index


def test_the_real_engine_says_not_in_the_notes_and_lists_real_categories(
    make_bot: Callable[..., Bot], engine: Any
) -> None:
    bot = make_bot(engine)
    bot.sender.event(mention("how do I bake sourdough bread?"))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=30)
    assert "Not in the notes" in post.text
    assert "*Network*" in post.raw and "*Security*" in post.raw
    assert "Show section" not in post.raw


def test_the_real_catalog_lists_a_category_by_a_partial_name(
    make_bot: Callable[..., Bot], engine: Any
) -> None:
    bot = make_bot(engine)
    bot.sender.command("list net", response_url=bot.slack.response_url())
    [reply] = bot.slack.wait_for("response_url", timeout=30)
    text = str(reply.body["blocks"])
    assert "Network" in text
    assert "service-loadbalancer :warning: _deprecated_" in text
    assert "metallb" in text
