"""`notesbot gaps`: print the report, or post it as the weekly digest."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from index.domain import NotesbotError
from index.freshness import parse_age

from .report import format_report, gap_report
from .store import GapStore

if TYPE_CHECKING:
    from bot.settings import Settings


def run_gaps(settings: Settings, since: str, as_json: bool, post: bool) -> int:
    since_days = parse_age(since)
    if not settings.gaps_days and not post:
        print("The bot keeps no questions to report (NOTESBOT_GAPS_DAYS is 0).")
        return 0
    if post:
        from bot.slack.digest import digest_problem, post_digest

        problem = digest_problem(settings)
        if problem:
            raise NotesbotError(problem)
        store = GapStore(
            settings.gaps_path, settings.gaps_days, keep_text=settings.log_questions, writer=True
        )
        try:
            report = gap_report(store, since_days, settings.gaps_days)
            print(post_digest(settings, store, report))
        finally:
            store.close()
        return 0
    reader = GapStore.for_reading(settings.gaps_path)
    try:
        report = gap_report(reader, since_days, settings.gaps_days)
    finally:
        if reader is not None:
            reader.close()
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(format_report(report))
    sys.stdout.flush()
    return 0
