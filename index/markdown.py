"""One Markdown file → its sections, parsed with markdown-it-py.

Section boundaries are heading tokens at the top level of the document, so
`# install` inside a code fence, a heading-looking line in a quote or list,
`*References*` pseudo-headings and `<details>` blocks all stay content. A
doctoc table of contents is dropped: it repeats every heading and would
match every question.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .domain import Block, Section

_md = MarkdownIt("commonmark").enable("table").enable("strikethrough")

_TAG = re.compile(r"<[^>]*>")
_LINKED = re.compile(r"<a\b.*?</a>", re.IGNORECASE | re.DOTALL)
_WS = re.compile(r"\s+")
# Words that may surround a link in a section that only points elsewhere
# ("link: [helm](./helm)", "See [the notes](./helm).").
_LINK_FILLER = {"link", "links", "see", "notes", "note", "moved", "to", "at", "in", "here", "more"}
_REPLACEMENT = re.compile(
    r"\b(?:deprecated\s+in\s+favou?r\s+of|(?:replaced|superseded)\s+by|renamed\s+(?:to\s+)?)"
    r"\s*(?P<what>[^.;:,()\n]+)",
    re.IGNORECASE,
)
_DEPRECATED = re.compile(r"\bdeprecated\b", re.IGNORECASE)
_STATUS_LINE = re.compile(r"^\s*(?:-\s*)?(?:date|status|update)\b", re.IGNORECASE)
README_NAMES = ("readme.md", "index.md", "readme.markdown", "index.markdown")


@dataclass(frozen=True)
class _Heading:
    level: int
    title: str
    line: int  # 0-based
    end: int  # 0-based, exclusive (setext headings span two lines)


def parse_note(rel: str, text: str, corpus_name: str = "notes") -> list[Section]:
    """Sections of one note, in document order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = _md.parse(text)
    skip = _doctoc_lines(tokens)
    tokens = [t for t in tokens if not (t.map and t.map[0] in skip)]

    headings: list[tuple[int, _Heading]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.level == 0 and tok.map:
            title = inline_text(tokens[i + 1]).strip() if i + 1 < len(tokens) else ""
            if title:
                headings.append((i, _Heading(int(tok.tag[1]), title, tok.map[0], tok.map[1])))

    file_title, title_heading = _file_title(rel, headings, corpus_name)
    sections: list[Section] = []
    seen: dict[tuple[str, ...], int] = {}

    def add(level: int, title: str, path: tuple[str, ...], line: int, body: list[Token]) -> None:
        blocks = tuple(_blocks_of(body))
        last = max((t.map[1] for t in body if t.map), default=line + 1)
        # Stable across edits elsewhere in the file: Slack buttons refer to it.
        occurrence = seen.get(path, 0)
        seen[path] = occurrence + 1
        key = f"{rel}\0{'/'.join(path)}\0{occurrence}"
        section = Section(
            id=hashlib.sha1(key.encode()).hexdigest()[:12],
            source=rel,
            path=path,
            title=title,
            level=level,
            start_line=line + 1,
            end_line=max(last, line + 1),
            blocks=blocks,
            link_target=_only_link(body),
        )
        sections.append(_with_status(section))

    first = headings[0][0] if headings else len(tokens)
    preamble = tokens[:first]
    if _blocks_of(preamble):
        line0 = min((t.map[0] for t in preamble if t.map), default=0)
        add(0, file_title, (file_title,), line0, preamble)

    stack: list[tuple[int, str]] = []
    for n, (i, h) in enumerate(headings):
        end = headings[n + 1][0] if n + 1 < len(headings) else len(tokens)
        body = tokens[i + 3 : end]  # after heading_open, inline, heading_close
        if i == title_heading:
            add(h.level, h.title, (file_title,), h.line, body)
            continue
        while stack and stack[-1][0] >= h.level:
            stack.pop()
        stack.append((h.level, h.title))
        add(h.level, h.title, (file_title, *(t for _, t in stack)), h.line, body)
    return sections


_ATX_LINE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})")


def headings_up_to(text: str, limit: int) -> tuple[int, int]:
    """How many `#` heading lines `text` has outside code fences, and where
    the one after the first `limit` starts (len(text) if there is none): a
    cheap count, before parsing, for notes far too long to parse whole."""
    count, end, pos, fence = 0, len(text), 0, ""
    for line in text.splitlines(keepends=True):
        if fence:
            if line.lstrip(" ").startswith(fence):
                fence = ""
        elif m := _FENCE_LINE.match(line):
            fence = m.group(1)
        elif _ATX_LINE.match(line):
            count += 1
            if count == limit + 1:
                end = pos
        pos += len(line)
    return count, end


def _file_title(
    rel: str, headings: Sequence[tuple[int, _Heading]], corpus_name: str
) -> tuple[str, int | None]:
    """A note's title: its single leading H1 if it has one, else its name
    (the folder's name for README.md/index.md)."""
    h1s = [(i, h) for i, h in headings if h.level == 1]
    if len(h1s) == 1 and headings and headings[0][1].level == 1:
        return h1s[0][1].title, h1s[0][0]
    name = posixpath.basename(rel)
    if name.lower() in README_NAMES:
        parent = posixpath.basename(posixpath.dirname(rel))
        return parent or corpus_name, None
    return posixpath.splitext(name)[0], None


def _doctoc_lines(tokens: list[Token]) -> set[int]:
    """0-based start lines of the tokens inside a doctoc table of contents."""
    start = end = None
    for tok in tokens:
        if tok.type == "html_block" and tok.map:
            if "START doctoc" in tok.content and start is None:
                start = tok.map[0]
            elif "END doctoc" in tok.content and start is not None:
                end = tok.map[1]
                break
    if start is None or end is None:
        return set()
    return {t.map[0] for t in tokens if t.map and start <= t.map[0] < end}


# --------------------------------------------------------------------------- text


def inline_text(tok: Token, *, code_marks: bool = False) -> str:
    """Plain text of an inline token: link and emphasis markup removed, code
    spans kept (in backticks with `code_marks`: answers show them as code),
    soft breaks kept as newlines (for line numbers)."""
    if tok.type != "inline":
        return ""
    out: list[str] = []
    for child in tok.children or ():
        if child.type == "code_inline" and code_marks:
            out.append(f"`{child.content}`")
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "image":
            out.append(child.content or "")
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            out.append("\n")
    return "".join(out)


def _blocks_of(body: Sequence[Token]) -> list[Block]:
    blocks: list[Block] = []
    in_item = 0  # inside a list item (lists nest)
    row: list[str] | None = None  # cells of the table row being read
    row_line, in_head = 0, False
    for tok in body:
        if tok.type == "list_item_open":
            in_item += 1
        elif tok.type == "list_item_close":
            in_item -= 1
        elif tok.type in ("thead_open", "thead_close"):
            in_head = tok.type == "thead_open"
        elif tok.type == "tr_open":
            row, row_line = [], (tok.map[0] + 1 if tok.map else row_line)
        elif tok.type == "tr_close" and row is not None:
            # A table row reads as one line ("Downtime per year | 52min 35.7s"):
            # the header as text, each row as an item of the list it heads.
            text = " | ".join(c for c in row if c)
            if text:
                blocks.append(Block("text" if in_head else "item", text, row_line))
            row = None
        elif tok.type == "inline" and row is not None:
            row.append(inline_text(tok, code_marks=True).strip())
        elif tok.type == "inline" and tok.map:
            text = inline_text(tok, code_marks=True).strip()
            if text:
                kind = "link" if _only_a_link(tok) else "item" if in_item else "text"
                blocks.append(Block(kind, text, tok.map[0] + 1))
        elif tok.type in ("fence", "code_block") and tok.map:
            code = tok.content.rstrip("\n")
            if code.strip():
                first = tok.map[0] + (2 if tok.type == "fence" else 1)
                blocks.append(Block("code", code, first))
        elif tok.type == "html_block" and tok.map:
            text = _WS.sub(" ", _TAG.sub(" ", tok.content)).strip()
            if text:
                blocks.append(Block(_html_kind(tok.content), text, tok.map[0] + 1))
    return blocks


def _only_a_link(tok: Token) -> bool:
    """A paragraph or list item that is nothing but a link ("[Title](url)"):
    a reference to read elsewhere, not something the notes say."""
    children = [
        c for c in tok.children or () if not (c.type == "text" and not c.content.strip(" -–—:,."))
    ]
    return (
        len(children) >= 3
        and children[0].type == "link_open"
        and children[-1].type == "link_close"
        and sum(c.type == "link_open" for c in children) == 1
    )


def _html_kind(html: str) -> str:
    """An image with its caption ("Source: CAP theorem revisited") is a figure:
    kept for display, but it says nothing an answer could quote."""
    if not re.search(r"<(?:img|a)\b", html, re.IGNORECASE):
        return "text"
    said = _TAG.sub(" ", _LINKED.sub(" ", html))
    return "figure" if len(said.split()) < 3 else "text"


def _with_status(section: Section) -> Section:
    """Mark a section deprecated when its heading or its status line says so,
    and note what replaces it where the notes say."""
    text_blocks = [b for b in section.blocks if b.kind in ("text", "item")]
    deprecated = bool(_DEPRECATED.search(section.title)) or any(
        _STATUS_LINE.match(b.text) and _DEPRECATED.search(b.text) and len(b.text) < 120
        for b in text_blocks[:2]
    )
    replaced_by = None
    if deprecated:
        for b in text_blocks:
            m = _REPLACEMENT.search(_WS.sub(" ", b.text))
            if m:
                replaced_by = m.group("what").strip()
                break
    return replace(section, deprecated=deprecated, replaced_by=replaced_by)


def _only_link(body: list[Token]) -> str | None:
    """The relative link of a section whose content is nothing but that link."""
    inlines = [t for t in body if t.type == "inline"]
    others = [
        t
        for t in body
        if t.type not in ("inline", "paragraph_open", "paragraph_close")
        and not t.type.startswith(("bullet_list", "list_item", "ordered_list"))
    ]
    if not inlines or others or len(inlines) > 3:
        return None
    href = None
    words: list[str] = []
    for inline in inlines:
        inside_link = False
        for child in inline.children or ():
            if child.type == "link_open":
                inside_link = True
                candidate = str(child.attrs.get("href", ""))
                if href is None and candidate and not re.match(r"^[a-z][a-z0-9+.-]*:", candidate):
                    href = candidate
            elif child.type == "link_close":
                inside_link = False
            elif child.type == "text" and not inside_link:
                words += re.findall(r"[a-z]+", child.content.lower())
    if href is None or any(w not in _LINK_FILLER for w in words):
        return None
    return href


def resolve_link(rel: str, href: str, files: set[str]) -> str | None:
    """The note a relative link from `rel` points at, if the corpus has it:
    the file itself, or a folder's README.md / index.md / <folder>.md."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    if not href or href.startswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
    if target.startswith("..") or target == ".":
        return None  # outside the corpus
    if target in files:
        return target
    lower = {f.lower(): f for f in files}
    name = posixpath.basename(target)
    for candidate in (*README_NAMES, f"{name}.md", f"{name}.markdown"):
        hit = lower.get(f"{target}/{candidate}".lower())
        if hit:
            return hit
    return None


def section_text(section: Section, *, code: bool = True) -> str:
    """All of a section's text, for lexical search and display."""
    return "\n".join(b.text for b in section.blocks if code or b.kind != "code")
