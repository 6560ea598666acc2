"""Misspelt words of the notes, corrected before searching ("grpah databse"
→ "graph database", "availabilty" → "availability").

Only a word that is neither a word of the notes nor a word the model knows
whole is corrected, and only to a word of the notes within one typing slip
(two for long words) with the same first letter: everyday words the notes
don't use ("bake") and names of things they don't cover ("linkerd") are
left alone, so that a question the notes don't answer is not bent into one
they do.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .words import ABBREVIATIONS

MIN_LENGTH = 4
LONG_WORD = 8  # from this length, two slips are allowed
SHORT_TARGETS = frozenset({"how", "who", "why", "what", "when", "where", "which", "the", "and"})


class Speller:
    def __init__(self, texts: Iterable[list[str]], known_whole: Callable[[str], bool]) -> None:
        self.df: Counter[str] = Counter()
        for words in texts:
            self.df.update({w for w in words if w.isalpha()})
        self.known_whole = known_whole
        # By first letter and length: a slip keeps the first letter and
        # changes the length by at most the slips allowed.
        self._buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for w in self.df:
            if len(w) >= MIN_LENGTH - 1:
                self._buckets[w[0], len(w)].append(w)

    def spelt_out(self, word: str) -> str | None:
        """The word a shorthand of the question stands for, when the notes use it."""
        full = ABBREVIATIONS.get(word)
        return full if full is not None and full in self.df else None

    def correct(self, word: str) -> str | None:
        """The word of the notes `word` is a misspelling or shorthand of, or None."""
        if word in ABBREVIATIONS:
            return self.spelt_out(word) if word not in self.df else None
        if (
            len(word) < MIN_LENGTH - 1
            or not word.isalpha()
            or word in self.df
            or self.known_whole(word)
        ):
            return None
        if len(word) == MIN_LENGTH - 1:
            # Three letters: only a slip of a question's own words ("hwo"),
            # never a word as written ("add" is not "and").
            same_start = sorted(w for w in SHORT_TARGETS if w[0] == word[0])
            near = process.extract(word, same_start, scorer=OSA.distance, score_cutoff=1)
            return near[0][0] if near else None
        limit = 2 if len(word) >= LONG_WORD else 1
        choices = [
            w
            for n in range(len(word) - limit, len(word) + limit + 1)
            for w in self._buckets.get((word[0], n), ())
        ]
        near = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not near:
            return None
        best = min(d for _, d, _ in near)
        # Between equally near words, a doubled letter typed once or twice
        # ("metalb": "metallb", not "metal") is the likelier slip; then the
        # word the notes use most.
        return max(
            (w for w, d, _ in near if d == best),
            key=lambda w: (_doubling(word, w), self.df[w], w),
        )


def _doubling(a: str, b: str) -> bool:
    """One of the words is the other with one letter doubled."""
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1:
        return False
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return i > 0 and long[i] == long[i - 1] and long[:i] + long[i + 1 :] == short
