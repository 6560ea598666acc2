"""Questions grouped by meaning: one need asked in different words is one
group.

Average linkage over cosine similarity: two groups join while the mean
similarity between their questions is at least SAME_NEED. The vectors are
normalized, so that mean is the dot product of the two groups' vector sums
over the product of their sizes, and a join costs one row update. Questions
asked in nearly the same words are joined first, in one pass, so a question
asked a hundred times costs what one does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .store import Asked, Nearest

# Fitted with all-MiniLM-L6-v2 on paraphrases of everyday needs the shipped
# notes don't cover (time off, wifi, expenses, on-call, ...): from 0.35 up no
# group mixed two needs; at 0.30 pay days joined time off.
SAME_NEED = 0.35
SAME_WORDS = 0.9
# A question this close to a passage has a section worth pointing at; the
# unrelated questions above came no closer than 0.34 to the shipped notes,
# near misses ("how to debug a crashlooping pod?") 0.39 and more.
NEAREST_MIN = 0.35
MAX_GROUPED = 500  # the most recent questions of the period; the rest are counted only
WORDINGS = 3


@dataclass(frozen=True)
class Group:
    count: int
    declined: int
    disliked: int
    example: str | None  # the wording nearest the group's meaning; None when not kept
    wordings: tuple[str, ...]  # a few distinct wordings, most typical first
    nearest: Nearest | None  # the section most of its questions came closest to, if close
    first: float  # unix seconds
    last: float


def cluster(vectors: np.ndarray, same: float = SAME_NEED) -> list[list[int]]:
    """Indexes of `vectors` (normalized rows) in groups, by average linkage."""
    members: list[list[int]] = []
    seeds: list[int] = []
    v = np.asarray(vectors, dtype=np.float32)
    for i in range(len(v)):
        if seeds:
            sims = v[seeds] @ v[i]
            j = int(np.argmax(sims))
            if sims[j] >= SAME_WORDS:
                members[j].append(i)
                continue
        seeds.append(i)
        members.append([i])
    k = len(members)
    if k < 2:
        return members
    sums = np.stack([v[m].sum(axis=0) for m in members]).astype(np.float64)
    sizes = np.asarray([len(m) for m in members], dtype=np.float64)
    dots = sums @ sums.T
    link = dots / np.outer(sizes, sizes)
    np.fill_diagonal(link, -np.inf)
    alive = np.ones(k, dtype=bool)
    # Each group's closest other group, kept up to date as groups join.
    best, partner = link.max(axis=1), link.argmax(axis=1)
    while True:
        a = int(np.argmax(best))
        b = int(partner[a])
        if best[a] < same:
            break
        # Group b joins group a: sums add up, and so do their dot products.
        dots[a, :] += dots[b, :]
        dots[:, a] += dots[:, b]
        sizes[a] += sizes[b]
        members[a] += members[b]
        members[b] = []
        alive[b] = False
        row = dots[a, :] / (sizes[a] * sizes)
        row[~alive] = -np.inf
        row[a] = -np.inf
        link[a, :] = link[:, a] = row
        link[b, :] = link[:, b] = -np.inf
        best[b] = -np.inf
        redo = np.flatnonzero(alive & ((partner == a) | (partner == b)))
        best[redo], partner[redo] = link[redo].max(axis=1), link[redo].argmax(axis=1)
        closer = alive & (row > best)
        best[closer], partner[closer] = row[closer], a
        best[a], partner[a] = row.max(), row.argmax()
    return [m for m in members if m]


def group(asked: Sequence[Asked]) -> list[Group]:
    """The questions in groups, most asked first (then most recently asked)."""
    asked = list(asked)[-MAX_GROUPED:]
    if not asked:
        return []
    vectors = np.stack([a.vector for a in asked])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    out = []
    for ids in cluster(vectors):
        centre = vectors[ids].sum(axis=0)
        typical = sorted(ids, key=lambda i: -float(vectors[i] @ centre))
        wordings: list[str] = []
        for i in typical:
            text = asked[i].text
            if text and text.lower() not in (w.lower() for w in wordings):
                wordings.append(text)
        members = [asked[i] for i in ids]
        out.append(
            Group(
                count=len(members),
                declined=sum(a.declined for a in members),
                disliked=sum(a.disliked for a in members),
                example=wordings[0] if wordings else None,
                wordings=tuple(wordings[:WORDINGS]),
                nearest=_nearest(members),
                first=min(a.time for a in members),
                last=max(a.time for a in members),
            )
        )
    out.sort(key=lambda g: (-g.count, -g.last))
    return out


def _nearest(members: Sequence[Asked]) -> Nearest | None:
    close = [a.nearest for a in members if a.nearest and a.nearest.score >= NEAREST_MIN]
    if not close:
        return None
    votes = Counter(n.section_id for n in close)
    best = max(
        votes, key=lambda sid: (votes[sid], max(n.score for n in close if n.section_id == sid))
    )
    return max((n for n in close if n.section_id == best), key=lambda n: n.score)
