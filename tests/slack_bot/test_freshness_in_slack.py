"""Freshness in Slack: each cited section says when it was noted, and an
answer from old notes says so, with the real engine over the shipped notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.slack.blocks import answer_message
from index.domain import Answer, Citation

from .conftest import Bot
from .slack_sender import mention


def test_citations_show_when_they_were_noted_and_old_answers_say_so() -> None:
    cite = Citation("kyverno", ("notes", "kyverno"), "README.md", 604, 1.0, updated="2019-12-14")
    old = answer_message(
        Answer("q?", True, "Kyverno is a policy engine.", (cite,), stale=True), answer_id="a1"
    )
    raw = str(old.blocks)
    assert "`README.md:604` · noted December 2019" in raw
    assert ":hourglass: These notes were last updated in December 2019" in raw
    assert "last updated in December 2019" in old.text  # the notification's fallback too
    fresh = answer_message(
        Answer("q?", True, "Kyverno is a policy engine.", (cite,)), answer_id="a2"
    )
    assert "noted December 2019" in str(fresh.blocks) and "hourglass" not in str(fresh.blocks)


@pytest.mark.model
def test_an_answer_from_2019_notes_is_flagged_in_its_thread(
    make_bot: Callable[..., Bot], engine: Any
) -> None:
    bot = make_bot(engine)
    bot.sender.event(mention("what is kyverno?"))
    [post] = bot.slack.wait_for("chat.postMessage", timeout=30)
    assert "noted December 2019" in post.raw
    assert "These notes were last updated in December 2019" in post.raw
