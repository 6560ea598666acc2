"""Reading what a user asked for, and whether a reply in a thread is for the bot."""

from __future__ import annotations

import pytest

from bot.slack.parse import Request, looks_like_question, parse_command, parse_message
from bot.slack.text import mentions_other_user, question_from_message
from index.conversation import refers_back


@pytest.mark.parametrize(
    "raw,question",
    [
        ("<@UBOT0001> what replaces service-loadbalancer?", "what replaces service-loadbalancer?"),
        ("<@UBOT0001|notesbot>   what   is\nhelm", "what is helm"),
        ("<!channel> is <@U0PEER01|ana> right?", "@channel is @ana right?"),
        ("<!here> <!subteam^S012|@sre> ping", "@here @sre ping"),
        (
            "see <https://x.test/a|the doc> and <https://x.test/b>",
            "see the doc and https://x.test/b",
        ),
        ("in <#C0123|general>?", "in #general?"),
        ("a &lt;details&gt; tag &amp; more", "a <details> tag & more"),
        ("<@UBOT0001>", ""),
    ],
)
def test_question_from_a_slack_message(raw: str, question: str) -> None:
    assert question_from_message(raw, "UBOT0001") == question


def test_mentions_of_other_people() -> None:
    assert mentions_other_user("<@U0PEER01> what about helm?", "UBOT0001")
    assert not mentions_other_user("<@UBOT0001> what about helm?", "UBOT0001")
    assert not mentions_other_user("what about <!channel>?", "UBOT0001")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", Request("help")),
        ("  help ", Request("help")),
        ("-h", Request("help")),
        ("categories", Request("categories")),
        ("CATEGORIES", Request("categories")),
        ("list net", Request("list", "net")),
        ("list Insight & Scaling", Request("list", "Insight & Scaling")),
        ("list", Request("list", "")),
        ("ask what is helm?", Request("ask", "what is helm?")),
        ("ask", Request("help")),
        ("what is helm?", Request("ask", "what is helm?")),
        ("helm", Request("ask", "helm")),  # one word can be a question
        ("categries", Request("unknown", "categries", "categories")),
        ("--version", Request("unknown", "--version")),
        ("categories of storage", Request("ask", "categories of storage")),
    ],
)
def test_parse_command(text: str, expected: Request) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text,kind",
    [
        ("", "help"),
        ("help", "help"),
        ("help me find the ingress notes", "ask"),
        ("categories?", "categories"),
        ("list net", "list"),
        ("what is helm", "ask"),
    ],
)
def test_parse_message(text: str, kind: str) -> None:
    assert parse_message(text).kind == kind


@pytest.mark.parametrize(
    "text,question",
    [
        ("and what replaces it?", True),
        ("how do I install kpt", True),
        ("Does kruise support this", True),
        ("helm 3 or 2?", True),
        ("thanks, that helps", False),
        ("+1", False),
        ("we migrated last year", False),
    ],
)
def test_looks_like_question(text: str, question: bool) -> None:
    assert looks_like_question(text) is question


@pytest.mark.parametrize(
    "text,addressed",
    [
        ("more", True),
        ("tell me more", True),
        ("and the other one", True),
        ("and for kube-router", True),
        ("how do I install it", True),
        ("thanks!", False),
        (":+1:", False),
        ("🙏", False),
        ("ok, that helps", False),
    ],
)
def test_a_follow_up_is_told_from_chat(text: str, addressed: bool) -> None:
    # The bot answers a reply in its thread when it is a question or only
    # makes sense as a follow-up; thanks and emoji are left alone.
    assert (looks_like_question(text) or refers_back(text)) is addressed
