"""Conversations in threads, end to end over HTTP with signed events against
the fake Slack: follow-ups answered in the thread's context (and saying so),
"more", a miss said once, chat left alone, and all of it across a restart
and across replicas sharing Postgres."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Bot
from .fake_slack import Call
from .slack_sender import mention, message, next_ts


def _start(bot: Bot, question: str = "what replaces service-loadbalancer?") -> str:
    parent = next_ts()
    bot.sender.event(mention(question, ts=parent))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    return parent


def _reply(bot: Bot, text: str, parent: str, n: int) -> Call:
    bot.sender.event(message(text, thread_ts=parent))
    posts = bot.slack.wait_for("chat.postMessage", n)
    bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == n
    return posts[-1]


def test_a_pronoun_is_read_as_the_thread_subject_and_the_reply_says_so(bot: Bot) -> None:
    parent = _start(bot)
    post = _reply(bot, "is it still maintained?", parent, 2)
    assert post.body["thread_ts"] == parent
    assert "service loadbalancer is deprecated" in post.text
    first = post.blocks[0]  # the context comes first, where it is seen
    assert first["type"] == "context"
    assert (
        "From k8s-projects › Network › (deprecated) service-loadbalancer, "
        "continuing from your question about service-loadbalancer" in str(first)
    )
    assert "is service-loadbalancer still maintained?" in str(first)
    # The engine was asked the question as rewritten.
    assert bot.engine.asked["is service-loadbalancer still maintained?"] == 1


def test_more_shows_the_next_part_of_the_section_and_says_when_it_is_all(bot: Bot) -> None:
    parent = _start(bot, "what is in the announcements?")
    post = _reply(bot, "more", parent, 2)  # not worded as a question, still for the bot
    assert "kubectl get pods | grep &lt;name&gt;" in post.raw  # the section's snippet, escaped
    assert "<!here>" not in post.raw
    assert "More from k8s-projects › Developer › announcements" in post.raw
    # The project is done: the next project of the note (huge) is another topic.
    post = _reply(bot, "tell me more", parent, 3)
    assert "That is all the notes say about announcements" in post.text


def test_more_after_an_answer_that_said_it_all(bot: Bot) -> None:
    parent = _start(bot)
    post = _reply(bot, "tell me more", parent, 2)
    assert "That is all the notes say about service-loadbalancer" in post.text


def test_a_follow_up_the_notes_do_not_cover_is_said_once_per_thread(bot: Bot) -> None:
    parent = _start(bot)
    post = _reply(bot, "how do I bake sourdough?", parent, 2)
    assert "couldn't find “how do I bake sourdough?” in the notes" in post.text
    assert "notes_feedback" not in post.raw  # brief: no category list, no buttons
    bot.sender.event(message("what about rye bread?", thread_ts=parent))
    bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == 2  # once is enough
    _reply(bot, "and what replaces the load balancer?", parent, 3)  # answers go on


def test_a_new_question_in_the_thread_is_a_new_topic(bot: Bot) -> None:
    parent = _start(bot)
    post = _reply(bot, "any announcements for outages?", parent, 2)
    assert "only for outages" in post.text
    assert "continuing from" not in post.raw


def test_a_restarted_bot_follows_up_in_a_thread_it_answered_before(
    make_bot: Callable[..., Bot],
) -> None:
    bot = make_bot()
    parent = _start(bot)
    handled = mention("what replaces service-loadbalancer?", ts=next_ts())
    bot.sender.event(handled, event_id="Ev0BEFORE1")
    bot.slack.wait_for("chat.postMessage", 2)
    bot.stop()

    restarted = make_bot()  # a new process on the same thread store
    restarted.sender.event(handled, event_id="Ev0BEFORE1", retry_num=1)  # Slack retries
    post = _reply(restarted, "is it still maintained?", parent, 3)
    assert "continuing from your question about service-loadbalancer" in post.raw
    assert post.body["thread_ts"] == parent


def test_replicas_sharing_postgres_share_threads_and_answer_a_delivery_once(
    make_bot: Callable[..., Bot], postgres_url: str
) -> None:
    from bot.threads.postgres import PostgresStore
    from bot.threads.store import TABLE

    PostgresStore(postgres_url)._run(f"DELETE FROM {TABLE}", ())
    first = make_bot(database_url=postgres_url)
    second = make_bot(database_url=postgres_url)
    parent = _start(first)
    # The load balancer sends the follow-up to the other replica.
    post = _reply(second, "is it still maintained?", parent, 2)
    assert "continuing from your question about service-loadbalancer" in post.raw
    # Slack retries a delivery it thinks failed; the retry lands elsewhere.
    event = message("and what replaces the load balancer?", thread_ts=parent)
    first.sender.event(event, event_id="Ev0TWICE01")
    second.sender.event(event, event_id="Ev0TWICE01", retry_num=1)
    first.settle()
    second.settle()
    assert len(first.slack.calls_to("chat.postMessage")) == 3


def test_a_direct_message_conversation_follows_up_too(bot: Bot) -> None:
    dm = {"channel": "DASKER1", "channel_type": "im"}
    bot.sender.event(message("what replaces service-loadbalancer?", **dm))
    bot.slack.wait_for("chat.postMessage")
    bot.settle()
    bot.sender.event(message("is it still maintained?", **dm))
    [_, post] = bot.slack.wait_for("chat.postMessage", 2)
    assert "thread_ts" not in post.body  # answered in place
    assert "continuing from your question about service-loadbalancer" in post.raw
