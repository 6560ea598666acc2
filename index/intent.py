"""What kind of answer a question wants, from its wording alone.

howto     "how do I …", "is there a way to …", "what should I use", "what's
          the fastest way to …", an error message ("… fails with 'database
          is being accessed'")
define    "what is X?", "what does X mean", "explain X", a bare name
compare   "X vs Y", "difference between", "should we go X or Y"
list      "which tools …", "list the …", "what are the options"
other     anything else (why, when, is it …)
"""

from __future__ import annotations

import re

HOWTO = "howto"
DEFINE = "define"
COMPARE = "compare"
LIST = "list"
OTHER = "other"
STATEMENT_WORDS = 6

_COMPARE = re.compile(
    r"\b(?:vs\.?|versus|differen(?:ce|t) (?:between|from)|differ from|compared? (?:to|with)|"
    r"trade-?offs?|pros and cons|(?:pick|choose|prefer) \w+ over)\b|\b\w+ or \w+\?$",
    re.IGNORECASE,
)
_LIST = re.compile(
    r"^(?:which|what)\s+(?:\w+\s+){0,2}(?:tools|projects|options|kinds|types|ways|"
    r"alternatives|choices)\b|^list\b|\bwhat are the (?:options|choices|alternatives)\b",
    re.IGNORECASE,
)
_DEFINE = re.compile(
    r"^(?:what(?:'s| is| are| was| were)|whats|what does .+ (?:mean|do|stand for)|"
    r"(?:can (?:you|someone) )?explain|tell me about|describe)\b",
    re.IGNORECASE,
)
_HOWTO = re.compile(
    r"\bhow\s+(?:do|can|could|should|would|to)\b|\bhow\s+\w+\s+I\b|"
    r"\b(?:is there|any)\s+(?:a\s+|an\s+|some\s+)?(?:way|trick|command|flag|option|tool|"
    r"builtin|setting|shortcut|approach|something)\b|"
    r"\bwhat (?:should|do|can) (?:I|we) (?:use|run|type|reach for|do)\b|"
    r"\bwhat(?:'s| is|s) (?:the |a )?(?:\w+ ){0,2}?(?:way|command|trick|fix) (?:to|for)\b|"
    r"\b(?:need|want|wanna|trying) to\b|\bcan (?:I|we|it|you)\b|"
    r"\b(?:error|fails?|failed|failing|not found|doesn't work|won't|can't|cannot)\b|"
    r"\b(?:command|config|flag|setting) (?:to|for|that)\b|\bexact (?:command|config)\b",
    re.IGNORECASE,
)


def intent_of(question: str) -> str:
    q = " ".join(question.split())
    if _COMPARE.search(q):
        return COMPARE
    if _LIST.search(q):
        return LIST
    if _HOWTO.search(q):
        return HOWTO
    if _DEFINE.search(q) or len(q.split()) <= 2:
        return DEFINE
    if "?" not in q and len(q.split()) >= STATEMENT_WORDS:
        # Said, not asked ("inside tmux, Esc lags half a second"): a problem to fix.
        return HOWTO
    return OTHER
