"""Words: one tokenizer for BM25, answer extraction and coverage, so that a
question and the notes are always cut the same way."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

_WORD = re.compile(r"(?u)\b\w\w+\b")
_stemmer = Stemmer.Stemmer("english")

# Words that carry the shape of a question, not its subject.
QUESTION_WORDS = frozenset(
    """
    what whats which who whom whose where when why how does do did doing done can could
    should would will shall may might must is are was were be been being am has have had
    there here this that these those it its i me my we our you your they them their he
    she about tell explain describe mean means meaning difference between vs versus
    compare use used using get make give show list know find want need like kind sort
    thing things please anything something someone anyone one ones some any all each way
    ways also just really actually say says said notes note team us let lets work works
    working
    """.split()  # noqa: SIM905
) | frozenset(STOPWORDS_EN)


def tidy_question(text: str, limit: int) -> str:
    """A question as typed or pasted, on one line: control and invisible
    format characters (a bell, a zero-width space from a chat client) read as
    spaces, runs of spaces as one, at most `limit` characters."""
    if not text.isprintable():
        text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    return " ".join(text.split())[:limit]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def terms(text: str, *, drop: frozenset[str] = frozenset(STOPWORDS_EN)) -> list[str]:
    """Stemmed words without stopwords: what BM25 indexes and matches."""
    return [stem(w) for w in words(text) if w not in drop]


def query_terms(text: str) -> list[str]:
    """The subject words of a question, stemmed, in order, without repeats."""
    seen: dict[str, None] = {}
    for w in words(text):
        if w not in QUESTION_WORDS:
            seen.setdefault(stem(w), None)
    return list(seen)


def compounds(text: str) -> list[str]:
    """Adjacent words written as one ("roll back" → "rollback", "set up" → "setup"),
    stemmed; callers keep those the notes actually use."""
    ws = words(text)
    return [stem(a + b) for a, b in pairwise(ws)]


_SENTENCE = re.compile(r"[^.?!—]+[?]|[^.?!—]+$")


def question_sentences(text: str) -> list[tuple[int, int]]:
    """The spans of a question's asked sentences (ending in "?") and of its
    last words, of two words or more."""
    return [m.span() for m in _SENTENCE.finditer(text) if len(m.group().split()) >= 2]


# Where a question goes on to ask a second thing: "..., and then replay the
# order that failed?", "... work, and why do we run out of IPs?".
_ANOTHER_ASK = re.compile(
    r",?\s+and\s+(?:then|also)\s+|"
    r",?\s+and\s+(?=(?:how|what|why|which|where|when|is|are|does|do|can|should)\b)",
    re.IGNORECASE,
)
PART_WORDS = 3


def asked_parts(text: str) -> list[tuple[int, int]]:
    """The spans of the things a question asks, when it asks more than one
    (two sentences ending in "?", or one joined by "and then", "and why" ...);
    else none."""
    asked = [sp for sp in question_sentences(text) if text[sp[0] : sp[1]].rstrip().endswith("?")]
    parts = []
    for start, end in asked or [(0, len(text))]:
        cut = start
        for m in _ANOTHER_ASK.finditer(text, start, end):
            parts.append((cut, m.start()))
            cut = m.end()
        parts.append((cut, end))
    parts = [(a, b) for a, b in parts if len(text[a:b].split()) >= PART_WORDS]
    return parts if len(parts) >= 2 else []


def asking_span(text: str) -> tuple[int, int]:
    """Where a question asks, as against the story around it: its first
    sentence that ends in "?", else its last one ("kube-dns keeps getting
    OOMKilled. want its memory limits bumped" asks for the bump)."""
    spans = question_sentences(text)
    asked = [sp for sp in spans if text[sp[0] : sp[1]].rstrip().endswith("?")]
    return asked[0] if asked else spans[-1] if spans else (0, len(text))
