"""`notesbot categories [--json] [PATH]` and `notesbot list CATEGORY`, as
people and scripts use them: real processes over real indexes."""

from __future__ import annotations

import json
import shutil

import pytest
import test_cli
from conftest import write_notes
from test_catalog import NESTED

pytestmark = pytest.mark.model

run = test_cli.run
shipped_env = test_cli.env  # the shipped notes with a private copy of their index


@pytest.fixture(scope="module")
def nested_env(tmp_path_factory, model_cache, real_embedder):
    """A nested tree of notes, indexed."""
    from index.build import build_index
    from index.config import IndexConfig

    base = tmp_path_factory.mktemp("nested-cli")
    notes = write_notes(base / "notes", NESTED)
    build_index(IndexConfig(notes, base / "index", model_cache=model_cache), real_embedder)
    return {
        "NOTESBOT_CORPUS": str(notes),
        "NOTESBOT_INDEX": str(base / "index"),
        "NOTESBOT_MODEL_CACHE": str(model_cache),
        "NOTESBOT_BASE_URL": "https://git.example.com/notes/blob/main",
    }


def test_categories_of_the_shipped_notes_with_their_sizes(shipped_env):
    r = run(["categories"], shipped_env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 11
    assert lines[0] == "Application (8)" and "Network (12)" in lines
    assert "Cluster & DR (9)" in lines


@pytest.mark.parametrize("command", [["list", "net"], ["categories", "net"], ["list", "NETWORKS"]])
def test_list_a_category_matched_forgivingly(shipped_env, command):
    r = run(command, shipped_env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Network (12)"
    assert lines[1] == "  - antrea"
    assert (
        "  - (deprecated) service-loadbalancer [deprecated; replaced by ingress controller]"
        in lines
    )
    assert "  - ingress [link]" in lines


def test_a_category_that_does_not_exist_is_one_line_and_exit_1(shipped_env):
    r = run(["list", "cooking"], shipped_env)
    assert r.returncode == 1 and r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line.startswith("notesbot: error: no category matches 'cooking'")
    assert "Network" in line  # what there is
    r = run(["list", "securty"], shipped_env)
    assert r.returncode == 0 and r.stdout.startswith("Security (8)")
    r = run(["list", "xyzzy"], shipped_env)
    assert r.returncode == 1 and "the top-level ones: Application, Developer" in r.stderr


def test_a_folder_tree_level_by_level(nested_env):
    r = run(["categories"], nested_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["dev (34)", "ops (7)"]
    r = run(["categories", "ops"], nested_env)
    assert r.stdout.splitlines() == [
        "ops (7)",
        "  Operations — Runbooks and on-call.",
        "  db (2)",
        "  On-call (3)",
        "  - Backups",
        "  - Old VPN [deprecated; replaced by WireGuard]",
    ]
    r = run(["list", "ops/on-call/escalation"], nested_env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "ops › On-call › Escalation (2)",
        "  Then the secondary.",
        "  - Level 1",
        "  - Level 2",
    ]


def test_json_gives_the_tree_under_a_path(nested_env):
    r = run(["categories", "--json"], nested_env)
    tree = json.loads(r.stdout)
    assert tree["path"] == [] and tree["size"] == 41
    ops = next(c for c in tree["categories"] if c["name"] == "ops")
    on_call = next(c for c in ops["categories"] if c["name"] == "On-call")
    assert [p["name"] for p in on_call["categories"][0]["projects"]] == ["Level 1", "Level 2"]
    assert on_call["url"] == "https://git.example.com/notes/blob/main/ops/on-call.md#L1"
    r = run(["list", "--json", "db"], nested_env)
    db = json.loads(r.stdout)
    assert db["path"] == ["ops", "db"] and db["size"] == 2
    assert db["projects"][1] == {
        "name": "PostgreSQL",
        "source": "ops/db/postgres.md",
        "line": 1,
        "deprecated": False,
        "replaced_by": None,
        "link_only": False,
        "url": "https://git.example.com/notes/blob/main/ops/db/postgres.md#L1",
    }


def test_new_notes_are_listed_at_once(nested_env, tmp_path):
    """Browsing reads the index alone only while it is of the notes as they
    are; a note added since is indexed first, as `ask` does."""
    notes = tmp_path / "notes"
    shutil.copytree(nested_env["NOTESBOT_CORPUS"], notes)
    index = tmp_path / "index"
    shutil.copytree(nested_env["NOTESBOT_INDEX"], index)
    env = {**nested_env, "NOTESBOT_CORPUS": str(notes), "NOTESBOT_INDEX": str(index)}
    r = run(["list", "db"], env)
    assert r.stdout.splitlines() == ["ops › db (2)", "  - mysql", "  - PostgreSQL"]
    write_notes(notes, {"ops/db/redis.md": "# Redis\n\nCache.\n"})
    r = run(["list", "db"], env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["ops › db (3)", "  - mysql", "  - PostgreSQL", "  - Redis"]
    (notes / "ops" / "db" / "mysql.md").unlink()
    r = run(["list", "db"], env)
    assert r.stdout.splitlines() == ["ops › db (2)", "  - PostgreSQL", "  - Redis"]


def test_help_names_the_browsing_commands():
    r = run(["--help"], {})
    assert "categories" in r.stdout and "list" in r.stdout
    r = run(["categories", "--help"], {})
    assert "PATH" in r.stdout and "--json" in r.stdout
