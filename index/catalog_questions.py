"""Questions about the catalog itself, asked in words: "list the networking
projects", "what do the notes say about postgres?", "which projects are
deprecated?". They want the entries of a category (or the deprecated ones),
not the one section that matches best.

Conservative on purpose: a question is one of these only when its whole
wording is a listing ("list …", "which X projects do the notes cover",
"what is in …") and what it names is a category; anything else ("how do I
seal a secret?", "what was resorcerer?") is left to search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .answer import render
from .catalog import find_category, plain_name
from .domain import PATH_SEP, Answer, AnswerPart, Category, Citation, Project, Section

SHOWN = 15  # entries named in an answer; the rest are a `list` away
CITED = 3

_NOUNS = (
    r"(?P<noun>projects?|notes?|entries|entry|topics?|tools?|things|pages?|docs|documents|"
    r"sections?|items|tils?|articles?|write-?ups?)"
)
_KIND = r"(?: (?:category|categories|folder|section|topic|area))"
_IN_NOTES = r"(?: (?:in|from) (?:the|our|your) notes)?"
_WHAT = r"(?:the )?(?P<what>[\w .&+#/-]+?)"

# Whole-question patterns (the question lower-cased, its punctuation at the
# end and a polite start removed).
_LISTINGS = [
    # list the networking projects / show me the git notes / browse postgres
    rf"(?:list|show(?: me)?|browse|give me)(?: all)?(?: of)? {_WHAT}(?: {_NOUNS})?{_KIND}?"
    rf"{_IN_NOTES}",
    # what do the notes say about postgres / what do the notes have on vim
    rf"what do(?:es)? (?:the|our|your) notes (?:say|have|cover|contain|know|list) "
    rf"(?:about|on|for|of|in|under) {_WHAT}(?: {_NOUNS})?{_KIND}?",
    # what is in the network category / what's under git
    rf"what(?: is|'s|s| are) (?:there )?(?:in|under) {_WHAT}{_KIND}?{_IN_NOTES}",
    # which networking projects do the notes cover / what git notes are there
    rf"(?:which|what) {_WHAT} {_NOUNS} (?:do|does|did|are|are there|exist)"
    rf"(?: (?:the|our|your) notes| we| you| they)?"
    rf"(?: (?:cover|have|list|mention|include|describe|document|contain|know about))?"
    rf"{_IN_NOTES}",
    # which projects in the notes deal with storage / what notes are there on vim
    rf"(?:which|what) {_NOUNS}{_IN_NOTES}(?: do (?:the|our|your) notes have| do we have"
    rf"| are there| are listed| exist)? (?:are )?(?:in|under|about|for|on|deal with|dealing with|"
    rf"cover|covering|related to|relate to|concern|concerning) {_WHAT}{_KIND}?{_IN_NOTES}",
]
_DEPRECATED = [
    # which projects are deprecated / which networking projects were deprecated
    rf"(?:which|what)(?: {_WHAT})? {_NOUNS}{_IN_NOTES} (?:are|were|have been|got|is)"
    rf" (?:marked |now |still )?(?:as )?deprecated{_IN_NOTES}",
    # list the deprecated projects (in network)
    rf"(?:list|show(?: me)?|give me)(?: all)?(?: of)?(?: the)? deprecated {_NOUNS}"
    rf"(?: (?:in|under) {_WHAT}{_KIND}?)?{_IN_NOTES}",
    # what is deprecated (in networking)
    rf"what(?: is|'s|s| are)(?: marked)?(?: as)? deprecated(?: (?:in|under) {_WHAT}{_KIND}?)?"
    rf"{_IN_NOTES}",
    # which deprecated projects do the notes have / what are the deprecated projects
    rf"(?:which|what)(?: are the)? deprecated {_NOUNS}(?: are there| do (?:the|our|your) notes "
    rf"(?:have|list|mention))?(?: (?:in|under) {_WHAT}{_KIND}?)?{_IN_NOTES}",
]
_LISTING_RES = [re.compile(p) for p in _LISTINGS]
_DEPRECATED_RES = [re.compile(p) for p in _DEPRECATED]
_POLITE = re.compile(r"^(?:(?:please|pls|hey|hi|ok|so)\b[ ,]*|(?:can|could|would) you\b ?)+")
_END = re.compile(r"[\s?!.]+$")
_THANKS = re.compile(r"[\s,]*\b(?:please|pls|thanks|thank you)$")


def _normalized(question: str) -> str:
    q = " ".join(question.casefold().replace("’", "'").split())
    q = _END.sub("", _POLITE.sub("", q))
    return _END.sub("", _THANKS.sub("", q))


def catalog_answer(
    question: str,
    root: Category,
    categories: Sequence[Category],
    section_of: Callable[[str], Section | None],
) -> Answer | None:
    """The answer from the catalog when `question` is about it, else None.

    `categories` are the catalog's categories shallow first; `section_of`
    finds a section by id (for citations)."""
    q = _normalized(question)
    if not q or len(q) > 120:
        return None
    for pattern in _DEPRECATED_RES:
        m = pattern.fullmatch(q)
        if m:
            scope = _named(m, categories)
            if scope is None and m.group("what"):
                return None
            return _deprecated(question, scope or root, scope is not None, _noun(m), section_of)
    for pattern in _LISTING_RES:
        m = pattern.fullmatch(q)
        if m:
            category = _named(m, categories)
            if category is not None:
                return _listing(question, category, categories, _noun(m), section_of)
    return None


def _named(m: re.Match[str], categories: Sequence[Category]) -> Category | None:
    what = m.group("what")
    if not what or len(what) < 2:
        return None
    return find_category(categories, what, loose=False)


def _noun(m: re.Match[str]) -> str:
    noun = m.group("noun") if "noun" in m.re.groupindex else None
    if noun and noun.endswith("s") and noun not in ("things", "items", "docs"):
        return noun
    return "entries"


def _entries(category: Category) -> list[tuple[Project, Category]]:
    """Every entry in `category` and below, with the category it is in."""
    out = [(p, category) for p in category.projects]
    for sub in category.categories:
        out += _entries(sub)
    return out


def _where(category: Category) -> str:
    return PATH_SEP.join(category.path) or category.name


def _list_name(category: Category, categories: Sequence[Category]) -> str:
    """What to type after `list` to get this very category."""
    same = sum(c.name.casefold() == category.name.casefold() for c in categories)
    return "/".join(category.path) if same > 1 else category.name


def _mark(p: Project) -> str:
    if p.deprecated:
        return f" (deprecated; replaced by {p.replaced_by})" if p.replaced_by else " (deprecated)"
    return ""


def _listing(
    question: str,
    category: Category,
    categories: Sequence[Category],
    noun: str,
    section_of: Callable[[str], Section | None],
) -> Answer:
    items = [f"{c.name} ({c.size})" for c in category.categories]
    items += [f"{p.name}{_mark(p)}" for p in category.projects]
    lead = f"The notes list {category.size} {noun} under {_where(category)}:"
    parts = [AnswerPart("text", category.description)] if category.description else []
    parts += [AnswerPart("text", lead), *(AnswerPart("item", i) for i in items[:SHOWN])]
    if len(items) > SHOWN:
        more = len(items) - SHOWN
        again = f"`list {_list_name(category, categories)}`"
        parts.append(AnswerPart("text", f"… and {more} more: {again} shows them all."))
    cited = _cite_category(category, section_of)
    if not cited:
        cited = _cite_entries([p for p, _ in _entries(category)][:CITED], section_of)
    return Answer(question, True, render(parts), tuple(cited), parts=tuple(parts))


def _deprecated(
    question: str,
    scope: Category,
    scoped: bool,
    noun: str,
    section_of: Callable[[str], Section | None],
) -> Answer | None:
    found = [(p, c) for p, c in _entries(scope) if p.deprecated]
    if not found:
        return None  # nothing marked: what the notes say about it is for search to find
    where = f" under {_where(scope)}" if scoped else ""
    lead = f"The notes mark {len(found)} {noun}{where} as deprecated:"
    items = []
    for p, c in found:
        within = f" ({_where(c)})" if c is not scope and c.path else ""
        instead = f": replaced by {p.replaced_by}" if p.replaced_by else ""
        items.append(f"{plain_name(p.name)}{within}{instead}")
    parts = [AnswerPart("text", lead), *(AnswerPart("item", i) for i in items[:SHOWN])]
    if len(items) > SHOWN:
        parts.append(AnswerPart("text", f"… and {len(items) - SHOWN} more."))
    cited = _cite_entries([p for p, _ in found][:CITED], section_of)
    return Answer(question, True, render(parts), tuple(cited), parts=tuple(parts))


def _citation(s: Section, url: str | None) -> Citation:
    return Citation(s.title, s.path, s.source, s.start_line, 1.0, url, section_id=s.id)


def _cite_category(
    category: Category, section_of: Callable[[str], Section | None]
) -> list[Citation]:
    s = section_of(category.section_id) if category.section_id else None
    return [_citation(s, category.url)] if s is not None else []


def _cite_entries(
    projects: Sequence[Project], section_of: Callable[[str], Section | None]
) -> list[Citation]:
    out = []
    for p in projects:
        s = section_of(p.section_id) if p.section_id else None
        if s is not None:
            out.append(_citation(s, p.url))
    return out
