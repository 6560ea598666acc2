"""The slash command, over HTTP: acked at once, answered on the response_url."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Bot
from .fake_slack import FakeSlack


def _run(bot: Bot, text: str, command: str = "/notes") -> dict[str, Any]:
    response = bot.sender.command(text, command=command, response_url=bot.slack.response_url())
    assert response.status == 200
    assert response.seconds < 3
    [reply] = bot.slack.wait_for("response_url")
    return reply.body


def test_categories_with_how_many_entries_each_has(bot: Bot) -> None:
    reply = _run(bot, "categories")
    assert reply["response_type"] == "ephemeral"
    text = "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")
    assert "|Application>*: 2 entries" in text  # linked to the notes
    assert "|Network>*: 3 entries" in text
    assert "|Developer>*: 1 entry\n" in text
    assert "4 categories" in text


@pytest.mark.parametrize("query", ["Network", "net", "NET", "netw"])
def test_list_a_category_by_a_partial_case_insensitive_name(bot: Bot, query: str) -> None:
    reply = _run(bot, f"list {query}")
    text = str(reply["blocks"])
    assert "Network" in text
    assert "antrea" in text
    assert "|service-loadbalancer> :warning: _deprecated_" in text
    assert "(deprecated) service-loadbalancer" not in text  # marked once, not twice
    assert "3 entries, 1 deprecated" in text
    assert "- service-loadbalancer (deprecated)" in reply["text"]


def test_list_an_unknown_category_names_the_real_ones(bot: Bot) -> None:
    reply = _run(bot, "list cooking")
    text = str(reply["blocks"])
    assert "No category matches" in text and "cooking" in text
    assert "*Storage*" in text


def test_list_without_a_category_asks_which(bot: Bot) -> None:
    reply = _run(bot, "list")
    assert "Which category?" in reply["text"]


@pytest.mark.parametrize(
    "text", ["what replaces service-loadbalancer?", "ask what replaces service-loadbalancer?"]
)
def test_a_question_is_answered_ephemerally_with_citations(bot: Bot, text: str) -> None:
    reply = _run(bot, text)
    assert reply["response_type"] == "ephemeral"
    assert "ingress controller" in reply["text"]
    raw = str(reply["blocks"])
    assert "k8s-projects/README.md:525" in raw
    # The asker sees what they asked: Slack does not echo the command.
    assert "what replaces service-loadbalancer?" in str(reply["blocks"][0])
    assert bot.engine.asked == {"what replaces service-loadbalancer?": 1}
    assert bot.slack.calls_to("chat.postMessage") == []  # nothing public


@pytest.mark.parametrize("text", ["", "help", "--help", "ask"])
def test_help(bot: Bot, text: str) -> None:
    reply = _run(bot, text)
    assert "/notes list <category>" in reply["text"]
    assert bot.engine.asked == {}


@pytest.mark.parametrize("text,suggestion", [("--version", None), ("categries", "categories")])
def test_an_unknown_sub_command_gets_usage(bot: Bot, text: str, suggestion: str | None) -> None:
    reply = _run(bot, text)
    assert "I don't know" in reply["text"]
    assert "/notes categories" in reply["text"]
    if suggestion:
        assert f"Did you mean `/notes {suggestion}`?" in reply["text"]
    assert bot.engine.asked == {}


def test_a_question_the_notes_dont_cover(bot: Bot) -> None:
    reply = _run(bot, "how do I bake sourdough?")
    assert "Not in the notes" in reply["text"]
    assert "Network" in str(reply["blocks"])


def test_the_command_name_is_configurable(
    make_bot: Callable[..., Bot], fake_slack: FakeSlack
) -> None:
    bot = make_bot(command="kb")  # a missing slash is added
    assert bot.settings.command == "/kb"
    reply = _run(bot, "categories", command="/kb")
    assert "Network" in str(reply["blocks"])
    assert "`/kb list <category>`" in str(reply["blocks"])


def test_the_ack_comes_before_the_answer(make_bot: Callable[..., Bot]) -> None:
    import threading

    from .fake_engine import FakeEngine

    searching = threading.Event()  # a search that has not finished
    bot = make_bot(FakeEngine(gate=searching))
    try:
        response = bot.sender.command(
            "what replaces service-loadbalancer?", response_url=bot.slack.response_url()
        )
        assert response.status == 200  # acked without waiting for the answer
        assert bot.slack.calls_to("response_url") == []
    finally:
        searching.set()
    [reply] = bot.slack.wait_for("response_url")
    assert "ingress" in reply.body["text"]
