"""What the notes miss: the questions database (retention, privacy, one
question counted once) and the grouping of questions by meaning."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
from gap_questions import OFFICE_NEEDS
from test_cli import run

from bot.gaps.groups import cluster
from bot.gaps.report import format_report, gap_report
from bot.gaps.store import DAY_S, GapStore, Nearest

NOW = time.time()


def unit(seed: int, dim: int = 384) -> np.ndarray:
    """A random direction: unrelated to any other (cosine near 0 in 384 dimensions)."""
    v = np.random.default_rng(seed).normal(size=dim).astype(np.float32)
    return v / np.linalg.norm(v)


def store_at(path: Path, *, keep_days: int = 90, keep_text: bool = True) -> GapStore:
    return GapStore(path, keep_days, keep_text=keep_text, writer=True)


def keep(store: GapStore, answer_id: str, text: str, vector: np.ndarray, **kw: object) -> None:
    args: dict = {"declined": True, "disliked": False, "model": "m", "nearest": None, **kw}
    store.record(answer_id, text=text, vector=vector, **args)


def test_a_declined_question_that_then_gets_a_thumbs_down_counts_once(tmp_path: Path) -> None:
    store = store_at(tmp_path / "gaps.sqlite")
    keep(store, "a1", "how do I book a room?", unit(1))
    keep(store, "a1", "how do I book a room?", unit(1), declined=False, disliked=True)
    keep(store, "a2", "what is kyverno?", unit(2), declined=False, disliked=True)
    report = gap_report(store, 30, 90)
    assert report.questions == 2
    by_example = {g.example: (g.declined, g.disliked) for g in report.groups}
    assert by_example == {"how do I book a room?": (1, 1), "what is kyverno?": (0, 1)}


def test_questions_older_than_the_retention_are_deleted(tmp_path: Path) -> None:
    path = tmp_path / "gaps.sqlite"
    store = store_at(path, keep_days=30)
    keep(store, "old", "asked long ago", unit(1), now=NOW - 40 * DAY_S)
    keep(store, "new", "asked last week", unit(2), now=NOW - 7 * DAY_S)
    assert store.prune(NOW) == 1
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT answer_id FROM asked").fetchall() == [("new",)]
    # A longer --since than the retention shows what is kept, no more.
    again = store_at(path, keep_days=30)
    keep(again, "older", "asked 35 days ago", unit(3), now=NOW - 35 * DAY_S)
    report = gap_report(again, 365, 30, now=NOW)
    assert report.since_days == 30 and [g.example for g in report.groups] == ["asked last week"]


def _file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_without_logging_of_questions_no_text_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "gaps.sqlite"
    store = store_at(path, keep_text=False)
    secret = "how do I expense the Zanzibar offsite?"
    keep(store, "a1", secret, unit(1))
    keep(store, "a2", secret, unit(1), declined=False, disliked=True)
    assert b"Zanzibar" not in _file_bytes(path)  # nor in the WAL
    report = gap_report(store, 30, 90)
    assert report.questions == 2 and report.groups[0].count == 2  # vector and counts only
    assert report.groups[0].example is None and not report.wording_kept
    assert "wording not kept" in format_report(report).lower()
    store.close()
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_turning_logging_of_questions_off_erases_the_wordings_kept(tmp_path: Path) -> None:
    path = tmp_path / "gaps.sqlite"
    store = store_at(path, keep_text=True)
    keep(store, "a1", "how do I expense the Zanzibar offsite?", unit(1))
    store.close()
    store = store_at(path, keep_text=False)
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("VACUUM")  # erased text can linger in free pages until then
        assert db.execute("SELECT text FROM asked").fetchall() == [(None,)]
    assert b"Zanzibar" not in _file_bytes(path)


def test_the_section_most_questions_of_a_group_came_close_to_is_its_nearest(
    tmp_path: Path,
) -> None:
    store = store_at(tmp_path / "gaps.sqlite")
    near = Nearest("s1", "notes › kyverno", "README.md", 600, 0.52)
    other = Nearest("s2", "notes › polaris", "README.md", 620, 0.6)
    far = Nearest("s3", "notes › antrea", "README.md", 411, 0.1)
    base = unit(7)
    for i, n in enumerate([near, near, other, far]):
        jitter = base + 0.01 * unit(100 + i)
        keep(store, f"a{i}", f"kyverno question {i}", jitter, nearest=n)
    keep(store, "x", "unrelated", unit(9), nearest=far)
    groups = gap_report(store, 30, 90).groups
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].nearest == near
    assert groups[1].nearest is None  # nothing close enough to point at


@pytest.mark.model
def test_paraphrased_questions_for_one_need_make_one_group(real_embedder) -> None:  # type: ignore[no-untyped-def]
    questions = [(need, q) for need, qs in OFFICE_NEEDS.items() for q in qs]
    vectors = np.stack([real_embedder.embed_query(q) for _, q in questions])
    groups = cluster(vectors)
    needs_of_groups = sorted(sorted({questions[i][0] for i in g}) for g in groups)
    assert needs_of_groups == sorted([need] for need in OFFICE_NEEDS)  # one need a group
    sizes = sorted(len(g) for g in groups)
    assert sizes == sorted(len(qs) for qs in OFFICE_NEEDS.values())


def test_gaps_with_nothing_recorded_says_so(tmp_path: Path) -> None:
    env = {"NOTESBOT_GAPS_FILE": str(tmp_path / "none.sqlite")}
    r = run(["gaps"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("No declined or 👎 questions in the last 30 days.")
    assert not (tmp_path / "none.sqlite").exists()  # reading creates nothing
    r = run(["gaps", "--since", "soon"], env)
    assert r.returncode == 2 and "is not an age like 30d" in r.stderr
