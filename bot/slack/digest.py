"""The weekly digest of what the notes miss, posted to NOTESBOT_GAPS_CHANNEL
by `notesbot gaps --post` (a cron job; deploy/examples/gaps-digest.yaml).

Posted once per period: a run within half a period of the last digest to
the same channel (a retried or doubled job) posts nothing."""

from __future__ import annotations

import time

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.gaps.report import GapReport, headline
from bot.gaps.store import DAY_S, GapStore
from bot.settings import Settings
from index.domain import NotesbotError

from .app import make_client, secret
from .gaps import digest_message
from .replies import slack_error


def digest_problem(settings: Settings) -> str | None:
    """The setting missing to post a digest, as one line."""
    if not settings.gaps_channel:
        return "NOTESBOT_GAPS_CHANNEL is not set (the channel id to post the digest to, C...)"
    if not secret(settings.slack_bot_token):
        return "SLACK_BOT_TOKEN is not set (the bot posts the digest)"
    if not settings.gaps_days:
        return "NOTESBOT_GAPS_DAYS is 0: the bot keeps no questions to report"
    return None


def post_digest(
    settings: Settings, store: GapStore, report: GapReport, now: float | None = None
) -> str:
    """Post the report unless it was posted this period; says what it did."""
    problem = digest_problem(settings)
    if problem:
        raise NotesbotError(problem)
    channel = str(settings.gaps_channel)
    now = time.time() if now is None else now
    last = store.last_digest(channel)
    if last is not None and now - last < report.since_days * DAY_S / 2:
        hours = (now - last) / 3600
        return f"a digest was posted to {channel} {hours:.1f} hours ago; not posting another"
    if not report.groups:
        return f"nothing to post: no declined or 👎 questions in {report.period}"
    reply = digest_message(report, settings.command)
    try:
        response = make_client(settings).chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **reply.kwargs()
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        raise NotesbotError(f"the digest was not posted to {channel}: {slack_error(exc)}") from None
    store.digest_posted(channel, str(response.get("ts") or ""), now)
    return f"posted the digest to {channel}: {headline(report)}"
