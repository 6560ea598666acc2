"""What a user asked for, from the text of a slash command or a message."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from index.freshness import parse_age

Kind = Literal["help", "categories", "list", "ask", "unknown", "gaps"]

_HELP = {"help", "-h", "--help", "?", "usage", "h"}
_CATEGORIES = {"categories", "category", "cats", "cat"}
_LIST = {"list", "ls", "show"}
_ASK = {"ask", "q", "question"}

# Words that start a question; a follow-up in a thread is answered only when
# it looks like a question (people also chat in threads: "thanks!", "+1").
_QUESTION_WORDS = {
    "what", "which", "who", "whom", "whose", "how", "why", "when", "where",
    "is", "are", "was", "were", "does", "do", "did", "can", "could", "should",
    "would", "will", "any", "anything", "tell", "explain", "describe", "show",
    "list", "compare", "difference", "define", "meaning",
}  # fmt: skip


@dataclass(frozen=True)
class Request:
    kind: Kind
    arg: str = ""
    suggestion: str | None = None  # for an unknown sub-command


def _split(text: str) -> tuple[str, str]:
    text = " ".join(text.split())
    head, _, rest = text.partition(" ")
    return head, rest


def parse_command(text: str) -> Request:
    """`/notes <text>`: a sub-command, or a question.

    A single word that is a near miss of a sub-command (`categries`) or looks
    like a flag (`--version`) is an unknown sub-command; any other text is a
    question, so `/notes helm` asks about helm."""
    head, rest = _split(text)
    word = head.lower()
    if not head or word in _HELP:
        return Request("help")
    if word in _CATEGORIES and not rest:
        return Request("categories")
    if word == "gaps" and (not rest or _is_age(rest)):
        return Request("gaps", rest)
    if word in _LIST:
        return Request("list", rest)
    if word in _ASK:
        return Request("ask", rest) if rest else Request("help")
    if word.startswith(("-", "/")):
        return Request("unknown", head)
    if not rest:
        close = difflib.get_close_matches(word, ["categories", "help", "gaps"], n=1, cutoff=0.8)
        if close:
            return Request("unknown", head, suggestion=close[0])
    return Request("ask", " ".join(text.split()))


def parse_message(text: str) -> Request:
    """A mention or a DM: a question, unless it is plainly `help`,
    `categories` or `list <category>` (the slash command's words)."""
    head, rest = _split(text)
    word = head.lower().rstrip("?!.")
    if not head or (word in _HELP and not rest):
        return Request("help")
    if word in _CATEGORIES and not rest:
        return Request("categories")
    if word == "list" and rest and len(rest.split()) <= 3:
        return Request("list", rest)  # asked as a question if no category matches
    return Request("ask", " ".join(text.split()))


def _is_age(text: str) -> bool:
    try:
        parse_age(text)
    except ValueError:
        return False
    return True


def looks_like_question(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    return "?" in text or bool(words and words[0] in _QUESTION_WORDS)
