"""When each section of the notes was last changed, and whether an answer
rests only on old ones.

At index time every note gets a date: the last commit that touched it when
the notes are a git work tree (one `git log` over the whole tree, not a
process per file), else its modification time; a file with uncommitted
changes, or one git does not track, gets its modification time. A date
written in a section (`*Date: 09/12/2019*`, `Updated on 4 March 2021`, an
ISO date in its heading) wins for that section and the sections under it:
it says when the text was true, which a later commit that only moved the
file does not.

The dates are kept beside the rest of the index as `freshness.json`:

    {"notes": {"<rel>": ["2021-03-04", "git"]}, "sections": {"<id>": ["2019-09-12", "written"]}}
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .corpus import Corpus
from .domain import Answer, Citation, NotesbotError, Section

log = logging.getLogger(__name__)

FILE = "freshness.json"
GIT_TIMEOUT_S = 120.0
DEFAULT_STALE_AFTER = "18m"
EARLIEST_YEAR = 1990  # "Date: 01/01/1970" is a placeholder, not a date
_DAYS = {"d": 1.0, "w": 7.0, "m": 30.4375, "y": 365.25}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dwmy])\s*$", re.IGNORECASE)
_WRITTEN_KINDS = ("text", "item")  # not code (`git log` output), links or captions

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# What introduces a date that says when the text was written or checked.
_LABEL = re.compile(
    r"(?:\bdate\s*:|\b(?:last\s+)?(?:updated|modified|reviewed|revised|edited|checked)"
    r"(?:\s+(?:on|in|at))?\s*:?|\bas\s+of)\s*",
    re.IGNORECASE,
)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})\b", re.I)
_MONTH_YEAR = re.compile(_MONTH + r",?\s+(\d{4})\b", re.I)
# An ISO date anywhere in a heading ("## 2021-03-04 standup"), or opening a
# paragraph or list item (a journal or changelog line).
_ISO_ANYWHERE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_ISO_OPENING = re.compile(r"^\W{0,3}(\d{4})-(\d{2})-(\d{2})(?![\d-])")

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

Dated = tuple[str, str]  # ("2019-09-12", "written" | "git" | "mtime")


# --------------------------------------------------------------------------- ages


def parse_age(text: str) -> float:
    """Days in `30d`, `6w`, `18m` (months), `2y`; `0` is 0 (off)."""
    if text.strip() == "0":
        return 0.0
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"{text!r} is not an age like 30d, 6w, 18m (months) or 2y; 0 is off")
    return float(m.group(1)) * _DAYS[m.group(2).lower()]


# --------------------------------------------------------------------------- written dates


def _day(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    # A date ahead of today is a plan or a deadline, not when the text was written.
    return d if year >= EARLIEST_YEAR and d <= today + dt.timedelta(days=1) else None


def _date_at(text: str, month_first: bool, today: dt.date) -> dt.date | None:
    """The date that `text` starts with, if it starts with one."""
    if m := _ISO.match(text):
        return _day(int(m[1]), int(m[2]), int(m[3]), today)
    if m := _NUMERIC.match(text):
        a, sep, b, year = int(m[1]), m[2], int(m[3]), int(m[4])
        # 13/05/2019 can only be day first, 05/13/2019 only month first; for
        # 09/12/2019 the note's other dates decide, else "/" is read month
        # first (as the shipped notes write) and "." or "-" day first.
        first = a <= 12 and (b > 12 or (month_first if sep == "/" else False))
        return _day(year, a, b, today) if first else _day(year, b, a, today)
    if m := _MONTH_DAY_YEAR.match(text):
        return _day(int(m[3]), _MONTHS[m[1][:3].lower()], int(m[2]), today)
    if m := _DAY_MONTH_YEAR.match(text):
        return _day(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]), today)
    if m := _MONTH_YEAR.match(text):
        return _day(int(m[2]), _MONTHS[m[1][:3].lower()], 1, today)
    return None


def _texts(section: Section) -> Iterable[str]:
    yield section.title
    for block in section.blocks:
        if block.kind in _WRITTEN_KINDS:
            yield block.text


def written_date(
    section: Section, month_first: bool = True, today: dt.date | None = None
) -> dt.date | None:
    """The latest date the section says it was written or updated on."""
    today = today or dt.date.today()
    found: list[dt.date] = []
    for n, text in enumerate(_texts(section)):
        for label in _LABEL.finditer(text):
            d = _date_at(text[label.end() :], month_first, today)
            if d is not None:
                found.append(d)
        iso = _ISO_ANYWHERE.finditer(text) if n == 0 else _ISO_OPENING.finditer(text)
        for m in iso:
            d = _day(int(m[1]), int(m[2]), int(m[3]), today)
            if d is not None:
                found.append(d)
    return max(found) if found else None


def _month_first(sections: Sequence[Section]) -> bool:
    """Whether a note writes 09/12/2019 month first: the dates it writes that
    can only be read one way decide (most notes are consistent)."""
    votes = 0
    for s in sections:
        for text in _texts(s):
            for m in _NUMERIC.finditer(text):
                if m[2] == "/":
                    a, b = int(m[1]), int(m[3])
                    votes += (b > 12 >= a) - (a > 12 >= b)
    return votes >= 0


def section_dates(sections: Sequence[Section], today: dt.date | None = None) -> dict[str, Dated]:
    """Written dates by section id: a section's own, else the nearest
    heading above it in the same note that has one."""
    by_note: dict[str, list[Section]] = {}
    for s in sections:
        by_note.setdefault(s.source, []).append(s)
    out: dict[str, Dated] = {}
    for note in by_note.values():
        month_first = _month_first(note)
        above: list[tuple[int, dt.date | None]] = []  # (level, date) of the open headings
        for s in note:
            while above and above[-1][0] >= s.level:
                above.pop()
            own = written_date(s, month_first, today)
            inherited = next((d for _, d in reversed(above) if d is not None), None)
            above.append((s.level, own))
            written = own or inherited
            if written is not None:
                out[s.id] = (written.isoformat(), "written")
    return out


# --------------------------------------------------------------------------- dates of the files


def note_dates(root: Path, rels: Iterable[str]) -> dict[str, Dated]:
    """The day each note last changed: its last commit when the notes are a
    git work tree and the file is committed as it is, else its mtime."""
    rels = list(rels)
    committed = _git_dates(root)
    out: dict[str, Dated] = {}
    for rel in rels:
        if rel in committed:
            out[rel] = (committed[rel].isoformat(), "git")
            continue
        try:
            mtime = (root / rel).stat().st_mtime
        except OSError:
            continue
        out[rel] = (dt.date.fromtimestamp(mtime).isoformat(), "mtime")
    return out


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args],
        cwd=root,
        capture_output=True,
        timeout=GIT_TIMEOUT_S,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
    )
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NotesbotError(lines[-1] if lines else f"git {args[0]} failed")
    return result.stdout.decode("utf-8", "surrogateescape")


def _git_dates(root: Path) -> dict[str, dt.date]:
    """Last commit (author) date of each committed, unmodified file under
    `root`, relative to it; {} when `root` is not in a git work tree."""
    if not any((p / ".git").exists() for p in (root, *root.parents)):
        return {}
    try:
        prefix = _git(root, "rev-parse", "--show-prefix").strip()
        history = _git(root, "log", "--format=%x1e%at", "--name-only", "-z", "--no-renames", ".")
        status = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", ".")
    except (OSError, subprocess.TimeoutExpired, NotesbotError) as exc:
        log.warning("note dates from file times: git could not read %s (%s)", root, exc)
        return {}
    out: dict[str, dt.date] = {}
    for commit in history.split("\x1e")[1:]:
        stamp, *names = commit.split("\0")
        day = dt.date.fromtimestamp(int(stamp.strip()))
        for name in names:
            name = name.strip("\n")
            if name.startswith(prefix) and name[len(prefix) :] not in out:
                out[name[len(prefix) :]] = day  # newest first: the first one seen is the last
    entries = iter(status.split("\0"))
    for entry in entries:
        if len(entry) > 3:
            out.pop(entry[3:].removeprefix(prefix), None)  # changed since its last commit
            if entry[0] in "RC":
                next(entries, None)  # the name it was renamed or copied from
    return out


# --------------------------------------------------------------------------- the index's file


def write_freshness(version_dir: Path, corpus: Corpus, sections: Sequence[Section]) -> None:
    """Write the dates of the notes and their sections into a version folder."""
    write_dates(version_dir, corpus, section_dates(sections))


def write_dates(version_dir: Path, corpus: Corpus, sections: Mapping[str, Dated]) -> None:
    """`write_freshness` with the sections' dates already found (a build finds
    them a note at a time: `section_dates` of one note depends on it alone)."""
    data = {
        "notes": note_dates(corpus.root, (f.rel for f in corpus.files)),
        "sections": dict(sections),
    }
    (version_dir / FILE).write_text(json.dumps(data, sort_keys=True, separators=(",", ":")))


@dataclass(frozen=True)
class Freshness:
    notes: Mapping[str, Dated]
    sections: Mapping[str, Dated]

    def updated(self, section_id: str, source: str) -> str | None:
        dated = self.sections.get(section_id) or self.notes.get(source)
        return dated[0] if dated else None


def read_freshness(version_dir: Path) -> Freshness:
    """The dates of an index version; none for a version built before they
    were kept (its answers are simply undated)."""
    try:
        data = json.loads((version_dir / FILE).read_text())
        return Freshness(
            {k: (v[0], v[1]) for k, v in data["notes"].items()},
            {k: (v[0], v[1]) for k, v in data["sections"].items()},
        )
    except FileNotFoundError:
        return Freshness({}, {})
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("answers undated: %s in %s is unreadable (%s)", FILE, version_dir, exc)
        return Freshness({}, {})


# --------------------------------------------------------------------------- answers


def dated(
    answer: Answer, freshness: Freshness, stale_after_days: float, today: dt.date | None = None
) -> Answer:
    """The answer with each citation's date (and each nearest section's),
    marked stale when every cited section is older than `stale_after_days`
    (0: never)."""
    if answer.nearest:
        answer = replace(answer, nearest=_with_dates(answer.nearest, freshness))
    if not answer.citations:
        return answer
    citations = _with_dates(answer.citations, freshness)
    days = [c.updated for c in citations if c.updated]
    stale = False
    if stale_after_days > 0 and len(days) == len(citations):
        cutoff = (today or dt.date.today()) - dt.timedelta(days=stale_after_days)
        stale = max(days) < cutoff.isoformat()
    return replace(answer, citations=citations, stale=stale)


def _with_dates(citations: tuple[Citation, ...], freshness: Freshness) -> tuple[Citation, ...]:
    return tuple(replace(c, updated=freshness.updated(c.section_id, c.source)) for c in citations)


def _month_year(updated: str) -> str:
    day = dt.date.fromisoformat(updated)
    return f"{_MONTH_NAMES[day.month - 1]} {day.year}"  # not strftime: that follows the locale


def noted(updated: str) -> str:
    """`2019-05-01` -> `noted May 2019`."""
    return f"noted {_month_year(updated)}"


def stale_message(answer: Answer) -> str:
    """What an answer resting only on old sections says about itself."""
    newest = max(c.updated for c in answer.citations if c.updated)
    return f"These notes were last updated in {_month_year(newest)}: check that they still hold."
