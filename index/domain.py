"""The domain: what the notes are made of and what a question gets back.

Plain frozen dataclasses, no behaviour beyond formatting helpers, and the
domain errors. Errors are raised deep and turned into user messages only at
the edges (CLI, Slack).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

PATH_SEP = " › "


# --------------------------------------------------------------------------- notes


@dataclass(frozen=True)
class Block:
    """A unit of a section's text as a reader sees it: a paragraph, a list
    item, a quote, or a code block (kept apart: answers quote prose first)."""

    # "text" | "item" (of a list) | "code" | "contents" (sub-headings of a bare heading)
    # | "link" (a paragraph or item that is only a link) | "figure" (an image and its caption)
    kind: str
    text: str  # plain text, inline markup removed
    line: int  # 1-based line in the source file where the block starts


@dataclass(frozen=True)
class Section:
    """One heading of one note and the content up to the next heading."""

    id: str  # stable: "<source>#<start_line>"
    source: str  # file path relative to the corpus root, POSIX separators
    path: tuple[str, ...]  # file title, then ancestor headings, then this heading
    title: str  # heading text as a reader sees it
    level: int  # 1..6; 0 for a file's preamble before its first heading
    start_line: int  # 1-based line of the heading
    end_line: int  # 1-based last line of the section's own content
    blocks: tuple[Block, ...] = ()
    # A section whose whole content links to another note (`link: [helm](./helm)`).
    link_target: str | None = None  # the link as written
    link_resolved: str | None = None  # the linked note, relative to the corpus root, if present
    deprecated: bool = False
    replaced_by: str | None = None  # what the notes say replaces it, if they say

    @property
    def heading_path(self) -> str:
        return PATH_SEP.join(self.path)

    @property
    def is_link_only(self) -> bool:
        return self.link_target is not None

    @property
    def folders(self) -> tuple[str, ...]:
        """The folders the note is in, as evidence of what it is about ("vim",
        "postgres"); without the one its title already names (README.md)."""
        parts = tuple(p for p in self.source.split("/")[:-1] if p)
        if parts and self.path and parts[-1] == self.path[0]:
            parts = parts[:-1]
        return parts

    @property
    def context_path(self) -> str:
        """Folders and heading path: what a passage is embedded and searched under."""
        return PATH_SEP.join((*self.folders, *self.path))


@dataclass(frozen=True)
class Category:
    """A folder of notes, a note with several top-level headings, or one of
    those headings: the entries (`projects`) in it and the categories below it."""

    name: str
    source: str  # the note it is written in, or the folder ("git") when no note describes it
    line: int  # 0 for a folder
    projects: tuple[Project, ...] = ()
    url: str | None = None
    categories: tuple[Category, ...] = ()
    path: tuple[str, ...] = ()  # names from the top of the catalog to this one
    description: str | None = None  # the first paragraph of its README, or of its note
    section_id: str = ""  # the heading's (or README's) section, for "show section"

    @property
    def size(self) -> int:
        """Entries in it and below."""
        return len(self.projects) + sum(c.size for c in self.categories)


@dataclass(frozen=True)
class Project:
    """An entry of the catalog: a note, or a heading of a note."""

    name: str
    source: str
    line: int
    deprecated: bool = False
    link_only: bool = False
    url: str | None = None
    section_id: str = ""
    replaced_by: str | None = None


def note_url(base_url: str | None, source: str, line: int | None = None) -> str | None:
    """A web link to a note (and line) when the notes repo's base URL is known,
    e.g. https://github.com/org/notes/blob/main/README.md#L525."""
    if not base_url:
        return None
    url = f"{base_url.rstrip('/')}/{quote(source)}"
    return f"{url}#L{line}" if line else url


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Hit:
    """A section retrieved for a question, with the signals that put it there."""

    section: Section
    score: float  # how likely it is the section that answers, among the candidates
    dense: float = 0.0
    lexical: float = 0.0
    name: float = 0.0


@dataclass(frozen=True)
class Citation:
    title: str
    path: tuple[str, ...]
    source: str
    line: int
    score: float
    url: str | None = None
    section_id: str = ""  # for "show section"; not part of the JSON contract
    updated: str | None = None  # "2019-05-01": when the section last changed (index/freshness.py)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "path": list(self.path),
            "source": self.source,
            "line": self.line,
            "score": round(self.score, 4),
            "url": self.url,
            "updated": self.updated,
        }


@dataclass(frozen=True)
class AnswerPart:
    """A piece of an answer as the notes have it: a sentence, a list item or
    a code snippet (shown as code)."""

    kind: str  # "text" | "item" | "code"
    text: str


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    text: str  # plain text, snippets included on lines of their own; "" when not found
    citations: tuple[Citation, ...] = ()
    deprecated: bool = False  # the best section is marked deprecated
    replaced_by: str | None = None
    note: str | None = None  # e.g. where link-only notes live, or why nothing was found
    parts: tuple[AnswerPart, ...] = ()  # `text` in pieces, for showing snippets as code
    stale: bool = False  # every cited section is older than NOTESBOT_STALE_AFTER
    # Not found, but close: the sections nearest the question, offered as
    # "in case one of them is what you meant", never as an answer.
    nearest: tuple[Citation, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def code(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.parts if p.kind == "code")

    def to_json(self) -> dict[str, Any]:
        out = {
            "question": self.question,
            "found": self.found,
            "answer": self.text,
            "citations": [c.to_json() for c in self.citations],
        }
        if self.code:
            out["code"] = list(self.code)  # the snippets of `answer`, as they are in the notes
        if self.stale:
            out["stale"] = True
        if self.nearest:
            out["nearest"] = [c.to_json() for c in self.nearest]
        return out


@dataclass(frozen=True)
class BuildReport:
    files: int
    sections: int
    passages: int
    added: int  # sections new since the last build
    changed: int
    removed: int
    embedded: int  # passages that had to be embedded (the rest were reused)
    seconds: float
    version: str
    unchanged: bool  # nothing changed: the current index was kept as is
    skipped: tuple[str, ...] = ()  # files skipped, with the reason
    encoder: str = ""  # what embedded them ("OpenVINO 2026.4.1 bf16", "ONNX Runtime fp32")

    def summary(self) -> str:
        state = "unchanged" if self.unchanged else f"updated to {self.version}"
        by = f" ({self.encoder})" if self.embedded and self.encoder else ""
        return (
            f"index {state}: {self.files} files, {self.sections} sections "
            f"(+{self.added} ~{self.changed} -{self.removed}), "
            f"{self.embedded} passages embedded{by}, {self.seconds:.2f}s"
        )


# --------------------------------------------------------------------------- errors


class NotesbotError(Exception):
    """Base of the errors a user can act on; str() is the one line to show."""


class CorpusNotFound(NotesbotError):
    pass


class CorpusEmpty(NotesbotError):
    pass


class IndexNotFound(NotesbotError):
    pass


class IndexMismatch(NotesbotError):
    """The index was built with another model or format: rebuild it."""


class IndexCorrupt(NotesbotError):
    pass


class IndexLocked(NotesbotError):
    """Another build holds the lock."""


class IndexReadOnly(NotesbotError):
    """The index folder can't be written (a read-only volume, another
    user's files): it can still be read."""


class ModelUnavailable(NotesbotError):
    pass
