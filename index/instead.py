"""What a question wants instead of what: "sign commits with an SSH key
instead of a GPG key" asks for SSH and rules out GPG, so a note about GPG
signing is not its answer, however close its words.

Only a thing named after "instead of" / "rather than" is ruled out; "instead
of doing it by hand" names a way, not a thing, and rules nothing out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import QUESTION_WORDS, stem, words

_CONTRAST = re.compile(r"\b(?:instead of|rather than)\s+", re.IGNORECASE)
_PHRASE_END = re.compile(r"[,.;:?!()—–]|\s-\s|\b(?:and|but|so|because|since|if|when)\b", re.I)
SIDE_WORDS = 2  # content words on each side: "an SSH key" / "a GPG key"


@dataclass(frozen=True)
class Contrast:
    wanted: frozenset[str]  # stems of what it asks for
    ruled_out: frozenset[str]  # stems of what it asks instead of

    def rules_out(self, heading_terms: frozenset[str]) -> bool:
        """A heading about the thing ruled out and not about the one wanted."""
        return bool(heading_terms & (self.ruled_out - self.wanted)) and not (
            heading_terms & (self.wanted - self.ruled_out)
        )


def contrast_of(question: str) -> Contrast | None:
    m = _CONTRAST.search(question)
    if not m:
        return None
    after = question[m.end() :]
    end = _PHRASE_END.search(after)
    after_words = words(after[: end.start()] if end else after)
    if not after_words or after_words[0].endswith("ing"):
        return None  # "instead of doing it by hand": a way, not a thing
    before = question[: m.start()]
    start = max((x.end() for x in _PHRASE_END.finditer(before)), default=0)
    wanted = _content(words(before[start:]))[-SIDE_WORDS:]
    ruled_out = _content(after_words)[:SIDE_WORDS]
    if not wanted or not ruled_out:
        return None
    return Contrast(frozenset(wanted), frozenset(ruled_out))


def _content(ws: list[str]) -> list[str]:
    return [stem(w) for w in ws if w not in QUESTION_WORDS]
