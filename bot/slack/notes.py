"""What the Slack side needs from the notes engine (`index.engine.Engine`),
as a Protocol so that tests can pass a small deterministic fake."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from index.domain import Answer, Category, Citation, Section


class NotesEngine(Protocol):
    def ask(self, question: str, top_k: int = 3) -> Answer: ...

    def categories(self) -> tuple[Category, ...]: ...

    def find_category(self, query: str) -> Category | None: ...

    def section(self, section_id: str) -> Section | None: ...

    def reload_if_changed(self) -> bool: ...

    @property
    def sections(self) -> tuple[Section, ...]: ...

    @property
    def version(self) -> str: ...

    @property
    def built_at(self) -> float: ...

    @property
    def last_reload_error(self) -> str | None: ...


def section_ref(citation: Citation) -> dict[str, Any]:
    """A compact reference to a cited section, for a button's value.

    Citations carry no section id, so the reference is the source and heading
    path (stable when lines move in a re-index) plus the line (to tell apart
    two headings with the same path)."""
    ref: dict[str, Any] = {
        "s": citation.source,
        "p": [p[:120] for p in citation.path],
        "l": citation.line,
    }
    if citation.url and len(citation.url) <= 500:
        ref["u"] = citation.url
    return ref


def find_section(engine: NotesEngine, ref: dict[str, Any]) -> Section | None:
    """The section a `section_ref` points to in the engine's current index."""
    sections: Sequence[Section] = engine.sections
    source, path, line = ref.get("s"), tuple(ref.get("p") or ()), ref.get("l")
    same_source = [s for s in sections if s.source == source]
    for s in same_source:
        if s.start_line == line and tuple(p[:120] for p in s.path) == path:
            return s
    by_path = [s for s in same_source if tuple(p[:120] for p in s.path) == path]
    if by_path:
        return min(by_path, key=lambda s: abs(s.start_line - int(line or 0)))
    return next((s for s in same_source if s.start_line == line), None)
