"""The ten scripted conversations (tests/conversation_scripts.py, written
before thread context existed), end to end with the real model, FAISS and
BM25: with the thread's context every turn gets the right note; without it,
the turns that only make sense in context do not, so the context is what
answers them."""

from __future__ import annotations

from typing import Any

import pytest
from conversation_scripts import CONVERSATIONS, Conversation, Turn

from index.conversation import Reply, Thread, converse

pytestmark = pytest.mark.model

ENGINES = {"shipped": "engine", "tree": "tree_engine", "til": "til_part_engine"}


def _right(turn: Turn, reply: Reply, shown_before: list[str]) -> bool:
    answer = reply.answer
    if not answer.found or not answer.citations:
        return False
    top = answer.citations[0]
    if top.source != turn.expect and not " › ".join(top.path).endswith(turn.expect):
        return False
    if turn.new_text:
        return not any(p.text in earlier for p in answer.parts for earlier in shown_before)
    return True


def _talk(
    request: pytest.FixtureRequest, conversation: Conversation, use_context: bool
) -> list[tuple[Turn, Reply]]:
    """The conversation's turns, each answered as the next of one thread."""
    engine: Any = request.getfixturevalue(ENGINES[conversation.collection])
    thread, out = Thread(), []
    for turn in conversation.turns:
        reply = converse(engine, thread, turn.say, 3, use_context=use_context)
        thread = reply.thread
        out.append((turn, reply))
    return out


def _scored(replies: list[tuple[Turn, Reply]]) -> list[bool]:
    """Per turn: the right note (and for "more", text not shown before)."""
    shown: list[str] = []
    out = []
    for turn, reply in replies:
        out.append(_right(turn, reply, shown))
        shown.append(reply.answer.text)
    return out


each_conversation = pytest.mark.parametrize(
    "conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS]
)


@each_conversation
def test_every_turn_gets_the_right_note_with_the_thread_context(
    conversation: Conversation, request: pytest.FixtureRequest
) -> None:
    replies = _talk(request, conversation, use_context=True)
    wrong = [
        f"{turn.say!r} -> {[' › '.join(c.path) for c in reply.answer.citations]}"
        for (turn, reply), ok in zip(replies, _scored(replies), strict=True)
        if not ok
    ]
    assert not wrong, wrong
    for turn, reply in replies:
        if turn.context:  # and the reply says what it continued from
            assert reply.context is not None, turn.say
            assert " › ".join(reply.context.section) in reply.context.note()


@each_conversation
def test_without_the_context_the_turns_that_need_it_fail(
    conversation: Conversation, request: pytest.FixtureRequest
) -> None:
    replies = _talk(request, conversation, use_context=False)
    scored = _scored(replies)
    for (turn, reply), ok in zip(replies, scored, strict=True):
        assert reply.context is None
        # Asked on their own, the turns that only make sense in context get
        # the wrong note or none: the context test above passes because of
        # the context. (The others may go either way: some pronouns, like
        # "how can I run a sql script against it?", are luck without it.)
        if turn.context:
            assert not ok, turn.say


def test_the_scripts_are_ten_conversations_of_three_or_four_turns_in_context() -> None:
    assert len(CONVERSATIONS) == 10
    assert all(3 <= len(c.turns) <= 4 for c in CONVERSATIONS)
    assert all(any(t.context for t in c.turns) for c in CONVERSATIONS)
    assert {c.collection for c in CONVERSATIONS} >= {"shipped", "til"}
