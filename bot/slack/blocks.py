"""Block Kit messages, as pure functions of the domain objects.

Every message has a plain-text fallback (`text`, used in notifications and
by clients that cannot show blocks). Anything taken from the notes or from a
question is escaped (see `text.escape`) in both the blocks and the fallback,
and cut to Slack's limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from index.answer import NEAREST_LEAD, paragraphs
from index.catalog import path_id, plain_name
from index.domain import PATH_SEP, Answer, Category, Citation, Project, Section
from index.freshness import noted, stale_message

from .notes import section_ref
from .text import clip, escape, link

Block = dict[str, Any]

# Slack's limits (https://api.slack.com/reference/block-kit/blocks).
SECTION_TEXT_MAX = 3000
BLOCKS_MAX = 50
FALLBACK_MAX = 3000  # `text` may be longer, but notifications are cut far sooner
BUTTON_VALUE_MAX = 2000
CONTEXT_TEXT_MAX = 2000

FEEDBACK_BLOCK_ID = "notes_feedback"
THANKS_BLOCK_ID = "notes_feedback_thanks"
ACTION_FEEDBACK_UP = "notes_feedback_up"
ACTION_FEEDBACK_DOWN = "notes_feedback_down"
ACTION_SHOW_SECTION = "notes_show_section"  # + "_<n>": action ids are unique per message

APOLOGY = "Sorry, I couldn't search the notes just now. Please try again in a minute."
NOT_POSTED = "Sorry, I couldn't post my reply here just now. Please try again in a minute."


@dataclass(frozen=True)
class Reply:
    text: str  # the fallback
    blocks: list[Block] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


# --------------------------------------------------------------------------- primitives


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": mrkdwn(clip(text, SECTION_TEXT_MAX)), **extra}


def context(text: str, **extra: Any) -> Block:
    return {"type": "context", "elements": [mrkdwn(clip(text, CONTEXT_TEXT_MAX))], **extra}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    out: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text[:75], "emoji": True},
        "action_id": action_id,
        "value": value[:BUTTON_VALUE_MAX],
    }
    if style:
        out["style"] = style
    return out


def chunks(lines: Iterable[str], limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Pack escaped lines into texts of at most `limit` characters each,
    splitting only a line that is longer than the limit by itself."""
    out: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            head = clip(line, limit)[:-1] or line[:limit]  # clip() keeps entities whole
            if current:
                out.append(current)
                current = ""
            out.append(head)
            line = line[len(head) :]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def fit(blocks: list[Block], tail: Sequence[Block] = (), note: str | None = None) -> list[Block]:
    """At most BLOCKS_MAX blocks: `tail` (e.g. the buttons) always kept, the
    body cut with a note saying so."""
    room = BLOCKS_MAX - len(tail)
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], context(note or "_(cut to fit in one Slack message)_")]
    return [*blocks, *tail]


def fallback(*parts: str) -> str:
    return clip("\n".join(p for p in parts if p), FALLBACK_MAX)


def heading_path(path: Sequence[str]) -> str:
    return PATH_SEP.join(path)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- answers


def citation_text(citation: Citation) -> str:
    """`*<url|Notes › Network › ingress>*` and `` `README.md:488` ``."""
    path = heading_path(citation.path)
    title = link(citation.url, path) if citation.url else escape(path)
    when = f" · {noted(citation.updated)}" if citation.updated else ""
    return f"*{title}*\n`{escape(citation.source)}:{citation.line}`{when}"


def note_text(note: str) -> str:
    """The engine's note under an answer: a link when it is a URL."""
    if note.startswith(("https://", "http://")) and " " not in note:
        return link(note, note)
    return escape(note)


def feedback_value(answer_id: str, vote: str) -> str:
    """The answer's id, not its question: any question fits in Slack's
    2,000-character limit only as an id (the bot keeps the question)."""
    return _json({"a": answer_id, "v": vote})


def feedback_buttons(answer_id: str) -> Block:
    return {
        "type": "actions",
        "block_id": FEEDBACK_BLOCK_ID,
        "elements": [
            button("👍 Helpful", ACTION_FEEDBACK_UP, feedback_value(answer_id, "up")),
            button("👎 Not helpful", ACTION_FEEDBACK_DOWN, feedback_value(answer_id, "down")),
        ],
    }


CODE_MAX = 2000  # one snippet in one section block, with room for its fences


def code_block(escaped: str) -> str:
    # A ``` inside the code would end Slack's code block early.
    return "```\n" + escaped.replace("```", "`\u200b``") + "\n```"


# An answer's text is at most index/answer.py's MAX_ANSWER_CHARS; a short
# note given whole alternates prose and snippets (three snippets with the
# sentences around them: seven sections), all of which should show.
ANSWER_BLOCKS_MAX = 8


def answer_body(answer: Answer) -> list[Block]:
    """The answer's parts as sections: prose and items as mrkdwn, each snippet
    fenced as code in a section of its own (clipped: "Show section" has it all)."""
    if not answer.parts:
        return [section(t) for t in chunks(escape(answer.text).split("\n"))][:ANSWER_BLOCKS_MAX]
    blocks: list[Block] = []
    prose: list[str] = []

    def flush() -> None:
        blocks.extend(section(t) for t in chunks(prose))
        prose.clear()

    for part in paragraphs(answer.parts):
        if part.kind == "code":
            flush()
            blocks.append(section(code_block(clip(escape(part.text), CODE_MAX))))
        else:
            prose.append(("• " if part.kind == "item" else "") + escape(part.text))
    flush()
    return blocks[:ANSWER_BLOCKS_MAX]


def answer_message(
    answer: Answer,
    *,
    answer_id: str,
    categories: Sequence[Category] = (),
    command: str = "/notes",
    continued: str | None = None,
) -> Reply:
    """An answer with its cited sections, or 'not in the notes'; `continued`
    says what of the thread it continued from ("From keda › Installation,
    continuing from your question about keda")."""
    if not answer.found:
        return not_found_message(
            answer, answer_id=answer_id, categories=categories, command=command
        )
    body: list[Block] = [context(f"↪ _{escape(continued)}_")] if continued else []
    body += answer_body(answer)
    if answer.deprecated:
        warning = ":warning: The notes mark this as *deprecated*"
        if answer.replaced_by:
            warning += f"; they point to *{escape(answer.replaced_by)}* instead"
        body.append(context(warning + "."))
    if answer.stale:
        body.append(context(f":hourglass: {stale_message(answer)}"))
    if answer.note:
        body.append(context(note_text(answer.note)))
    if answer.citations:
        body.append(context(f"*{'Source' if len(answer.citations) == 1 else 'Sources'}*"))
    body += citation_rows(answer.citations)
    sources = _sources(answer.citations)
    text = fallback(
        f"({escape(continued)})" if continued else "",
        escape(answer.text),
        ":warning: deprecated" if answer.deprecated else "",
        stale_message(answer) if answer.stale else "",
        f"Sources: {escape(sources)}" if sources else "",
    )
    return Reply(text, fit(body, [feedback_buttons(answer_id)]))


def citation_rows(citations: Sequence[Citation]) -> list[Block]:
    """A section per cited section, with its "Show section" button."""
    return [
        section(
            citation_text(c),
            accessory=button("Show section", f"{ACTION_SHOW_SECTION}_{n}", _json(section_ref(c))),
        )
        for n, c in enumerate(citations)
    ]


def _sources(citations: Sequence[Citation]) -> str:
    return "; ".join(f"{heading_path(c.path)} ({c.source}:{c.line})" for c in citations)


def not_found_message(
    answer: Answer,
    *,
    answer_id: str,
    categories: Sequence[Category] = (),
    command: str = "/notes",
) -> Reply:
    asked = f" about “{escape(clip(answer.question, 300))}”" if answer.question else ""
    lead = f"*Not in the notes.* I couldn't find anything{asked} in the notes."
    body = [section(lead)]
    if answer.nearest:
        body.append(context(f"{NEAREST_LEAD}:"))
        body += citation_rows(answer.nearest)
    if categories:
        names = _names(categories)
        body.append(
            section(f"You can browse them by category: {names}. Try `{command} list <category>`.")
        )
    if answer.note:
        body.append(context(note_text(answer.note)))
    text = fallback(
        f"Not in the notes: I couldn't find anything{asked} in the notes.",
        f"{NEAREST_LEAD}: {escape(_sources(answer.nearest))}" if answer.nearest else "",
    )
    return Reply(text, fit(body, [feedback_buttons(answer_id)]))


def follow_up_not_found(question: str) -> Reply:
    """A follow-up in a thread that the notes don't cover: one short line
    (said once per thread; the full 'not in the notes' is for new questions)."""
    text = f"I couldn't find “{escape(clip(question, 200))}” in the notes."
    return Reply(text, [context(text)])


def with_thanks(blocks: Sequence[Block], user_id: str, vote: str) -> list[Block]:
    """The message with its feedback buttons replaced by a thank-you."""
    user = f"<@{user_id}>" if user_id.isalnum() else "you"
    if vote == "up":
        thanks = f"👍 Thanks for the feedback, {user}!"
    else:
        thanks = f"👎 Thanks, {user}: noted, so the team can see what the notes miss."
    kept = [b for b in blocks if b.get("block_id") not in (FEEDBACK_BLOCK_ID, THANKS_BLOCK_ID)]
    return [*kept[: BLOCKS_MAX - 1], context(thanks, block_id=THANKS_BLOCK_ID)]


def apology_message() -> Reply:
    return Reply(APOLOGY, [section(f":warning: {APOLOGY}")])


# --------------------------------------------------------------------------- browsing


def help_message(command: str, bot_user_id: str | None = None, follow_ups: bool = True) -> Reply:
    me = f"<@{bot_user_id}>" if bot_user_id else "me"
    lines = [
        "*I answer questions from the team's notes, citing the sections I used.*",
        f"• Mention {me} with a question in a channel: I answer in its thread.",
        "• Send me a direct message with a question.",
    ]
    if follow_ups:
        lines.append(
            "• Reply in a thread I answered to ask a follow-up, no mention needed: "
            "“how do I install it?”, “and for velero?”, “the other one”, “more”."
        )
    lines += [
        f"• `{command} <question>` or `{command} ask <question>`: an answer only you can see.",
        f"• `{command} categories`: the categories of the notes.",
        f"• `{command} list <category>`: the entries of a category, a page at a time "
        f"(part of its name is enough: `{command} list net`).",
        f"• `{command} gaps`: the questions the notes could not answer lately.",
        f"• `{command} help`: this message.",
    ]
    text = fallback(
        f"I answer questions from the team's notes. Mention me, DM me, or use "
        f"{command} <question>, {command} categories, {command} list <category>."
    )
    return Reply(text, [section("\n".join(lines))])


def usage_message(command: str, bad: str, suggestion: str | None = None) -> Reply:
    lead = f"I don't know `{escape(clip(bad, 100))}`."
    if suggestion:
        lead += f" Did you mean `{command} {suggestion}`?"
    help_ = help_message(command, follow_ups=False)
    return Reply(fallback(lead, help_.text), [section(lead), *help_.blocks])


def _category_title(category: Category) -> str:
    name = PATH_SEP.join(category.path) or category.name
    return link(category.url, name) if category.url else escape(name)


def _entries(n: int) -> str:
    return _plural(n, "entry", "entries")


def _names(categories: Sequence[Category], limit: int = 15) -> str:
    """`*A*, *B*, … and 60 more`: a few names, never a wall of them."""
    names = ", ".join(f"*{escape(c.name)}*" for c in categories[:limit])
    more = len(categories) - limit
    return f"{names} and {more} more" if more > 0 else names


PAGE_SIZE = 20  # items of the catalog on one page
OPTIONS_MAX = 100  # Slack's limit for a static select
OPTION_TEXT_MAX = 75
ACTION_CATALOG_PREV = "notes_catalog_prev"
ACTION_CATALOG_NEXT = "notes_catalog_next"
ACTION_CATALOG_UP = "notes_catalog_up"
ACTION_CATALOG_OPEN = "notes_catalog_open"
CATALOG_BLOCK_ID = "notes_catalog_nav"


def catalog_value(path: Sequence[str], page: int = 0) -> str:
    """What a browsing button or option carries: the category's short id
    (a select's option value holds 150 characters; a path may not fit) and
    the page."""
    return _json({"c": path_id(path), "n": page})


def _entry_line(p: Project) -> str:
    name = plain_name(p.name)
    title = link(p.url, name) if p.url else escape(name)
    mark = " :warning: _deprecated_" if p.deprecated else ""
    if p.deprecated and p.replaced_by:
        mark += f" (replaced by *{escape(p.replaced_by)}*)"
    if p.link_only:
        mark += " _(see its own note)_"
    return f"• {title}{mark}"


def _option(category: Category) -> Block:
    label = f"{category.name} ({category.size})"
    if len(label) > OPTION_TEXT_MAX:
        label = (
            f"{category.name[: OPTION_TEXT_MAX - len(str(category.size)) - 4]}… ({category.size})"
        )
    return {
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": catalog_value(category.path),
    }


def _nav(category: Category, page: int, pages: int) -> Block | None:
    """Previous / Next / Up, and a select to open one of its categories
    (those around this page when there are more than a select holds)."""
    elements: list[Block] = []
    if page > 0:
        elements.append(
            button("◀ Previous", ACTION_CATALOG_PREV, catalog_value(category.path, page - 1))
        )
    if page + 1 < pages:
        elements.append(
            button("Next ▶", ACTION_CATALOG_NEXT, catalog_value(category.path, page + 1))
        )
    if category.path:
        elements.append(button("⬆ Up", ACTION_CATALOG_UP, catalog_value(category.path[:-1])))
    subs = category.categories
    if subs:
        start = max(0, min(page * PAGE_SIZE, len(subs) - OPTIONS_MAX))
        elements.append(
            {
                "type": "static_select",
                "action_id": ACTION_CATALOG_OPEN,
                "placeholder": {"type": "plain_text", "text": "Open a category", "emoji": True},
                "options": [_option(c) for c in subs[start : start + OPTIONS_MAX]],
            }
        )
    return (
        {"type": "actions", "block_id": CATALOG_BLOCK_ID, "elements": elements}
        if elements
        else None
    )


def catalog_page(category: Category, command: str, page: int = 0) -> Reply:
    """One page of a category: its categories (with their sizes) first, then
    its entries, PAGE_SIZE at a time, with buttons to page and a select to
    open a category. Entries link to the notes, or offer "Show section"."""
    top = not category.path
    items: list[Category | Project] = [*category.categories, *category.projects]
    if top and not items:
        return Reply(
            "The notes have no categories yet.", [section("The notes have no categories yet.")]
        )
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]

    if top and not category.categories:
        head = f"*The notes have {_entries(category.size)}:*"
    elif top:
        head = f"*The notes have {_plural(len(category.categories), 'category', 'categories')}*"
        if category.projects:
            head += f" and {_entries(len(category.projects))} of their own"
        head += f" ({_entries(category.size)} in all):"
    else:
        count = _entries(category.size)
        deprecated = sum(p.deprecated for p in category.projects)
        if deprecated:
            count += f", {deprecated} deprecated"
        head = f"*{_category_title(category)}* ({count}):"
    body: list[Block] = [section(head)]
    if category.description:
        body.append(context(escape(category.description)))

    lines: list[str] = []
    buttons = 0

    def flush() -> None:
        body.extend(section(t) for t in chunks(lines))
        lines.clear()

    for item in shown:
        if isinstance(item, Category):
            name = link(item.url, item.name) if item.url else escape(item.name)
            lines.append(f"• *{name}*: {_entries(item.size)}")
        elif item.url or not item.section_id:
            lines.append(_entry_line(item))
        else:
            flush()  # its own section, for the button
            value = _json({"i": item.section_id})
            accessory = button("Show section", f"{ACTION_SHOW_SECTION}_{buttons}", value)
            buttons += 1
            body.append(section(_entry_line(item), accessory=accessory))
    flush()
    if not shown:
        body.append(section("_Nothing listed._"))

    tail: list[Block] = []
    if pages > 1:
        first = page * PAGE_SIZE + 1
        tail.append(
            context(
                f"Page {page + 1} of {pages} · {first}–{first + len(shown) - 1} of {len(items)}"
            )
        )
    nav = _nav(category, page, pages)
    if nav:
        tail.append(nav)
    tail.append(context(f"`{command} list <category>` opens one; part of its name is enough."))
    plain = [
        f"{c.name}: {_entries(c.size)}" if isinstance(c, Category) else _plain_entry(c)
        for c in shown
    ]
    title = "The notes" if top else (PATH_SEP.join(category.path) or category.name)
    text = fallback(f"{escape(title)} ({_entries(category.size)}):", *map(escape, plain))
    return Reply(text, fit(body, tail))


def _plain_entry(p: Project) -> str:
    return f"- {plain_name(p.name)}{' (deprecated)' if p.deprecated else ''}"


def no_such_category(query: str, near: Sequence[Category], command: str) -> Reply:
    """Nothing matched: the nearest names, else the top-level ones."""
    lead = f"No category matches “{escape(clip(query, 100))}”."
    names = _names(near) or "_none yet_"
    body = [section(f"{lead} The closest: {names}. `{command} categories` lists them all.")]
    return Reply(fallback(lead), body)


def list_usage(categories: Sequence[Category], command: str) -> Reply:
    names = _names(categories) or "_none yet_"
    lead = f"Which category? `{command} list <category>`, one of: {names}."
    return Reply(fallback(f"Which category? {command} list <category>"), [section(lead)])


CATEGORY_GONE = "That category is no longer in the notes (they were re-indexed since)."


# --------------------------------------------------------------------------- sections


def _block_lines(section_: Section) -> list[str]:
    lines: list[str] = []
    for block in section_.blocks:
        if block.kind == "code":
            lines.append(code_block(escape(block.text)))
        elif block.kind == "item":
            lines.append(f"• {escape(block.text)}")
        else:
            lines.append(escape(block.text))
    return lines


def section_message(section_: Section, url: str | None = None) -> Reply:
    """The full text of one section of the notes."""
    path = heading_path(section_.path)
    title = link(url, path) if url else escape(path)
    where = f"`{escape(section_.source)}:{section_.start_line}`"
    body = [section(f"*{title}*\n{where}")]
    texts = chunks(_block_lines(section_) or ["_This section has no text of its own._"])
    more = f"_(cut to fit in one Slack message; the rest is in {where})_"
    body = fit(body + [section(t) for t in texts], note=more)
    plain = "\n".join(escape(b.text) for b in section_.blocks)
    return Reply(fallback(f"{escape(path)} ({section_.source}:{section_.start_line})", plain), body)
