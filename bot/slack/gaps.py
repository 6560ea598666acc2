"""Block Kit for the report of what the notes miss (`/notes gaps` and the
weekly digest): pure functions of the report."""

from __future__ import annotations

from bot.gaps.report import NO_WORDING, GapReport, headline, how_asked

from .blocks import Reply, context, fallback, fit, section
from .text import clip, escape

TOP_GROUPS = 10
WORDING_MAX = 300


def gaps_message(report: GapReport, *, top: int = TOP_GROUPS) -> Reply:
    """The most asked groups, each with its count, an example wording and the
    section nearest to it."""
    head = headline(report)
    body = [section(f"*{escape(head)}*")]
    lines = []
    for g in report.groups[:top]:
        example = f"“{escape(clip(g.example, WORDING_MAX))}”" if g.example else "_wording not kept_"
        near = (
            f"nearest: {escape(g.nearest.path)} (`{escape(g.nearest.source)}:{g.nearest.line}`)"
            if g.nearest
            else "nothing close in the notes"
        )
        body.append(section(f"*{g.count}×* {example}  ({how_asked(g)})\n{near}"))
        lines.append(f"{g.count}× {g.example or 'wording not kept'}")
    notes = []
    if len(report.groups) > top:
        notes.append(f"{len(report.groups) - top} more groups: `notesbot gaps` lists them all.")
    if report.groups and not report.wording_kept:
        notes.append(f"Grouped by meaning; {NO_WORDING}.")
    tail = [context(" ".join(notes))] if notes else []
    return Reply(fallback(escape(head), *map(escape, lines)), fit(body, tail))


def digest_message(report: GapReport, command: str) -> Reply:
    """The weekly digest: the same report, with what to do about it."""
    reply = gaps_message(report)
    advice = context(
        f"Questions the notes declined or that got a 👎. Add what is missing to the notes; "
        f"`{escape(command)} gaps` shows this any time."
    )
    return Reply(reply.text, fit([*reply.blocks, advice]))
