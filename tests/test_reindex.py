"""`scripts/reindex`, the cron job's command, run for real (subprocesses, the
real model, FAISS and BM25): exit codes and its summary line, the lock,
SIGKILL mid-way, damaged index files, deleted and undecodable notes.

The bot's side is an `Engine` opened before the re-index, as a running bot
holds one; tests/test_hot_reload.py does the same through `notesbot serve`.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, write_notes
from reindex_tools import (
    HANDOVER_Q,
    HELD,
    ONCALL,
    RESTART_Q,
    RUNBOOKS,
    Notes,
    finish,
    lock_held,
    reindex,
    services_note,
    start_reindex,
    summary,
    wait_until,
)

from index.build import build_index
from index.domain import IndexCorrupt
from index.engine import Engine
from index.store import build_lock, load_index

pytestmark = pytest.mark.model


@pytest.fixture
def notes(tmp_path: Path, model_cache: Path) -> Notes:
    """Two small notes, not indexed yet."""
    n = Notes(tmp_path / "notes", tmp_path / "index", model_cache)
    n.write({"team/runbooks.md": RUNBOOKS, "team/oncall.md": ONCALL})
    return n


@pytest.fixture
def indexed(notes: Notes, real_embedder) -> Notes:
    """The same notes with an index (built in-process: faster than a run)."""
    build_index(notes.config(), real_embedder)
    return notes


@pytest.fixture
def serving(indexed: Notes, real_embedder) -> Engine:
    """What a running bot holds: an engine over the current index."""
    return Engine.open(indexed.config(), real_embedder)


def cites(engine: Engine, question: str) -> list[str]:
    answer = engine.ask(question)
    return [c.source for c in answer.citations] if answer.found else []


# --------------------------------------------------------------------------- the command


def test_cron_runs_it_from_anywhere_with_a_bare_environment(notes: Notes) -> None:
    """cron: cwd /, PATH /usr/bin:/bin (a python3 without notesbot), settings
    from NOTESBOT_* only. It re-runs itself with the project's Python."""
    if not shutil.which("python3", path="/usr/bin:/bin"):
        pytest.skip("no python3 in /usr/bin:/bin to play cron's")
    env = {**notes.env(), "PATH": "/usr/bin:/bin"}
    first = reindex(notes, env=env, cwd=Path("/"))
    m = summary(first)
    assert m["version"] == notes.current()
    assert (m["files"], m["sections"], m["added"]) == ("2", "6", "6")
    assert first.stderr == ""

    again = summary(reindex(notes, env=env, cwd=Path("/")))
    assert again.group(1) == "unchanged" and again["embedded"] == "0"


def test_flags_win_over_settings_and_are_relative_to_the_caller(notes: Notes) -> None:
    env = notes.env(NOTESBOT_INDEX=str(notes.index.parent / "elsewhere"))
    m = summary(
        reindex(notes, "--corpus", "notes", "--index", "idx", env=env, cwd=notes.index.parent)
    )
    assert (notes.index.parent / "idx" / "CURRENT").read_text().strip() == m["version"]
    assert not (notes.index.parent / "elsewhere").exists()


@pytest.mark.parametrize(
    "args,extra_env,expect",
    [
        (["--corpus", "/nonexistent/notes"], {}, "notes folder not found: /nonexistent/notes"),
        (["--index", "/dev/null/index"], {}, "cannot use /dev/null"),
        ([], {"NOTESBOT_INDEX_TYPE": "fastest"}, "bad setting NOTESBOT_INDEX_TYPE"),
        (["--corpus", "{empty}"], {}, "no readable Markdown notes"),
    ],
    ids=["missing-notes", "index-under-a-file", "bad-setting", "no-notes"],
)
def test_failure_is_one_line_and_non_zero(
    notes: Notes, args: list[str], extra_env: dict[str, str], expect: str
) -> None:
    empty = notes.corpus.parent / "empty"
    empty.mkdir()
    args = [a.replace("{empty}", str(empty)) for a in args]
    r = reindex(notes, *args, env=notes.env(**extra_env))
    assert r.returncode == 1
    assert r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line.startswith("reindex: error: ") and expect in line


# --------------------------------------------------------------------------- the notes change


def test_added_changed_and_deleted_notes_show_in_the_summary_and_the_answers(
    indexed: Notes, serving: Engine
) -> None:
    assert cites(serving, HANDOVER_Q) == ["team/oncall.md"]
    (indexed.corpus / "team" / "oncall.md").unlink()
    indexed.write(
        {
            "team/runbooks.md": RUNBOOKS.replace("edge proxy", "public edge proxy"),
            "team/services.md": services_note(2),
        }
    )
    m = summary(reindex(indexed))
    # + Services, svc-000, svc-001; ~ quokka-gateway; - On-call, Paging, Handover
    assert (m["files"], m["added"], m["changed"], m["removed"]) == ("2", "3", "1", "3")
    assert serving.reload_if_changed()
    assert serving.version == m["version"]
    assert "team/oncall.md" not in cites(serving, HANDOVER_Q)
    assert cites(serving, RESTART_Q)[:1] == ["team/runbooks.md"]


def test_a_note_that_is_not_utf8_is_skipped_with_a_warning(notes: Notes) -> None:
    notes.write({"team/legacy.md": b"# Legacy\n\nCaf\xe9 opening hours: 8\xa0to 5.\n"})
    r = reindex(notes)
    m = summary(r)
    assert m["files"] == "2"  # the two good notes
    [warning] = r.stderr.splitlines()
    assert "team/legacy.md" in warning and "not valid UTF-8" in warning
    engine = Engine.open(notes.config())
    assert cites(engine, HANDOVER_Q) == ["team/oncall.md"]


# --------------------------------------------------------------------------- git


def git(cwd: Path, *args: str) -> str:
    r = subprocess.run(
        ["git", "-c", "user.name=Notes Writer", "-c", "user.email=writer@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture
def origin(tmp_path: Path) -> tuple[str, Path]:
    """The team's notes repository (a bare repo) and a writer's clone of it."""
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    writer = tmp_path / "writer"
    git(tmp_path, "clone", "--quiet", str(bare), str(writer))
    write_notes(writer, {"team/runbooks.md": RUNBOOKS, "team/oncall.md": ONCALL})
    git(writer, "add", ".")
    git(writer, "commit", "--quiet", "-m", "notes")
    git(writer, "push", "--quiet", "origin", "HEAD:main")
    return f"file://{bare}", writer


def test_clone_then_pull_follows_the_notes_repository(
    tmp_path: Path, model_cache: Path, origin: tuple[str, Path]
) -> None:
    url, writer = origin
    notes = Notes(tmp_path / "checkout" / "notes", tmp_path / "index", model_cache)
    first = summary(reindex(notes, "--pull", "--clone", url))
    assert (first["files"], first["sections"]) == ("2", "6")

    git(writer, "rm", "--quiet", "team/oncall.md")
    git(writer, "commit", "--quiet", "-m", "on-call moved to the wiki")
    git(writer, "push", "--quiet", "origin", "HEAD:main")
    m = summary(reindex(notes, "--pull", "--clone", url))
    assert (m["files"], m["removed"]) == ("1", "3")
    assert "team/oncall.md" not in cites(Engine.open(notes.config()), HANDOVER_Q)


def test_a_pull_that_fails_is_one_line_and_leaves_the_index_alone(
    tmp_path: Path, model_cache: Path, origin: tuple[str, Path]
) -> None:
    url, writer = origin
    notes = Notes(tmp_path / "notes", tmp_path / "index", model_cache)
    summary(reindex(notes, "--clone", url))
    before = notes.current()
    # Someone edited the checkout by hand; upstream moved on: no fast-forward.
    notes.write({"team/runbooks.md": RUNBOOKS + "\nLocal edit.\n"})
    git(notes.corpus, "commit", "--quiet", "-am", "local edit")
    writer.joinpath("team/oncall.md").write_text(ONCALL + "\nUpstream edit.\n")
    git(writer, "commit", "--quiet", "-am", "upstream edit")
    git(writer, "push", "--quiet", "origin", "HEAD:main")

    r = reindex(notes, "--pull")
    assert r.returncode == 1 and r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line.startswith(f"reindex: error: git pull --ff-only in {notes.corpus} failed")
    assert notes.current() == before


def test_a_clone_that_fails_never_shows_the_credentials_in_its_url(
    tmp_path: Path, model_cache: Path
) -> None:
    notes = Notes(tmp_path / "notes", tmp_path / "index", model_cache)
    r = reindex(notes, "--clone", "http://bot:s3cr3t-t0ken@127.0.0.1:9/notes.git")
    assert r.returncode == 1
    [line] = r.stderr.splitlines()
    assert line.startswith("reindex: error: git clone of http://***@127.0.0.1:9/notes.git failed")
    assert "s3cr3t" not in r.stderr + r.stdout
    assert not notes.corpus.exists() and not list(tmp_path.glob(".notes.clone-*"))


def test_pull_on_notes_that_are_not_a_git_checkout_indexes_them_as_they_are(
    notes: Notes,
) -> None:
    r = reindex(notes, "--pull")
    assert summary(r)["files"] == "2"
    assert "not a git work tree" in r.stderr


# --------------------------------------------------------------------------- the lock


def test_a_run_that_meets_the_lock_exits_0_and_leaves_the_index_alone(indexed: Notes) -> None:
    before = indexed.current()
    indexed.write({"team/services.md": services_note(2)})
    with build_lock(indexed.index):  # a `notesbot index` in progress
        r = reindex(indexed, "--wait", "0.5")
    assert r.returncode == 0, r.stderr
    assert HELD in r.stdout and len(r.stdout.splitlines()) == 1
    assert indexed.current() == before
    assert summary(reindex(indexed))["version"] != before  # the lock is free again


def test_overlapping_runs_wait_or_step_aside_and_never_corrupt(
    indexed: Notes, serving: Engine
) -> None:
    indexed.write({"team/services.md": services_note(300)})  # seconds of embedding
    first = start_reindex(indexed)
    wait_until(lambda: lock_held(indexed.index / ".reindex.lock"), "the first run's lock")
    waiting = start_reindex(indexed)  # --wait 60 by default
    stepping_aside = reindex(indexed, "--wait", "0")

    assert stepping_aside.returncode == 0, stepping_aside.stderr
    assert HELD in stepping_aside.stdout
    updated = summary(finish(first))
    assert summary(finish(waiting)).group(1) == "unchanged"

    assert indexed.current() == updated["version"]
    load_index(indexed.index, expect_model=None)  # every checksum verifies
    assert serving.reload_if_changed()
    assert cites(serving, "how is svc-007 restarted?")[:1] == ["team/services.md"]


# --------------------------------------------------------------------------- SIGKILL


@pytest.fixture
def shipped(tmp_path: Path, shipped_index, model_cache: Path) -> Notes:
    """The shipped notes and a copy of their index: large enough that writing
    a new version takes tens of milliseconds, time to kill it in."""
    n = Notes(tmp_path / "corpus", tmp_path / "index", model_cache)
    shutil.copytree(CORPUS, n.corpus)
    shutil.copytree(shipped_index.index_dir, n.index)
    return n


KILL_CASES = {
    # fixture, the change, a question of the previous notes and its source, one of the change
    "embedding": (
        "indexed",
        {"team/services.md": services_note(300)},  # seconds of embedding, time to kill it in
        (HANDOVER_Q, "team/oncall.md"),
        ("how is svc-007 restarted?", "team/services.md"),
    ),
    "writing": (
        "shipped",
        {"team/runbooks.md": RUNBOOKS},
        ("what replaces service-loadbalancer?", "k8s-projects/README.md"),
        (RESTART_Q, "team/runbooks.md"),
    ),
}


@pytest.mark.parametrize("when", KILL_CASES)
def test_a_killed_reindex_leaves_the_previous_index_serving(
    request: pytest.FixtureRequest, when: str, real_embedder
) -> None:
    fixture, change, (old_q, old_source), (new_q, new_source) = KILL_CASES[when]
    notes: Notes = request.getfixturevalue(fixture)
    engine = Engine.open(notes.config(), real_embedder)
    before = notes.current()
    notes.write(change)
    run = start_reindex(notes)
    if when == "embedding":
        wait_until(lambda: lock_held(notes.index / ".lock"), "the build's lock")
        time.sleep(0.5)  # loading the model, embedding the 300 new sections
    else:
        wait_until(lambda: any(notes.index.glob(".tmp-*")), "the new version's folder")
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, "the run ended before it could be killed"

    assert notes.current() == before
    if when == "writing":
        assert list(notes.index.glob(".tmp-*")), "a half-written version is left behind"
    # The running bot, and a bot started now, answer from the previous index.
    assert cites(engine, old_q)[:1] == [old_source]
    restarted = Engine.open(notes.config(), real_embedder)
    assert restarted.version == before
    assert cites(restarted, old_q)[:1] == [old_source]

    after = summary(reindex(notes))
    assert after["version"] == notes.current() != before
    assert not list(notes.index.glob(".tmp-*"))
    assert engine.reload_if_changed()
    assert cites(engine, new_q)[:1] == [new_source]


# --------------------------------------------------------------------------- damage


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def _scramble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    path.write_bytes(bytes(data))


DAMAGE = {
    "truncated vectors": ("passage_vectors.npy", _truncate),
    "scrambled faiss": ("dense.faiss", _scramble),
    "garbage manifest": ("manifest.json", lambda p: p.write_text("{not json")),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_live_index_keeps_serving_from_memory_and_reindex_repairs_it(
    indexed: Notes, serving: Engine, damage: str
) -> None:
    name, spoil = DAMAGE[damage]
    before = indexed.current()
    spoil(indexed.index / before / name)

    assert cites(serving, HANDOVER_Q) == ["team/oncall.md"]  # from memory
    with pytest.raises(IndexCorrupt):  # real damage: a restarted bot could not load it
        load_index(indexed.index, expect_model=None)

    r = reindex(indexed)
    m = summary(r)
    assert m["version"] != before  # same notes, repaired into a new version
    [warning] = [line for line in r.stderr.splitlines() if "rebuilding it from the notes" in line]
    assert name.split(".")[0] in warning
    load_index(indexed.index, expect_model=None)
    assert serving.reload_if_changed() and serving.last_reload_error is None
    assert cites(serving, HANDOVER_Q) == ["team/oncall.md"]


def test_repair_does_not_keep_scrambled_vectors(indexed: Notes) -> None:
    live = indexed.index / indexed.current()
    good = np.load(live / "passage_vectors.npy")
    _scramble(live / "passage_vectors.npy")
    summary(reindex(indexed))
    repaired = np.load(indexed.index / indexed.current() / "passage_vectors.npy")
    assert np.allclose(repaired, good, atol=1e-4)


@pytest.mark.parametrize("damage", ["truncated faiss", "CURRENT names a missing version"])
def test_a_broken_new_version_is_reported_and_the_old_one_keeps_serving(
    indexed: Notes, serving: Engine, damage: str
) -> None:
    (indexed.corpus / "team" / "oncall.md").unlink()
    published = summary(reindex(indexed))["version"]
    if damage == "truncated faiss":
        _truncate(indexed.index / published / "dense.faiss")
    else:
        (indexed.index / "CURRENT").write_text("v-20990101T000000.000000-gone00\n")

    assert not serving.reload_if_changed()
    assert serving.last_reload_error  # /healthz says "degraded" with it
    assert serving.version != published
    assert cites(serving, HANDOVER_Q) == ["team/oncall.md"]  # the previous notes

    repaired = summary(reindex(indexed))["version"]
    assert serving.reload_if_changed()
    assert serving.version == repaired and serving.last_reload_error is None
    assert "team/oncall.md" not in cites(serving, HANDOVER_Q)
