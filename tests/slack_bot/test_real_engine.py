"""End to end with the real engine: the real model and a real index of the
shipped notes (built once per session by the shared `engine` fixture), the
bot on a real HTTP server, and the fake Slack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Bot
from .slack_sender import mention, message, next_ts
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


def test_a_need_the_engine_is_unsure_of_still_leads_to_its_section(
    make_bot: Callable[..., Bot], engine: Any
) -> None:
    # Worded as a need, without the project's name: answered from the section,
    # or declined with it among the nearest sections, one click from reading it.
    bot = make_bot(engine)
    bot.sender.event(mention("automatically add or remove nodes when the cluster runs out of room"))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=30)
    assert "Insight &amp; Scaling › cluster autoscaler" in post.raw
    bot.settle()
    rows = [b for b in post.blocks if "cluster autoscaler" in str(b.get("text"))]
    click(bot, rows[0]["accessory"]["action_id"], post=post)
    [shown] = bot.slack.wait_for("chat.postEphemeral", timeout=30)
    assert "cluster autoscaler" in shown.raw.lower()


def test_picking_one_of_the_nearest_sections_in_the_thread_answers_from_it(
    make_bot: Callable[..., Bot], engine: Any
) -> None:
    bot = make_bot(engine)
    parent = next_ts()
    bot.sender.event(
        mention("automatically add or remove nodes when the cluster runs out of room", ts=parent)
    )
    [first] = bot.slack.wait_for("chat.postMessage", timeout=30)
    assert "Insight &amp; Scaling › cluster autoscaler" in first.raw
    bot.settle()
    bot.sender.event(message("the first one", thread_ts=parent))
    [_, post] = bot.slack.wait_for("chat.postMessage", 2, timeout=30)
    assert post.body["thread_ts"] == parent
    assert "adjusts the size of a Kubernetes cluster" in post.raw  # the section's own words
    assert "cluster autoscaler" in post.raw and "Not in the notes" not in post.raw


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


def test_the_real_engine_follows_a_thread_through_a_restart(
    make_bot: Callable[..., Bot], tree_engine: Any
) -> None:
    # The shipped notes plus the keda and velero notes they link to.
    bot = make_bot(tree_engine)
    parent = next_ts()
    bot.sender.event(mention("what is keda?", ts=parent))
    bot.slack.wait_for("chat.postMessage", timeout=30)
    bot.settle()
    bot.sender.event(message("show me the install command", thread_ts=parent))
    [_, post] = bot.slack.wait_for("chat.postMessage", 2, timeout=30)
    assert "helm install keda kedacore/keda" in post.raw
    assert "keda › Installation" in post.raw
    assert "From keda › Installation, continuing from your question about keda" in post.raw
    bot.stop()

    restarted = make_bot(tree_engine)
    restarted.sender.event(message("and for velero?", thread_ts=parent))
    [*_, post] = restarted.slack.wait_for("chat.postMessage", 3, timeout=30)
    assert post.body["thread_ts"] == parent
    assert "velero install" in post.raw and "velero › Installation" in post.raw
    assert "continuing from your question about keda" in post.raw
