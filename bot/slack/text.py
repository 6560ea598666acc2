"""Text in and out of Slack: reading a question from a message, and making
anything taken from the notes or the question safe to show as mrkdwn."""

from __future__ import annotations

import re
from urllib.parse import quote

ELLIPSIS = "…"

# Slack's encoding of links and mentions in message text: <@U123>, <@U123|name>,
# <#C123|general>, <!channel>, <!subteam^S123|@team>, <https://x|label>, <mailto:..>
_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def escape(text: str) -> str:
    """Escape the three characters mrkdwn gives meaning to.

    Without this, notes text such as `<!channel>` or `<@U123>` would ping
    people, and `<https://x|y>` would render as a link nobody wrote."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """Cut escaped text to at most `limit` characters, never inside an
    `&lt;`-style entity, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ELLIPSIS))]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def link(url: str, label: str) -> str:
    """A mrkdwn link `<url|label>`; the label is escaped, and the characters
    that would end the link early are percent-encoded in the URL."""
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    safe_url = safe_url.replace("&", "&amp;")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def _readable(token: str) -> str:
    """What a reader sees for one `<...>` token of Slack message text."""
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        # <!channel>, <!here>, <!subteam^S1|@team>, <!date^...|fallback>
        return label or "@" + target[1:].split("^", 1)[0]
    return label or target


def question_from_message(text: str, bot_user_id: str | None = None) -> str:
    """The plain question in a Slack message: the bot's own mention removed,
    other mentions and links turned into what a reader sees, entities decoded,
    whitespace collapsed."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    text = _SLACK_TOKEN.sub(lambda m: _readable(m.group(1)), text)
    return " ".join(unescape(text).split())


def mentions_other_user(text: str, bot_user_id: str | None) -> bool:
    """Whether a message mentions someone other than the bot (a reply meant
    for a person, not for the bot)."""
    for match in re.finditer(r"<@([A-Z0-9]+)(\|[^>]*)?>", text):
        if match.group(1) != bot_user_id:
            return True
    return False
