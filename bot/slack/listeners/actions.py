"""Buttons under answers: 👍/👎 feedback and "Show section"; and browsing
the catalog: Previous / Next / Up and the category select.

Acknowledged at once; the work runs as a lazy listener.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import blocks, replies
from bot.slack.blocks import Reply
from bot.slack.deps import Deps
from bot.slack.notes import find_catalog_page, find_section

_FEEDBACK = re.compile(rf"^({blocks.ACTION_FEEDBACK_UP}|{blocks.ACTION_FEEDBACK_DOWN})$")
_SHOW = re.compile(rf"^{blocks.ACTION_SHOW_SECTION}_\d+$")
_BROWSE = re.compile(
    rf"^(?:{blocks.ACTION_CATALOG_PREV}|{blocks.ACTION_CATALOG_NEXT}|"
    rf"{blocks.ACTION_CATALOG_UP}|{blocks.ACTION_CATALOG_OPEN})$"
)

GONE = "That section is no longer in the notes (they were re-indexed since this answer)."


def register(app: App, deps: Deps) -> None:
    def ack_now(ack: Ack) -> None:
        ack()

    def on_feedback(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        record_feedback(deps, body, client, respond)

    def on_show_section(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        show_section(deps, body, client, respond)

    def on_browse(body: dict[str, Any], respond: Respond) -> None:
        browse(deps, body, respond)

    app.action(_FEEDBACK)(ack=ack_now, lazy=[on_feedback])
    app.action(_SHOW)(ack=ack_now, lazy=[on_show_section])
    app.action(_BROWSE)(ack=ack_now, lazy=[on_browse])


def _value(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON value of the clicked button, or of the chosen option."""
    try:
        action = body["actions"][0]
        raw = (action.get("selected_option") or {}).get("value") or action["value"]
        value = json.loads(raw)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return {}
    return value if isinstance(value, dict) else {}


def _where(body: dict[str, Any]) -> tuple[str | None, str | None, str | None, bool]:
    """(channel, message ts, thread ts, ephemeral) of the clicked message."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    ts = message.get("ts") or container.get("message_ts")
    thread_ts = message.get("thread_ts") or container.get("thread_ts")
    ephemeral = bool(container.get("is_ephemeral")) or not message
    return channel, ts, thread_ts, ephemeral


def record_feedback(deps: Deps, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    value = _value(body)
    vote = value.get("v")
    if vote not in ("up", "down"):
        deps.log.warning("feedback click without a vote ignored")
        return
    user = str((body.get("user") or {}).get("id") or "")
    channel, ts, _, ephemeral = _where(body)
    remembered = deps.memory.answer(str(value.get("a") or ""))
    message = body.get("message") or {}
    record: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "vote": vote,
        "user": user,
        "channel": channel,
        "message_ts": ts,
        # Buttons carry only an answer id; those posted by older versions
        # also carried the question.
        "question": value.get("q"),
    }
    if remembered is not None:
        record.update(
            question=remembered.question,
            found=remembered.found,
            answer=remembered.answer,
            deprecated=remembered.deprecated,
            citations=remembered.citations,
            index_version=remembered.index_version,
        )
    else:
        # Answered more than NOTESBOT_THREAD_DAYS ago (or the store is down):
        # keep what the clicked message shows; the question is no longer known.
        record.update(answer=message.get("text", ""), citations=None, index_version=None)
    try:
        deps.feedback.append(record)
    except OSError as exc:
        deps.metrics.errors.labels("feedback").inc()
        deps.log.error("feedback not recorded file=%s error=%s", deps.feedback.path, exc)
        _tell(deps, respond, "Sorry, I couldn't record your feedback just now.")
        return
    deps.metrics.feedback.labels(vote).inc()
    if vote == "down" and remembered is not None and deps.gaps is not None:
        deps.gaps.disliked(str(value.get("a")), remembered.asked())
    deps.log.info("feedback vote=%s found=%s", vote, record.get("found"))

    # Thank the user where they clicked.
    try:
        if not ephemeral and channel and ts and message.get("blocks"):
            client.chat_update(
                channel=channel,
                ts=ts,
                text=message.get("text") or "",
                blocks=blocks.with_thanks(message["blocks"], user, vote),
            )
        elif remembered is not None:
            respond(
                replace_original=True,
                text=remembered.text,
                blocks=blocks.with_thanks(remembered.blocks, user, vote),
            )
        else:
            _tell(deps, respond, "Thanks for the feedback!")
    except Exception as exc:
        deps.metrics.errors.labels("slack").inc()
        deps.log.error("feedback thanks failed error=%s", replies.slack_error(exc))


def show_section(deps: Deps, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """The full text of a cited section, shown only to the person who asked
    for it (posting it for everyone would flood the thread)."""
    ref = _value(body)
    found = find_section(deps.engine, ref) if ref else None
    reply = (
        blocks.section_message(found, ref.get("u"))
        if found is not None
        else Reply(GONE, [blocks.section(GONE)])
    )
    user = str((body.get("user") or {}).get("id") or "")
    channel, _, thread_ts, ephemeral = _where(body)
    try:
        if not ephemeral and channel and user:
            kwargs: dict[str, Any] = {"channel": channel, "user": user, **reply.kwargs()}
            if thread_ts:
                kwargs["thread_ts"] = thread_ts
            client.chat_postEphemeral(**kwargs)
        else:
            respond(response_type="ephemeral", replace_original=False, **reply.kwargs())
    except Exception as exc:
        deps.metrics.errors.labels("slack").inc()
        deps.log.error("show section failed error=%s", replies.slack_error(exc))


def browse(deps: Deps, body: dict[str, Any], respond: Respond) -> None:
    """Another page of the catalog, in place of the one clicked (the
    message's response_url replaces it, ephemeral or not)."""
    found = find_catalog_page(deps.engine, _value(body))
    if found is None:
        _tell(deps, respond, blocks.CATEGORY_GONE)
        return
    category, page = found
    reply = blocks.catalog_page(category, deps.settings.command, page)
    try:
        respond(replace_original=True, **reply.kwargs())
    except Exception as exc:
        deps.metrics.errors.labels("slack").inc()
        deps.log.error("browsing failed error=%s", replies.slack_error(exc))


def _tell(deps: Deps, respond: Respond, text: str) -> None:
    try:
        respond(response_type="ephemeral", replace_original=False, text=text)
    except Exception as exc:
        deps.log.error("ephemeral reply failed error=%s", replies.slack_error(exc))
