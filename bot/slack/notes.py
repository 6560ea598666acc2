"""What the Slack side needs from the notes engine (`index.engine.Engine`),
as a Protocol so that tests can pass a small deterministic fake."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from bot.metrics import IndexInfo
from index.catalog import by_path_id, closest, walk
from index.domain import Answer, Category, Citation, Hit, Section


class NotesEngine(IndexInfo, Protocol):
    """`index.engine.Engine` as the bot uses it; also what a thread's
    conversation needs (index.conversation.ThreadEngine)."""

    def note_sections(self, source: str) -> tuple[Section, ...]: ...

    def ask(self, question: str, top_k: int = 3) -> Answer: ...

    def catalog(self) -> Category: ...

    def ask_scored(self, question: str, top_k: int = 3) -> tuple[Answer, float]: ...

    def ask_section(self, question: str, section_id: str, top_k: int = 3) -> Answer | None: ...

    def cite(self, section_id: str) -> Citation | None: ...

    def categories(self) -> tuple[Category, ...]: ...

    def find_category(self, query: str) -> Category | None: ...

    def section(self, section_id: str) -> Section | None: ...

    def reload_if_changed(self) -> bool: ...

    def closest(self, question: str) -> tuple[np.ndarray, Hit | None]: ...

    @property
    def model_id(self) -> str: ...


def section_ref(citation: Citation) -> dict[str, Any]:
    """A compact reference to a cited section, for a button's value: its id,
    which stays the same when lines move in a re-index."""
    return {"i": citation.section_id}


def find_section(engine: NotesEngine, ref: dict[str, Any]) -> Section | None:
    """The section a `section_ref` points to in the engine's current index."""
    section_id = ref.get("i")
    return engine.section(section_id) if isinstance(section_id, str) else None


def find_catalog_page(engine: NotesEngine, ref: dict[str, Any]) -> tuple[Category, int] | None:
    """The category and page a browsing button (`blocks.catalog_value`)
    points to in the engine's current catalog."""
    wanted, page = ref.get("c"), ref.get("n", 0)
    if not isinstance(wanted, str) or not isinstance(page, int):
        return None
    category = by_path_id(engine.catalog(), wanted)
    return (category, page) if category is not None else None


def closest_categories(engine: NotesEngine, query: str) -> list[Category]:
    """For "no category matches": the nearest names, else the top-level ones."""
    return closest(walk(engine.catalog()), query) or list(engine.categories())
