"""The slash command (`/notes` by default): browse the notes, or ask them.

Acknowledged at once with nothing to show; the reply is posted to the
command's `response_url`, ephemeral to the person who typed it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.gaps.report import DEFAULT_SINCE, gap_report
from bot.slack import blocks, replies
from bot.slack.blocks import Reply
from bot.slack.deps import Deps
from bot.slack.gaps import gaps_message
from bot.slack.notes import closest_categories
from bot.slack.parse import parse_command
from bot.slack.text import clip, escape
from index.domain import Answer
from index.freshness import parse_age

NO_GAPS = "I keep no unanswered questions here (NOTESBOT_GAPS_DAYS is 0)."


def register(app: App, deps: Deps) -> None:
    def ack_now(ack: Ack) -> None:
        ack()

    def on_command(body: dict[str, Any], respond: Respond) -> None:
        try:
            reply, answer_id, answer = command_reply(deps, body.get("text") or "")
        except Exception:  # never a traceback in Slack, never a dead listener
            deps.metrics.errors.labels("index").inc()
            deps.log.exception("slash command failed")
            reply, answer_id, answer = blocks.apology_message(), None, None
        try:
            respond(response_type="ephemeral", **reply.kwargs())
        except Exception as exc:  # an expired response_url, Slack down, ...
            deps.metrics.errors.labels("slack").inc()
            deps.log.error("slash command reply failed error=%s", replies.slack_error(exc))
            return
        if answer is not None and answer_id is not None:
            replies.remember(deps, answer_id, answer, reply)

    app.command(deps.settings.command)(ack=ack_now, lazy=[on_command])


def command_reply(deps: Deps, text: str) -> tuple[Reply, str | None, Answer | None]:
    """parse → search → format: the reply to `/notes <text>`, with the answer
    and its id when it is one (for the feedback buttons)."""
    command = deps.settings.command
    request = parse_command(text)
    if request.kind == "help":
        return blocks.help_message(command, follow_ups=deps.settings.follow_ups), None, None
    if request.kind == "unknown":
        return blocks.usage_message(command, request.arg, request.suggestion), None, None
    if request.kind == "gaps":
        return gaps_reply(deps, request.arg), None, None
    if request.kind == "categories":
        return blocks.catalog_page(deps.engine.catalog(), command), None, None
    if request.kind == "list":
        if not request.arg:
            return blocks.list_usage(deps.engine.categories(), command), None, None
        category = deps.engine.find_category(request.arg)
        if category is None:
            near = closest_categories(deps.engine, request.arg)
            return blocks.no_such_category(request.arg, near, command), None, None
        return blocks.catalog_page(category, command), None, None
    conversed = replies.search(deps, request.arg, "command")
    if conversed is None:
        return blocks.apology_message(), None, None
    answer = conversed.answer
    answer_id, reply = replies.render(deps, answer)
    if answer.found:
        # The asker doesn't see their command once it ran: show what was asked.
        asked = blocks.context(f"*{escape(command)}* {escape(clip(answer.question, 500))}")
        reply = Reply(reply.text, [asked, *reply.blocks][: blocks.BLOCKS_MAX])
    return reply, answer_id, answer


def gaps_reply(deps: Deps, since: str) -> Reply:
    """`/notes gaps [30d]`: the most asked questions the notes could not answer."""
    store = deps.gaps.store if deps.gaps is not None else None
    if store is None:
        return Reply(NO_GAPS, [blocks.section(NO_GAPS)])
    report = gap_report(store, parse_age(since or DEFAULT_SINCE), deps.settings.gaps_days)
    return gaps_message(report)
