"""Browsing the catalog in Slack (`/notes categories`, `/notes list <category>`):
every page within Slack's limits, nothing silently left out, and the
Previous / Next / Up buttons and the category select round-tripping
through Slack (signed requests, the reply replacing the page via the
response_url)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from bot.slack import blocks
from index.catalog import build_catalog
from index.domain import Category, Project

from .conftest import Bot
from .fake_slack import TEAM_ID
from .slack_sender import next_ts

# ../shared beside the project (NOTESBOT_TEST_SHARED elsewhere, e.g. in a worktree)
SHARED = Path(
    os.environ.get("NOTESBOT_TEST_SHARED") or Path(__file__).resolve().parents[3] / "shared"
)
TIL = SHARED / "corpora" / "til"
NAME = re.compile(r"note-(\d{3}) on")
CLICKER = "UCLICK01"


def _big(entries: int = 300, topics: int = 130, urls: bool = False) -> Category:
    """A catalog with a category of `entries` notes and `topics` small ones."""
    base = "https://notes.example.com/blob/main"
    projects = tuple(
        Project(
            f"note-{i:03d} on <things> & more",
            f"big/note-{i:03d}.md",
            1,
            deprecated=i % 50 == 7,
            replaced_by="the new way" if i == 7 else None,
            url=f"{base}/big/note-{i:03d}.md#L1" if urls else None,
            section_id=f"sec{i:03d}",
        )
        for i in range(entries)
    )
    big = Category("big", "big", 0, projects, path=("big",))
    small = tuple(
        Category(
            f"topic-{i:03d}",
            f"t{i}",
            0,
            (Project(f"t{i}", f"t{i}/a.md", 1, section_id=f"t{i}"),),
            path=(f"topic-{i:03d}",),
        )
        for i in range(topics)
    )
    return Category("notes", "", 0, (), None, (big, *small))


def _elements(reply: blocks.Reply) -> list[dict[str, Any]]:
    out = []
    for b in reply.blocks:
        out += b.get("elements", []) if b["type"] == "actions" else []
        if b.get("accessory"):
            out.append(b["accessory"])
    return out


def assert_within_slack_limits(reply: blocks.Reply) -> None:
    assert len(reply.blocks) <= 50
    assert len(reply.text) <= 3000
    for b in reply.blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= 3000
        if b["type"] == "context":
            assert all(len(e["text"]) <= 2000 for e in b["elements"])
    ids = [e["action_id"] for e in _elements(reply)]
    assert len(ids) == len(set(ids)), ids  # unique within a message
    for e in _elements(reply):
        if e["type"] == "button":
            assert len(e["value"]) <= 2000 and len(e["text"]["text"]) <= 75
        if e["type"] == "static_select":
            assert 1 <= len(e["options"]) <= 100
            for option in e["options"]:
                assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150


def _shown(reply: blocks.Reply) -> list[int]:
    """The numbers of the big category's notes a page shows."""
    text = "\n".join(b["text"]["text"] for b in reply.blocks if b["type"] == "section")
    return [int(n) for n in NAME.findall(text)]


@pytest.mark.parametrize("urls", [False, True])
def test_a_300_entry_category_is_paged_within_slack_limits_and_nothing_is_lost(
    urls: bool,
) -> None:
    big = _big(urls=urls).categories[0]
    seen: list[int] = []
    page = 0
    while True:
        reply = blocks.catalog_page(big, "/notes", page)
        assert_within_slack_limits(reply)
        shown = _shown(reply)
        assert 0 < len(shown) <= blocks.PAGE_SIZE
        seen += shown
        ids = {e["action_id"] for e in _elements(reply)}
        assert (blocks.ACTION_CATALOG_PREV in ids) == (page > 0)
        if blocks.ACTION_CATALOG_NEXT not in ids:
            break
        page += 1
    assert seen == list(range(300))  # every note, once, in order
    assert page == 14
    assert "Page 15 of 15 · 281–300 of 300" in json.dumps(reply.blocks, ensure_ascii=False)
    raw = json.dumps(reply.blocks)
    assert "<things>" not in raw and "&lt;things&gt; &amp; more" in raw  # escaped


def test_entries_link_to_the_notes_or_offer_show_section() -> None:
    linked = blocks.catalog_page(_big(urls=True).categories[0], "/notes")
    assert "<https://notes.example.com/blob/main/big/note-000.md#L1|note-000" in str(linked.blocks)
    assert not any(e["action_id"].startswith("notes_show_section") for e in _elements(linked))

    plain = blocks.catalog_page(_big().categories[0], "/notes")
    shows = [e for e in _elements(plain) if e["action_id"].startswith("notes_show_section")]
    assert [json.loads(e["value"]) for e in shows] == [{"i": f"sec{i:03d}"} for i in range(20)]
    text = str(plain.blocks)
    assert ":warning: _deprecated_ (replaced by *the new way*)" in text  # note-007


def test_the_category_select_holds_at_most_100_around_the_page_shown() -> None:
    root = _big(topics=260)  # 261 categories: more than a select holds
    for page in (0, 6, 13):
        reply = blocks.catalog_page(root, "/notes", page)
        assert_within_slack_limits(reply)
        [select] = [e for e in _elements(reply) if e["type"] == "static_select"]
        labels = [o["text"]["text"] for o in select["options"]]
        on_page = [c.name for c in root.categories[page * 20 : page * 20 + 20]]
        assert all(any(label.startswith(n) for label in labels) for n in on_page)
    [option] = [
        o
        for e in _elements(blocks.catalog_page(root, "/notes"))
        if e["type"] == "static_select"
        for o in e["options"]
        if o["text"]["text"].startswith("big")
    ]
    assert option["text"]["text"] == "big (300)"


def test_notes_without_categories_are_listed_as_entries() -> None:
    flat = Category("notes", "", 0, _big(entries=3).categories[0].projects)
    reply = blocks.catalog_page(flat, "/notes")
    assert reply.blocks[0]["text"]["text"] == "*The notes have 3 entries:*"
    assert _shown(reply) == [0, 1, 2]


def test_a_very_long_category_name_still_fits_an_option() -> None:
    long = Category("x" * 300, "x", 0, (Project("a", "x/a.md", 1),), path=("x" * 300,))
    reply = blocks.catalog_page(Category("notes", "", 0, categories=(long,)), "/notes")
    assert_within_slack_limits(reply)


# --------------------------------------------------------------------------- over HTTP


def act(
    bot: Bot,
    reply: dict[str, Any],
    action_id: str,
    *,
    option: str | None = None,
    ephemeral: bool = True,
) -> None:
    """Click a button (or choose an option of the select) of a reply, as
    Slack sends it: a signed block_actions payload with a response_url."""
    [element] = [
        e
        for b in reply["blocks"]
        for e in [*b.get("elements", []), b.get("accessory") or {}]
        if e.get("action_id") == action_id
    ]
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": blocks.CATALOG_BLOCK_ID,
        "type": element["type"],
        "action_ts": next_ts(),
    }
    if element["type"] == "static_select":
        [chosen] = [o for o in element["options"] if o["text"]["text"].startswith(option or "")]
        action["selected_option"] = chosen
    else:
        action["value"] = element["value"]
    payload = {
        "type": "block_actions",
        "user": {"id": CLICKER, "username": "clicker", "team_id": TEAM_ID},
        "api_app_id": "A0000001",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": next_ts(), "is_ephemeral": ephemeral},
        "trigger_id": "1.2.3",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "channel": {"id": "CGENERAL1", "name": "general"},
        "response_url": bot.slack.response_url("click"),
        "actions": [action],
    }
    response = bot.sender.action(payload)
    assert response.status == 200 and response.seconds < 3


def _command(bot: Bot, text: str) -> dict[str, Any]:
    bot.sender.command(text, response_url=bot.slack.response_url())
    [reply] = bot.slack.wait_for("response_url")
    return reply.body


def _next_reply(bot: Bot, count: int) -> dict[str, Any]:
    calls = bot.slack.wait_for("response_url", count)
    return calls[count - 1].body


def _page_of(body: dict[str, Any]) -> list[int]:
    return _shown(blocks.Reply(body["text"], body["blocks"]))


def test_next_previous_and_up_replace_the_page_through_the_response_url(bot: Bot) -> None:
    bot.engine.tree = _big()
    first = _command(bot, "list big")
    assert first["response_type"] == "ephemeral"
    assert _page_of(first) == list(range(20))

    act(bot, first, blocks.ACTION_CATALOG_NEXT)
    second = _next_reply(bot, 2)
    assert second["replace_original"] is True
    assert _page_of(second) == list(range(20, 40))
    assert "Page 2 of 15" in json.dumps(second["blocks"])

    act(bot, second, blocks.ACTION_CATALOG_PREV)
    assert _page_of(_next_reply(bot, 3)) == list(range(20))

    act(bot, second, blocks.ACTION_CATALOG_UP)
    top = _next_reply(bot, 4)
    assert top["replace_original"] is True
    assert "*The notes have 131 categories*" in json.dumps(top["blocks"])
    assert bot.engine.asked == {}  # browsing never searches


def test_choosing_a_category_in_the_select_opens_it(bot: Bot) -> None:
    bot.engine.tree = _big()
    top = _command(bot, "categories")
    act(bot, top, blocks.ACTION_CATALOG_OPEN, option="topic-042")
    opened = _next_reply(bot, 2)
    assert opened["replace_original"] is True
    assert "topic-042" in opened["text"] and "t42" in json.dumps(opened["blocks"])


def test_a_page_of_a_category_gone_since_says_so(bot: Bot) -> None:
    root = _big()
    bot.engine.tree = root
    first = _command(bot, "list big")
    bot.engine.tree = Category("notes", "", 0, categories=root.categories[1:])  # "big" is gone
    act(bot, first, blocks.ACTION_CATALOG_NEXT)
    gone = _next_reply(bot, 2)
    assert "no longer in the notes" in gone["text"]
    assert gone.get("replace_original") is False  # the old page stays readable


def test_paging_a_message_posted_in_a_channel_replaces_it_too(bot: Bot) -> None:
    from .slack_sender import mention

    bot.engine.tree = _big()
    bot.sender.event(mention("list big"))
    [post] = bot.slack.wait_for("chat.postMessage")
    act(bot, post.body, blocks.ACTION_CATALOG_NEXT, ephemeral=False)
    [paged] = bot.slack.wait_for("response_url")
    assert paged.body["replace_original"] is True
    assert _page_of(paged.body) == list(range(20, 40))


@pytest.fixture(scope="module")
def til_catalog() -> Category:
    if not TIL.is_dir():
        pytest.skip("../shared/corpora/til is not on this machine")
    from index.build import parse_corpus
    from index.corpus import read_corpus

    return build_catalog(parse_corpus(read_corpus(TIL)), None, "til")


def test_list_git_on_til_pages_through_every_git_note(bot: Bot, til_catalog: Category) -> None:
    bot.engine.tree = til_catalog
    git_notes = len(list((TIL / "git").glob("*.md")))
    reply = _command(bot, "list git")
    names: list[str] = []
    for n in range(1, 20):
        assert_within_slack_limits(blocks.Reply(reply["text"], reply["blocks"]))
        names += [
            b["text"]["text"]
            for b in reply["blocks"]
            if b["type"] == "section" and b["text"]["text"].startswith("• ")
        ]
        if not any(
            e.get("action_id") == blocks.ACTION_CATALOG_NEXT
            for b in reply["blocks"]
            for e in b.get("elements", [])
        ):
            break
        act(bot, reply, blocks.ACTION_CATALOG_NEXT)
        reply = _next_reply(bot, n + 1)
    assert len(names) == len(set(names)) == git_notes
    assert "• Accessing A Lost Commit" in names
