"""Heading sections of a notes tree, the way a quick baseline would cut them.

markdown-it-py heading tokens, one section per heading: its title (inline
markup removed) and the text up to the next heading of any level. Text before
a file's first heading (a generated table of contents, usually) has no title
to cite and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

NOTE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class Section:
    title: str
    source: str  # file path relative to the corpus root, POSIX separators
    line: int  # 1-based line of the heading
    body: str

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.body}" if self.body else self.title


def _inline_text(token: Token) -> str:
    # Text of links, emphasis and code spans without their markup or URLs.
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def parse_sections(markdown: str, source: str) -> list[Section]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    sections: list[Section] = []
    title: str | None = None
    line = 0
    body: list[str] = []

    def close() -> None:
        if title is not None:
            sections.append(Section(title, source, line, "\n".join(b for b in body if b)))

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            close()
            title = _inline_text(tokens[i + 1])
            line = (tok.map[0] + 1) if tok.map else 0
            body = []
            i += 3  # heading_open, inline, heading_close
            continue
        if tok.type == "inline":
            body.append(_inline_text(tok))
        elif tok.type in ("fence", "code_block"):
            body.append(tok.content.strip())
        i += 1
    close()
    return sections


def note_files(root: Path) -> list[Path]:
    """Markdown files under root, hidden folders skipped, in a stable order."""
    files = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in NOTE_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(files)


def load_sections(root: Path) -> list[Section]:
    sections: list[Section] = []
    for path in note_files(root):
        rel = path.relative_to(root).as_posix()
        sections.extend(parse_sections(path.read_text(encoding="utf-8"), rel))
    return sections
