"""An index the user cannot write (a second replica's read-only volume,
another user's files) still answers `notesbot ask`: silently when it is
current, with one warning line when the notes changed since it was built.

The tests run as root here, and root ignores file permissions. So each
command runs as root without any capability (`setpriv --bounding-set=-all`):
the kernel then checks the permission bits as for anyone else (the owner's,
here), and `chmod -R a-w` really stops writes. A precondition checks that."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

pytestmark = pytest.mark.model

QUESTION = "what replaces service-loadbalancer?"


def _unprivileged() -> list[str]:
    """The prefix that runs a command without the power to ignore permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux) to drop capabilities")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_unprivileged(), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=300,
        **kwargs,
    )


def notesbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "bot.cli", *args], env)


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


@pytest.fixture
def read_only(shipped_index, model_cache: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A current copy of the shipped notes' index, made read-only."""
    notes, index = tmp_path / "notes", tmp_path / "index"
    shutil.copytree(CORPUS, notes)
    shutil.copytree(shipped_index.index_dir, index)
    _set_writable(index, False)
    env = {
        "NOTESBOT_CORPUS": str(notes),
        "NOTESBOT_INDEX": str(index),
        "NOTESBOT_MODEL_CACHE": str(model_cache),
        "NOTESBOT_BASE_URL": "",
    }
    probe = run(["touch", str(index / "probe")], env)
    assert probe.returncode != 0, "the test could not make the index unwritable"
    yield env
    _set_writable(index, True)


def test_ask_answers_from_a_current_read_only_index(read_only: dict[str, str]) -> None:
    before = sorted(p.name for p in Path(read_only["NOTESBOT_INDEX"]).iterdir())
    result = notesbot("ask", QUESTION, env=read_only)
    assert result.returncode == 0, result.stderr
    assert "ingress controller" in result.stdout
    assert result.stderr == ""  # current: nothing to say
    assert sorted(p.name for p in Path(read_only["NOTESBOT_INDEX"]).iterdir()) == before


def test_index_says_a_current_read_only_index_is_unchanged(read_only: dict[str, str]) -> None:
    result = notesbot("index", env=read_only)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("index unchanged:")


def test_a_stale_read_only_index_answers_with_one_warning_and_index_says_why_it_cannot(
    read_only: dict[str, str],
) -> None:
    note = Path(read_only["NOTESBOT_CORPUS"]) / "k8s-projects" / "README.md"
    note.write_text(note.read_text() + "\n## quokka\n\nquokka is a new project.\n")

    asked = notesbot("ask", QUESTION, env=read_only)
    assert asked.returncode == 0, asked.stderr
    assert "ingress controller" in asked.stdout
    [warning] = asked.stderr.strip().splitlines()
    assert "read-only" in warning and "Traceback" not in asked.stderr

    indexed = notesbot("index", env=read_only)
    assert indexed.returncode == 1
    [error] = indexed.stderr.strip().splitlines()
    assert error.startswith("notesbot: error:") and "read-only" in error
    assert read_only["NOTESBOT_INDEX"] in error
