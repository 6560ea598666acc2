"""Browsing: the catalog of the notes, following their folders and headings.

- A folder is a category; folders nest.
- A note is an entry, titled by its title (its first heading, or its name).
- A note with several top-level headings (the first depth below its title
  with more than one heading) is a category of them: a heading with
  sub-headings is a category of those, one without is an entry. Nothing
  deeper: the rest of a note is the content of its entries.
- A folder's README.md / index.md describes the folder (its first paragraph)
  and its headings are the folder's own. Headings that only link elsewhere
  (a table of contents, per-topic link lists) are left out: the folders
  already list those notes.
- The top is the first level with more than one item: a notes folder that
  holds a single folder is browsed from inside it.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .domain import Category, Project, Section, note_url
from .markdown import README_NAMES

DESCRIPTION_MAX = 300
_WORD = re.compile(r"[^\W_]+")
_PATH_SEP = re.compile(r"\s*(?:/|›|>)\s*")
_SUFFIXES = ("ing", "es", "s", "ed")  # "networking" → Network, "secrets" → Secret
_DEPRECATED_MARK = re.compile(r"^\s*(?:\(deprecated\)|\[deprecated\]|deprecated:)", re.I)


# --------------------------------------------------------------------------- building


@dataclass
class _Node:
    """A category while the catalog is being built."""

    name: str
    source: str
    line: int = 0
    section_id: str = ""
    description: str | None = None
    own: list[_Node | Project] = field(default_factory=list)  # README/note headings, in order
    folders: dict[str, _Node] = field(default_factory=dict)
    notes: list[_Node | Project] = field(default_factory=list)  # the folder's other notes
    readme: str | None = None  # the title of the note that describes it (its name if none)

    def merge(self, other: _Node) -> None:
        self.own += other.own
        self.notes += other.notes
        for name, folder in other.folders.items():
            if name in self.folders:
                self.folders[name].merge(folder)
            else:
                self.folders[name] = folder
        self.description = self.description or other.description


def build_catalog(
    sections: Sequence[Section], base_url: str | None, root_name: str = "notes"
) -> Category:
    """The catalog of the notes: its top category (see the module's doc)."""
    by_source: dict[str, list[Section]] = {}
    for s in sections:
        by_source.setdefault(s.source, []).append(s)
    root = _Node(root_name, "")
    for source, secs in by_source.items():
        folder = _folder(root, posixpath.dirname(source))
        note = _note(source, secs, base_url)
        if posixpath.basename(source).lower() in README_NAMES:
            folder.readme = note.name
            folder.source, folder.line, folder.section_id = source, note.line, note.section_id
            folder.description = folder.description or _about(folder.name, note)
            folder.own += note.own
        elif note.own:
            folder.notes.append(note)
        else:
            folder.notes.append(_entry(note, secs, base_url))
    top = root
    while not top.own and not top.notes and len(top.folders) == 1 and not top.readme:
        top = next(iter(top.folders.values()))
    frozen = _freeze(top, (), base_url)
    if isinstance(frozen, Category):
        return frozen
    return Category(top.name, top.source, top.line, (frozen,) if frozen else ())


def _folder(root: _Node, dirname: str) -> _Node:
    node = root
    for i, part in enumerate(p for p in dirname.split("/") if p):
        if part not in node.folders:
            node.folders[part] = _Node(part, "/".join(dirname.split("/")[: i + 1]))
        node = node.folders[part]
    return node


def _note(source: str, secs: list[Section], base_url: str | None) -> _Node:
    """A note as a category of its top-level headings (`own` stays empty
    when it has fewer than two: the note is then an entry)."""
    title = secs[0].path[0]
    head = [s for s in secs if s.path == (title,)]  # the preamble and the title heading
    titled = next((s for s in head if s.level >= 1), None)
    lead = titled or (head[0] if head else None)
    node = _Node(title, source, titled.start_line if titled else 0, lead.id if lead else "")
    node.description = _first_paragraph(head)
    headings = [s for s in secs if len(s.path) >= 2 and s.level >= 1]
    depths = Counter(len(s.path) for s in headings)
    several = [d for d, n in depths.items() if n > 1]
    if not several:
        return node
    depth = min(several)
    for i, s in enumerate(headings):
        if len(s.path) != depth:
            continue
        end = _end(headings, i)
        if _only_links(headings[i:end]):
            continue
        children = [
            _project(c, base_url)
            for k, c in enumerate(headings[i + 1 : end], i + 1)
            if len(c.path) == depth + 1 and not _only_links(headings[k : _end(headings, k)])
        ]
        if children:
            sub = _Node(s.title, s.source, s.start_line, s.id, _first_paragraph([s]))
            sub.own = list(children)
            node.own.append(sub)
        else:
            node.own.append(_project(s, base_url))
    return node


def _end(headings: list[Section], i: int) -> int:
    """The end (exclusive) of the headings under headings[i]."""
    path = headings[i].path
    j = i + 1
    while (
        j < len(headings)
        and headings[j].path[: len(path)] == path
        and len(headings[j].path) > len(path)
    ):
        j += 1
    return j


def _only_links(secs: Iterable[Section]) -> bool:
    """Headings whose content only points to other notes or places (a
    stray word after one link of a hundred does not make it content)."""
    kinds = Counter(b.kind for s in secs for b in s.blocks)
    links = kinds.pop("link", 0)
    kinds.pop("contents", None)
    return links > 0 and sum(kinds.values()) <= links // 20


def _about(folder: str, readme: _Node) -> str | None:
    """A folder's description: its README's title when that says more than
    the folder's name, and the README's first paragraph."""
    title = readme.name if readme.line and readme.name.casefold() != folder.casefold() else None
    about = " — ".join(t for t in (title, readme.description) if t) or None
    return _clipped(about) if about else None


def _clipped(text: str) -> str:
    if len(text) <= DESCRIPTION_MAX:
        return text
    return text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"


def _first_paragraph(secs: Iterable[Section]) -> str | None:
    """The first sentence-like paragraph (not a badge line or a language bar)."""
    for s in secs:
        for b in s.blocks:
            if b.kind == "text" and b.text.rstrip().endswith((".", "!", "?", ":", "。")):
                return _clipped(" ".join(b.text.split()))
    return None


def _project(s: Section, base_url: str | None = None, name: str | None = None) -> Project:
    return Project(
        name=name or s.title,
        source=s.source,
        line=s.start_line,
        deprecated=s.deprecated,
        link_only=s.is_link_only,
        url=note_url(base_url, s.source, s.start_line),
        section_id=s.id,
        replaced_by=s.replaced_by,
    )


def _entry(note: _Node, secs: list[Section], base_url: str | None) -> Project:
    """A note as one entry, named by its title, else its first heading, else its name."""
    first = next((s for s in secs if s.id == note.section_id), secs[0])
    name = note.name
    if note.line == 0:  # no title heading
        name = next((s.title for s in secs if s.level >= 1), name)
    return _project(first, base_url, name)


def _freeze(node: _Node, path: tuple[str, ...], base_url: str | None) -> Category | Project | None:
    """The finished category; a folder with nothing in it but its README is
    that note (an entry); an empty folder is nothing."""
    children: list[_Node | Project] = list(node.own)
    rest = [*node.folders.values(), *node.notes]
    children += sorted(rest, key=lambda c: c.name.casefold())
    merged: dict[str, _Node] = {}
    items: list[_Node | Project] = []
    for child in children:
        if isinstance(child, _Node):
            key = child.name.casefold()
            if key in merged:  # the same category twice (a folder and a heading, two notes)
                merged[key].merge(child)
                continue
            merged[key] = child
        items.append(child)
    categories: list[Category] = []
    projects: list[Project] = []
    for item in items:
        if isinstance(item, Project):
            projects.append(item)
            continue
        frozen = _freeze(item, (*path, item.name), base_url)
        if isinstance(frozen, Category):
            categories.append(frozen)
        elif frozen is not None:
            projects.append(frozen)
    if not categories and not projects:
        if not node.readme:
            return None
        return Project(
            node.readme,
            node.source,
            node.line,
            url=note_url(base_url, node.source, node.line or None),
            section_id=node.section_id,
        )
    return Category(
        name=node.name,
        source=node.source,
        line=node.line,
        projects=tuple(projects),
        url=note_url(base_url, node.source, node.line or None),
        categories=tuple(categories),
        path=path,
        description=node.description,
        section_id=node.section_id,
    )


# --------------------------------------------------------------------------- finding


def walk(root: Category) -> list[Category]:
    """Every category below `root`, shallow first."""
    out: list[Category] = []
    level = list(root.categories)
    while level:
        out += level
        level = [c for parent in level for c in parent.categories]
    return out


def path_id(path: Sequence[str]) -> str:
    """A short id for the category at `path`, the same while its path is
    (for Slack buttons, whose values are small)."""
    return hashlib.sha1("\0".join(path).encode()).hexdigest()[:12]


def by_path_id(root: Category, wanted: str) -> Category | None:
    if wanted == path_id(root.path):
        return root
    return next((c for c in walk(root) if path_id(c.path) == wanted), None)


def plain_name(name: str) -> str:
    """'(deprecated) foo' -> 'foo', where deprecation is shown otherwise."""
    bare = _DEPRECATED_MARK.sub("", name).strip()
    return bare or name


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _stem_of(q: str, n: str) -> bool:
    """`q` is `n` with an ending ("networking" for Network)."""
    return len(n) >= 4 and any(q == n + s or q == n.rstrip("e") + s for s in _SUFFIXES)


def _rules(q: str) -> list[Callable[[str], bool]]:
    sq = " ".join(_singular(w) for w in q.split())
    return [
        lambda n: n == q,
        lambda n: " ".join(_singular(w) for w in n.split()) == sq,
        lambda n: n.startswith(q),
        lambda n: any(w.startswith(q) for w in n.split()),
        lambda n: _stem_of(q, n),
    ]


def find_category(
    categories: Sequence[Category], query: str, *, loose: bool = True
) -> Category | None:
    """The category `query` names, among `categories` (give them shallow
    first: the first match of the strictest rule wins): its name in any
    case, singular or plural, the start of the name or of a word in it
    ("net" → Network, "dr" → Cluster & DR), the name with an ending
    ("networking"), or a path ("solutions/system_design"); `loose` adds a
    part of the name and a close spelling ("securty")."""
    raw = " ".join(query.split())
    parts = [_norm(p) for p in _PATH_SEP.split(raw) if _norm(p)]
    if not parts:
        return None
    names = [_norm(c.name) for c in categories]
    if len(parts) > 1:
        found = _by_path(categories, parts)
        if found is not None or not loose:
            return found
    q = _norm(raw)
    rules = _rules(q)
    if loose:
        rules.append(lambda n: len(q) >= 3 and q in n)
    for rule in rules:
        for c, n in zip(categories, names, strict=True):
            if rule(n):
                return c
    if not loose or len(q) < 4:
        return None
    best = process.extractOne(q, names, scorer=fuzz.WRatio, score_cutoff=85)
    return categories[best[2]] if best else None


def _by_path(categories: Sequence[Category], parts: list[str]) -> Category | None:
    """A category whose path ends with `parts`, each part as loosely named
    as a category (exact or singular first, then a start)."""
    for strict in (True, False):
        for c in categories:
            if len(c.path) < len(parts):
                continue
            tail = [_norm(p) for p in c.path[-len(parts) :]]
            rules = [_rules(p)[: 2 if strict else 4] for p in parts]
            if all(any(r(n) for r in rs) for rs, n in zip(rules, tail, strict=True)):
                return c
    return None


def closest(categories: Sequence[Category], query: str, limit: int = 5) -> list[Category]:
    """The categories whose names (or a word of them) are spelt nearest
    `query`, for "did you mean"; none when nothing is near."""
    q = _norm(query)
    scored = []
    for i, c in enumerate(categories):
        n = _norm(c.name)
        score = max([fuzz.ratio(q, n), *(fuzz.ratio(q, w) for w in n.split())])
        if score >= 65:
            scored.append((-score, i, c))
    out: list[Category] = []
    for _, _, c in sorted(scored, key=lambda x: (x[0], x[1])):
        if all(c.name != o.name for o in out):
            out.append(c)
    return out[:limit]
