"""The report of what the notes miss, as `notesbot gaps` prints it (text or
JSON); Slack shows the same report (bot/slack/gaps.py)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from .groups import MAX_GROUPED, Group, group
from .store import DAY_S, GapStore

DEFAULT_SINCE = "30d"
NO_WORDING = "wording not kept (NOTESBOT_LOG_QUESTIONS is off)"


@dataclass(frozen=True)
class GapReport:
    since_days: float
    questions: int  # declined or 👎 in the period
    groups: tuple[Group, ...]  # of the latest MAX_GROUPED of them

    @property
    def wording_kept(self) -> bool:
        return any(g.example for g in self.groups)

    @property
    def period(self) -> str:
        return f"the last {self.since_days:g} day{'s' if self.since_days != 1 else ''}"

    def to_json(self) -> dict[str, Any]:
        return {
            "since_days": self.since_days,
            "questions": self.questions,
            "groups": [_group_json(g) for g in self.groups],
        }


def gap_report(
    store: GapStore | None, since_days: float, keep_days: float, now: float | None = None
) -> GapReport:
    """The questions kept in the last `since_days` days (never further back
    than the retention), grouped by meaning, most asked first."""
    now = time.time() if now is None else now
    since_days = min(since_days, keep_days) if keep_days else 0.0
    rows = store.asked(now - since_days * DAY_S) if store is not None and since_days else []
    if rows:
        # Vectors of another model don't compare: group those of the latest.
        rows = [r for r in rows if r.model == rows[-1].model]
    return GapReport(since_days, len(rows), tuple(group(rows)))


def _when(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _group_json(g: Group) -> dict[str, Any]:
    n = g.nearest
    return {
        "count": g.count,
        "declined": g.declined,
        "disliked": g.disliked,
        "example": g.example,
        "wordings": list(g.wordings),
        "nearest": (
            {"path": n.path, "source": n.source, "line": n.line, "score": round(n.score, 3)}
            if n
            else None
        ),
        "first_asked": _when(g.first),
        "last_asked": _when(g.last),
    }


def how_asked(g: Group) -> str:
    """`10 declined, 2 👎`."""
    parts = [
        f"{g.declined} declined" if g.declined else "",
        f"{g.disliked} 👎" if g.disliked else "",
    ]
    return ", ".join(p for p in parts if p)


def headline(report: GapReport) -> str:
    if not report.questions:
        return f"No declined or 👎 questions in {report.period}."
    groups = len(report.groups)
    asked = f"{report.questions} question{'s' if report.questions != 1 else ''}"
    grouped = f" (the latest {MAX_GROUPED} grouped)" if report.questions > MAX_GROUPED else ""
    return (
        f"What the notes missed in {report.period}: {asked}{grouped} "
        f"in {groups} group{'s' if groups != 1 else ''}, most asked first."
    )


def format_report(report: GapReport) -> str:
    lines = [headline(report)]
    if report.groups and not report.wording_kept:
        lines.append(f"({NO_WORDING.capitalize()}.)")
    for g in report.groups:
        lines.append("")
        example = f"“{g.example}”" if g.example else "(wording not kept)"
        lines.append(f"{g.count:>4}× {example}  ({how_asked(g)})")
        if len(g.wordings) > 1:
            lines.append("      also: " + "; ".join(f"“{w}”" for w in g.wordings[1:]))
        if g.nearest:
            n = g.nearest
            lines.append(f"      nearest in the notes: {n.path}  ({n.source}:{n.line})")
        else:
            lines.append("      nothing close in the notes")
    return "\n".join(lines)
