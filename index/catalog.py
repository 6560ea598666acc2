"""Browsing: the categories of the notes (their top-level headings) and the
projects under each."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from .domain import Category, Project, Section, note_url


def build_catalog(sections: Sequence[Section], base_url: str | None) -> tuple[Category, ...]:
    """H1 headings that hold H2 project sections; a note's own title is not a category."""
    projects: dict[tuple[str, ...], list[Project]] = {}
    for s in sections:
        if s.level == 2 and len(s.path) >= 2:
            projects.setdefault(s.path[:-1], []).append(
                Project(
                    name=s.title,
                    source=s.source,
                    line=s.start_line,
                    deprecated=s.deprecated,
                    link_only=s.is_link_only,
                    url=note_url(base_url, s.source, s.start_line),
                )
            )
    merged: dict[str, Category] = {}
    for s in sections:
        if s.level != 1 or s.path == (s.title,):
            continue
        items = tuple(projects.get(s.path, ()))
        if not items:
            continue
        key = s.title.casefold()
        if key in merged:  # the same category in several notes
            old = merged[key]
            merged[key] = Category(old.name, old.source, old.line, old.projects + items, old.url)
        else:
            url = note_url(base_url, s.source, s.start_line)
            merged[key] = Category(s.title, s.source, s.start_line, items, url)
    return tuple(merged.values())


def find_category(categories: Sequence[Category], query: str) -> Category | None:
    """By name, case-insensitive: exact, then prefix of the name or of a word
    in it ("net" → Network, "dr" → Cluster & DR), then a close spelling."""
    q = " ".join(query.casefold().split())
    if not q:
        return None
    names = [c.name.casefold() for c in categories]
    for test in (
        lambda n: n == q,
        lambda n: n.startswith(q),
        lambda n: any(w.startswith(q) for w in n.replace("&", " ").split()),
        lambda n: q in n,
    ):
        for c, n in zip(categories, names, strict=True):
            if test(n):
                return c
    best = process.extractOne(q, names, scorer=fuzz.WRatio, score_cutoff=85)
    return categories[best[2]] if best else None
