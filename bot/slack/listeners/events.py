"""Mentions, direct messages and follow-ups in threads the bot answered,
each answered in the light of the thread's conversation so far (kept in the
thread store, so a restarted bot still follows up).

Events are acknowledged at once (Slack waits 3 s); the answer is a lazy
listener, run on the app's thread pool.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack import blocks, replies
from bot.slack.blocks import Reply
from bot.slack.deps import Deps
from bot.slack.memory import ThreadRecord
from bot.slack.parse import looks_like_question, parse_message
from bot.slack.text import mentions_other_user, question_from_message
from index.conversation import refers_back
from index.domain import Answer

# Message subtypes that are a person writing; edits, deletions, joins, bot
# messages and the like are not questions.
_PEOPLE_SUBTYPES = {None, "thread_broadcast", "file_share"}


def register(app: App, deps: Deps) -> None:
    def ack_now(ack: Ack) -> None:
        ack()

    def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if _from_a_bot(event):
            return
        answer_message(deps, client, event, context.bot_user_id, source="mention")

    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if _from_a_bot(event):
            return
        bot_user_id = context.bot_user_id
        text = event.get("text") or ""
        if event.get("channel_type") == "im":
            answer_message(deps, client, event, bot_user_id, source="dm")
            return
        thread_ts = event.get("thread_ts")
        if not (deps.settings.follow_ups and thread_ts and thread_ts != event.get("ts")):
            return
        if bot_user_id and f"<@{bot_user_id}" in text:
            return  # a mention: the app_mention event answers it
        if mentions_other_user(text, bot_user_id):
            return  # talking to someone else in the thread
        question = question_from_message(text, bot_user_id)
        if not (looks_like_question(question) or refers_back(question)):
            return  # chat: "thanks!", "+1", an emoji
        record = deps.memory.thread(str(event.get("channel")), thread_ts)
        if record is None:
            return  # not a thread the bot answered
        answer_message(deps, client, event, bot_user_id, source="follow_up", record=record)

    app.event("app_mention")(ack=ack_now, lazy=[on_mention])
    app.event("message")(ack=ack_now, lazy=[on_message])


def _from_a_bot(event: dict[str, Any]) -> bool:
    # The bot's own messages are also dropped by Bolt's IgnoringSelfEvents.
    return bool(event.get("bot_id") or event.get("bot_profile")) or (
        event.get("subtype") not in _PEOPLE_SUBTYPES
    )


@dataclass(frozen=True)
class Composed:
    reply: Reply | None  # None: say nothing
    answer: Answer | None = None  # an answer, for its feedback buttons
    answer_id: str | None = None
    record: ThreadRecord | None = None  # the thread as it is after this message


def answer_message(
    deps: Deps,
    client: WebClient,
    event: dict[str, Any],
    bot_user_id: str | None,
    *,
    source: str,
    record: ThreadRecord | None = None,  # the thread, when the caller has just read it
) -> None:
    """parse → search → format → reply, for one message, once."""
    started = time.perf_counter()
    channel, ts = event.get("channel"), event.get("ts")
    if not channel or not ts:
        return
    # Slack sends a mention in a channel the bot reads both as `app_mention`
    # and as `message`: whichever handler comes first answers.
    if not deps.memory.first_answer(channel, ts):
        return
    in_dm = event.get("channel_type") == "im" or source == "dm" or str(channel).startswith("D")
    # In a channel, answer in the question's thread (or start one); in a DM,
    # answer in place. A DM's own messages are one conversation too.
    thread_ts = event.get("thread_ts") or (None if in_dm else ts)
    conversation = thread_ts or "dm"
    if record is None:  # one read of the store per message (Postgres: a round trip)
        record = deps.memory.thread(channel, conversation) or ThreadRecord()

    text = question_from_message(event.get("text") or "", bot_user_id)
    try:
        composed = compose_reply(deps, text, bot_user_id, source=source, record=record)
    except Exception:  # never a traceback in Slack, never a dead listener
        deps.metrics.errors.labels("index").inc()
        deps.log.exception("answering failed source=%s", source)
        composed = Composed(blocks.apology_message())
    posted = None
    if composed.reply is not None:
        posted = replies.post(
            deps, client, channel=channel, thread_ts=thread_ts, reply=composed.reply
        )
        if posted and composed.answer is not None and composed.answer_id is not None:
            replies.remember(deps, composed.answer_id, composed.answer, composed.reply)
    if composed.record is not None and (posted or composed.reply is None):
        deps.memory.save_thread(channel, conversation, composed.record)
    deps.metrics.reply_latency.observe(time.perf_counter() - started)


def compose_reply(
    deps: Deps,
    text: str,
    bot_user_id: str | None,
    *,
    source: str,
    record: ThreadRecord | None = None,
) -> Composed:
    """parse → search → format: the reply to a message (None: stay silent),
    answered in the light of the thread's conversation so far."""
    record = record or ThreadRecord()
    request = parse_message(text)
    command = deps.settings.command
    if request.kind == "help":
        reply = blocks.help_message(command, bot_user_id, deps.settings.follow_ups)
        return Composed(reply, record=record)
    if request.kind == "categories":
        return Composed(blocks.catalog_page(deps.engine.catalog(), command), record=record)
    if request.kind == "list":
        category = deps.engine.find_category(request.arg)
        if category is not None:
            return Composed(blocks.catalog_page(category, command), record=record)
    conversed = replies.search(deps, text, source, record.conversation)
    if conversed is None:
        return Composed(blocks.apology_message())
    answer = conversed.answer
    if not answer.found and source == "follow_up":
        # Said once per thread; after that, a miss is not worth a message.
        told = ThreadRecord(conversed.thread, True)
        brief = None if record.told_not_found else blocks.follow_up_not_found(text)
        return Composed(brief, record=told)
    answer_id, reply = replies.render(deps, answer, conversed.context)
    return Composed(reply, answer, answer_id, ThreadRecord(conversed.thread, record.told_not_found))
