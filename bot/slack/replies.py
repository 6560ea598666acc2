"""The steps every handler shares: search the notes (with metrics and one
log line per question) and post a reply (with an apology when Slack refused
it, and only then)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from index.conversation import Context, Thread, converse
from index.conversation import Reply as Conversed
from index.domain import Answer

from . import blocks
from .blocks import Reply
from .deps import Deps
from .memory import Remembered
from .retry import retry_after_seconds


def search(
    deps: Deps, question: str, source: str, thread: Thread | None = None
) -> Conversed | None:
    """The engine's answer, read in the light of `thread`'s earlier turns
    (index/conversation.py), or None when searching failed (logged)."""
    log, metrics = deps.log, deps.metrics
    metrics.questions.labels(source).inc()
    try:
        deps.engine.reload_if_changed()  # cheap; picks up the cron's re-index
    except Exception:
        log.exception("index reload check failed; answering from the loaded index")
    started = time.perf_counter()
    try:
        conversed = converse(deps.engine, thread or Thread(), question, deps.settings.top_k)
    except Exception as exc:
        metrics.errors.labels("index").inc()
        log.error(
            "question failed source=%s chars=%d error=%s",
            source,
            len(question),
            type(exc).__name__,
            exc_info=True,
        )
        return None
    answer = conversed.answer
    seconds = time.perf_counter() - started
    metrics.latency.observe(seconds)
    if not answer.found:
        metrics.abstentions.labels(source).inc()
    top = blocks.heading_path(answer.citations[0].path) if answer.citations else ""
    context = conversed.context.kind if conversed.context else "none"
    line = (
        f"question source={source} chars={len(question)} found={str(answer.found).lower()} "
        f"context={context} top={json.dumps(top, ensure_ascii=False)} "
        f"latency_ms={seconds * 1000:.1f} index={deps.engine.version}"
    )
    if deps.settings.log_questions:
        line += f" text={json.dumps(question, ensure_ascii=False)}"
    log.info(line)
    return conversed


def render(deps: Deps, answer: Answer, context: Context | None = None) -> tuple[str, Reply]:
    """The message for an answer (saying which note of the thread it
    continued from, if it did), and the id its feedback buttons carry."""
    answer_id = uuid.uuid4().hex[:16]
    categories = deps.engine.categories() if not answer.found else ()
    reply = blocks.answer_message(
        answer,
        answer_id=answer_id,
        categories=categories,
        command=deps.settings.command,
        continued=context.note() if context else None,
    )
    return answer_id, reply


def remember(deps: Deps, answer_id: str, answer: Answer, reply: Reply) -> None:
    deps.memory.remember(
        answer_id, Remembered.of(answer, reply.text, reply.blocks, deps.engine.version)
    )
    if deps.gaps is not None:
        deps.gaps.answered(answer_id, answer)


def slack_error(exc: Exception) -> str:
    """A short description of a failed Slack call, safe to log (no token)."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status == 429:
            wait = retry_after_seconds(exc.response.headers)
            return f"ratelimited retry_after={wait:g}s (not waited for)"
        error = str(exc.response.get("error") or "")
        return f"http_{status} {error}".strip() if status != 200 else error or "not_ok"
    if isinstance(exc, TimeoutError):
        return "timeout (Slack may have done it; not retried)"
    return type(exc).__name__


def refused(exc: Exception) -> bool:
    """Slack answered and turned the call down (`"ok": false`: bad blocks,
    a message too long, ...): a plain apology may still get through. After a
    timeout, an error status or a rate limit, it would be wrong (the message
    may have been posted) or fail the same way."""
    return isinstance(exc, SlackApiError) and exc.response.status_code == 200


def post(
    deps: Deps,
    client: WebClient,
    *,
    channel: str,
    thread_ts: str | None,
    reply: Reply,
) -> str | None:
    """Post a reply (retried as `retry` says); on failure log and count it,
    post a plain-text apology if Slack refused the reply, and return None.
    Returns the posted message's ts."""
    kwargs: dict[str, Any] = {"channel": channel, "unfurl_links": False, "unfurl_media": False}
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    try:
        response = client.chat_postMessage(**kwargs, **reply.kwargs())
        return str(response.get("ts") or "") or None
    except (SlackApiError, SlackClientError, OSError) as exc:
        deps.metrics.errors.labels("slack").inc()
        deps.log.error("chat.postMessage failed channel=%s error=%s", channel, slack_error(exc))
        if not refused(exc):
            return None
    try:
        client.chat_postMessage(**kwargs, text=blocks.NOT_POSTED)
    except (SlackApiError, SlackClientError, OSError) as exc:
        deps.log.error("apology failed too channel=%s error=%s", channel, slack_error(exc))
    return None
