"""A name the question writes out in full where the notes use its initials:
"Open vSwitch" for OVS, "Azure Container Instances" for ACI.

Only a run of capitalised words (a name, as its writer spelt it) counts,
each word giving the initials of its parts ("vSwitch": v, S), and only when
the notes use those initials as a word of capitals: lower-case runs ("rails
dev server", "code change image") spell acronyms by chance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_LETTERS = 3
MAX_WORDS = 5
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z](?=s?\b)")
# A word of a name: capitalised ("Open") or camel-cased ("vSwitch").
_NAME_WORD = re.compile(r"[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*")
_PART = re.compile(r"[A-Z]?[a-z0-9]+")


def acronyms_of(texts: Iterable[str]) -> frozenset[str]:
    """The words of capitals the notes use ("OVS", "CRDs" as CRD)."""
    found: set[str] = set()
    for text in texts:
        found.update(m.group() for m in _ACRONYM.finditer(text))
    return frozenset(a for a in found if sum(c.isalpha() for c in a) >= MIN_LETTERS)


def _is_name_word(word: str) -> bool:
    return bool(_NAME_WORD.fullmatch(word)) and any(c.isupper() for c in word) and len(word) > 1


def _initials(word: str) -> str:
    return "".join(p[0] for p in _PART.findall(word)).upper()


def spelt_out(text: str, acronyms: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, acronym) of each run of the question's capitalised words
    whose initials are an acronym of the notes that the question does not
    use itself; the longest run first where runs overlap."""
    if not acronyms:
        return []
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    words = [(s, e, w.strip(".,;:!?()\"'")) for s, e, w in tokens]
    used = {m.group() for m in _ACRONYM.finditer(text)}
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        best = None
        if _is_name_word(words[i][2]):
            letters = ""
            for j in range(i, min(i + MAX_WORDS, len(words))):
                w = words[j][2]
                if not _is_name_word(w):
                    break
                letters += _initials(w)
                if j > i and letters in acronyms and letters not in used:
                    best = (j, letters)
        if best is None:
            i += 1
            continue
        j, letters = best
        start = words[i][0] + tokens[i][2].find(words[i][2])
        end = start + len(text[start : words[j][1]].rstrip(".,;:!?()\"'"))
        out.append((start, end, letters))
        i = j + 1
    return out
