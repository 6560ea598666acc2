"""Freshness: when each section last changed (git, file times, dates written
in the notes), on every citation, and a plain warning on answers that rest
only on old sections."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import write_notes
from test_cli import run

from index.domain import Answer, Citation
from index.freshness import (
    dated,
    note_dates,
    parse_age,
    read_freshness,
    section_dates,
    stale_message,
)
from index.markdown import parse_note

TODAY = dt.date.today()


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def commit(repo: Path, files: dict[str, str], when: str) -> None:
    write_notes(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"notes as of {when}", when=when)


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


# --------------------------------------------------------------------------- files


def test_note_dates_come_from_back_dated_commits_in_one_git_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    notes = repo / "team" / "notes"  # the notes are a folder inside a bigger repository
    many = {f"team/notes/ops/n{i:03}.md": f"# note {i}\n" for i in range(150)}
    commit(
        repo,
        {**many, "team/notes/a.md": "# a\n", "team/notes/sub dir/b.md": "# b\n"},
        "2019-05-01T12:00:00",
    )
    commit(
        repo,
        {"team/notes/sub dir/b.md": "# b\n\nmore\n", "README.md": "# r\n"},
        "2021-03-04T12:00:00",
    )
    commit(repo, {"team/notes/c.md": "# c\n"}, "2022-07-08T12:00:00")
    write_notes(notes, {"c.md": "# c\n\nnot committed yet\n", "new.md": "# new\n"})
    touched = time.mktime((2023, 2, 3, 12, 0, 0, 0, 0, -1))
    os.utime(notes / "c.md", (touched, touched))
    os.utime(notes / "new.md", (touched, touched))

    runs: list[list[str]] = []
    real_run = subprocess.run

    def counting(args, *a, **kw):  # type: ignore[no-untyped-def]
        runs.append(list(args))
        return real_run(args, *a, **kw)

    monkeypatch.setattr(subprocess, "run", counting)
    rels = ["a.md", "sub dir/b.md", "c.md", "new.md", *(f"ops/n{i:03}.md" for i in range(150))]
    dates = note_dates(notes, rels)

    assert dates["a.md"] == ("2019-05-01", "git")
    assert dates["sub dir/b.md"] == ("2021-03-04", "git")  # the last commit that touched it
    assert dates["c.md"] == ("2023-02-03", "mtime")  # changed since its last commit
    assert dates["new.md"] == ("2023-02-03", "mtime")  # not committed at all
    assert dates["ops/n149.md"] == ("2019-05-01", "git")
    assert sum(1 for r in runs if "log" in r) == 1  # one pass, not one per file
    assert len(runs) <= 3


def test_notes_outside_git_are_dated_by_their_modification_time(tmp_path: Path) -> None:
    notes = write_notes(tmp_path / "notes", {"a.md": "# a\n"})
    stamp = time.mktime((2020, 1, 2, 12, 0, 0, 0, 0, -1))
    os.utime(notes / "a.md", (stamp, stamp))
    assert note_dates(notes, ["a.md"]) == {"a.md": ("2020-01-02", "mtime")}


# --------------------------------------------------------------------------- written dates


NOTE = """\
# Team notes

## kruise

*Date: 09/12/2019*

Kruise extends workloads.

### Usage

Apply the manifests.

## antrea

- *Date: 06/02/2018, v0.2*
- *Date: 12/13/2018, v3.1*

Antrea is a CNI.

## 2020-06-01 standup

We talked.

## runbook

Updated on 4 March 2021.

```
commit 3f2a
Date:   Sun May 17 12:08:02 2015 -0500
```

## roadmap

As of 2099-01-01 we plan to retire it.

## undated

Nothing says when.
"""


def _dates(text: str) -> dict[str, str]:
    sections = parse_note("team.md", text)
    by_id = section_dates(sections)
    return {s.title: by_id[s.id][0] for s in sections if s.id in by_id}


def test_dates_written_in_a_section_are_read_and_passed_to_the_headings_under_it() -> None:
    dates = _dates(NOTE)
    assert dates["kruise"] == "2019-09-12"  # month first, as the note's 12/13/2018 shows
    assert dates["Usage"] == "2019-09-12"  # under kruise
    assert dates["antrea"] == "2018-12-13"  # the latest of its dates
    assert dates["2020-06-01 standup"] == "2020-06-01"
    assert dates["runbook"] == "2021-03-04"  # not the date of the git log in its code
    assert "roadmap" not in dates  # a date ahead is a plan, not when it was written
    assert "undated" not in dates and "Team notes" not in dates


def test_a_note_that_writes_days_first_is_read_days_first() -> None:
    text = (
        "# n\n\n## a\n\nDate: 13/05/2019\n\n## b\n\nDate: 09/12/2019\n\n## c\n\nDate: 09.12.2019\n"
    )
    assert _dates(text) == {"a": "2019-05-13", "b": "2019-12-09", "c": "2019-12-09"}


def test_ages_are_read_with_their_unit() -> None:
    assert parse_age("18m") == pytest.approx(547.9, abs=0.1)
    assert parse_age("30d") == 30 and parse_age("2w") == 14 and parse_age("0") == 0
    with pytest.raises(ValueError, match="30d, 6w, 18m"):
        parse_age("18")


# --------------------------------------------------------------------------- answers


def _answer(*updated: str | None) -> Answer:
    cites = tuple(
        Citation(f"s{i}", ("n", f"s{i}"), "n.md", i, 1.0, section_id=f"id{i}")
        for i in range(len(updated))
    )
    return Answer("q?", True, "a.", cites)


def test_an_answer_is_stale_only_when_every_cited_section_is_old(tmp_path: Path) -> None:
    (tmp_path / "freshness.json").write_text(
        json.dumps(
            {
                "notes": {"n.md": [days_ago(900), "git"]},
                "sections": {"id1": [days_ago(10), "written"]},
            }
        )
    )
    fresh = read_freshness(tmp_path)
    old = dated(_answer(None), fresh, 548)
    assert old.citations[0].updated == days_ago(900) and old.stale
    assert "These notes were last updated in" in stale_message(old)
    assert not dated(_answer(None), fresh, 0).stale  # 0 turns it off
    assert not dated(_answer(None), fresh, 1000).stale
    mixed = dated(_answer(None, None), fresh, 548)  # one of them changed 10 days ago
    assert [c.updated for c in mixed.citations] == [days_ago(900), days_ago(10)]
    assert not mixed.stale
    undated = dated(_answer(None), read_freshness(tmp_path / "none"), 548)
    assert undated.citations[0].updated is None and not undated.stale


# --------------------------------------------------------------------------- end to end


OLD_NOTE = (
    "# Velero\n\nVelero backs up cluster resources and persistent volumes to object storage.\n"
)
NEW_NOTE = (
    "# Kyverno\n\nKyverno is a policy engine that validates and mutates Kubernetes resources.\n"
)


@pytest.mark.model
def test_ask_json_over_a_git_checkout_dates_citations_and_warns_of_old_notes(
    tmp_path: Path, model_cache: Path
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    git(notes, "init", "-q")
    commit(notes, {"backup/velero.md": OLD_NOTE}, "2019-05-01T12:00:00")
    commit(notes, {"policy/kyverno.md": NEW_NOTE}, f"{days_ago(20)}T12:00:00")
    env = {
        "NOTESBOT_CORPUS": str(notes),
        "NOTESBOT_INDEX": str(tmp_path / "index"),
        "NOTESBOT_MODEL_CACHE": str(model_cache),
        "NOTESBOT_BASE_URL": "",
    }
    question = "how do I back up persistent volumes?"
    r = run(["ask", "--json", question], env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["found"] and out["stale"] is True
    assert {c["source"]: c["updated"] for c in out["citations"]}["backup/velero.md"] == "2019-05-01"

    r = run(["ask", question], env)
    assert "These notes were last updated in May 2019" in r.stdout
    assert "(backup/velero.md:1, noted May 2019)" in r.stdout

    r = run(["ask", "--json", question], {**env, "NOTESBOT_STALE_AFTER": "0"})
    assert "stale" not in json.loads(r.stdout)

    r = run(["ask", "--json", "what does kyverno do?"], env)
    out = json.loads(r.stdout)
    assert out["citations"][0]["updated"] == days_ago(20) and "stale" not in out

    # The note changes: the re-index dates it anew.
    commit(
        notes,
        {"backup/velero.md": OLD_NOTE + "\nIt also restores them.\n"},
        f"{days_ago(2)}T09:00:00",
    )
    r = run(["ask", "--json", question], env)
    out = json.loads(r.stdout)
    assert {c["source"]: c["updated"] for c in out["citations"]}["backup/velero.md"] == days_ago(2)
    assert "stale" not in out


@pytest.mark.model
def test_a_section_dated_2019_in_the_shipped_notes_is_flagged_stale(engine) -> None:  # type: ignore[no-untyped-def]
    answer = engine.ask("what is kyverno?")
    assert answer.found and answer.citations[0].title == "kyverno"
    assert answer.citations[0].updated == "2019-12-14"  # its *Date: 12/14/2019* line
    assert answer.stale
    assert answer.to_json()["citations"][0]["updated"] == "2019-12-14"
