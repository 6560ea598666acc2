"""The command line as people (and scripts) use it: real processes, real model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, write_notes

pytestmark = pytest.mark.model


def run(args, env_extra, stdin=None, cwd=ROOT):
    env = {**os.environ, **env_extra, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("notesbot: error:")]


@pytest.fixture
def env(shipped_index, model_cache, tmp_path):
    """The shipped notes with a private copy of their index."""
    index = tmp_path / "index"
    shutil.copytree(shipped_index.index_dir, index)
    return {
        "NOTESBOT_CORPUS": str(CORPUS),
        "NOTESBOT_INDEX": str(index),
        "NOTESBOT_MODEL_CACHE": str(model_cache),
        "NOTESBOT_BASE_URL": "",
    }


def test_ask_json_contract(env):
    r = run(["ask", "--json", "what replaces service-loadbalancer?"], env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"question", "found", "answer", "citations", "stale"}  # notes from 2017
    assert out["found"] is True and "ingress" in out["answer"]
    c = out["citations"][0]
    assert set(c) == {"title", "path", "source", "line", "score", "url", "updated"}
    assert c["updated"] == "2017-05-13"  # its *Date: 05/13/2017, ...* line
    assert c["title"] == "(deprecated) service-loadbalancer"
    assert c["path"] == ["k8s-projects", "Network", "(deprecated) service-loadbalancer"]
    assert (c["source"], c["line"], c["url"]) == ("k8s-projects/README.md", 525, None)


def test_ask_reads_one_question_a_line_from_stdin(env):
    r = run(
        ["ask", "--json", "--top-k", "1"], env, stdin="what is kyverno?\n\nhow do I bake bread?\n"
    )
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["question"] for x in lines] == ["what is kyverno?", "how do I bake bread?"]
    assert lines[0]["found"] and len(lines[0]["citations"]) == 1
    assert not lines[1]["found"] and lines[1]["citations"] == []


def test_ask_text_output_lists_sources_with_links(env):
    r = run(
        ["ask", "what is metallb?"],
        {**env, "NOTESBOT_BASE_URL": "https://git.example/notes/blob/main"},
    )
    assert r.returncode == 0, r.stderr
    assert "MetalLB is a load-balancer" in r.stdout
    assert "k8s-projects › Network › metallb  (k8s-projects/README.md:" in r.stdout
    assert "https://git.example/notes/blob/main/k8s-projects/README.md#L" in r.stdout


def test_empty_question_gets_a_usage_hint(env):
    r = run(["ask", "   "], env)
    assert r.returncode == 2 and "Ask a question" in r.stderr and not r.stdout


def test_missing_corpus_is_one_line_and_non_zero(env, tmp_path):
    r = run(["ask", "--corpus", str(tmp_path / "nope"), "x"], env)
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and "not found" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_wrong_notes_folder_in_the_environment_is_the_same_error_as_the_flag(env, tmp_path):
    """Not an answer from the old index with exit 0 and no word."""
    nope = tmp_path / "nope"
    by_flag = run(["ask", "--corpus", str(nope), "what is helm?"], env)
    by_env = run(["ask", "what is helm?"], {**env, "NOTESBOT_CORPUS": str(nope)})
    for r in (by_flag, by_env):
        assert r.returncode == 1 and not r.stdout
        assert errors(r.stderr) == [f"notesbot: error: notes folder not found: {nope}"]


def test_corrupt_index_is_one_line_and_non_zero(env):
    from index.store import build_lock

    index = env["NOTESBOT_INDEX"]
    with open(os.path.join(index, "CURRENT")) as f:
        version = f.read().strip()
    with open(os.path.join(index, version, "units.jsonl"), "w") as f:
        f.write("{broken")
    with build_lock(Path(index)):  # another build is running: `ask` answers from what is there
        r = run(["ask", "what is kyverno?"], env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "damaged" in r.stderr and "notesbot index" in r.stderr
    # The next index run repairs it.
    assert run(["index"], env).returncode == 0
    assert run(["ask", "what is kyverno?"], env).returncode == 0


@pytest.mark.parametrize(
    "command,variable,value",
    [(["ask", "x"], "NOTESBOT_INDEX_TYPE", "bogus"), (["serve"], "NOTESBOT_LOG_LEVEL", "loud")],
)
def test_bad_setting_is_one_line_and_exits_2(env, command, variable, value):
    r = run(command, {**env, variable: value})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    [error] = errors(r.stderr)
    assert variable in error


def test_a_bad_port_exits_2_as_the_docs_say(env):
    r = run(["serve"], {**env, "NOTESBOT_PORT": "abc"})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    [error] = errors(r.stderr)
    assert "NOTESBOT_PORT" in error and "abc" not in error  # named, the value never echoed
    docs = (ROOT / "docs" / "slack.md").read_text()
    assert "wrong setting is one line naming the variable, exit code 2" in " ".join(docs.split())


def test_ask_builds_the_index_on_first_use_and_index_is_then_unchanged(model_cache, tmp_path):
    notes = write_notes(
        tmp_path / "notes",
        {
            "ops.md": "# Ops\n\n## Backups\n\nNightly backups go to the S3 bucket ops-backups.\n",
            "bad.md": b"\xff\xfe broken",
        },
    )
    env = {
        "NOTESBOT_CORPUS": str(notes),
        "NOTESBOT_INDEX": str(tmp_path / "index"),
        "NOTESBOT_MODEL_CACHE": str(model_cache),
    }
    r = run(["ask", "--json", "where do backups go?"], env)
    assert r.returncode == 0, r.stderr
    assert "building the index" in r.stderr and "bad.md" in r.stderr  # skipped, said so
    out = json.loads(r.stdout)
    assert out["found"] and "ops-backups" in out["answer"]
    r = run(["ask", "where do backups go?"], env)  # nothing changed: nothing to say
    assert r.returncode == 0 and r.stderr == ""
    r = run(["index"], env)  # asked about the index: said again, once
    assert r.returncode == 0 and r.stdout.startswith("index unchanged")
    assert r.stderr.count("bad.md") == 1


def test_categories_json(env):
    r = run(["categories", "--json"], env)
    assert r.returncode == 0, r.stderr
    cats = json.loads(r.stdout)["categories"]  # the tree, from its top
    assert len(cats) == 11
    net = next(c for c in cats if c["name"] == "Network")
    assert {"name": "(deprecated) service-loadbalancer"}.items() <= next(
        p for p in net["projects"] if p["deprecated"]
    ).items()


def test_eval_prints_the_figures(env, tmp_path):
    qs = tmp_path / "q.jsonl"
    qs.write_text(
        '{"question": "what is kyverno?", "expect": ["kyverno"]}\n'
        '{"question": "pancake recipe", "expect": [], "found": false}\n'
    )
    r = run(["eval", str(qs)], env)
    assert r.returncode == 0, r.stderr
    assert "hit@1          1.000" in r.stdout and "abstention     1.000" in r.stdout
    bad = tmp_path / "bad.jsonl"
    for line in ("not json", "[1, 2]", '{"question": "x", "expect": 5}', '{"question": ""}'):
        bad.write_text('{"question": "what is kyverno?"}\n' + line + "\n")
        r = run(["eval", str(bad)], env)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        [error] = errors(r.stderr)
        assert "bad.jsonl:2" in error


def test_help_matches_the_contract():
    r = run(["ask", "--help"], {})
    for flag in ("--json", "--top-k", "--corpus", "--index", "QUESTION"):
        assert flag in r.stdout
    r = run(["index", "--help"], {})
    assert "--corpus" in r.stdout and "--index" in r.stdout
    r = run(["chat", "--help"], {})
    for flag in ("--json", "--no-context", "--top-k", "--corpus", "--index"):
        assert flag in r.stdout


def test_version():
    from importlib.metadata import version

    r = run(["--version"], {})
    assert r.returncode == 0 and r.stdout.strip() == f"notesbot {version('notesbot')}"


def test_the_readmes_eval_example_runs_in_a_fresh_clone(env):
    """Its question file is inside the project, not beside it."""
    readme = (ROOT / "README.md").read_text()
    [example] = [
        ln.split("#")[0].split()
        for ln in readme.splitlines()
        if ln.startswith(".venv/bin/notesbot eval ")
    ]
    assert example[:2] == [".venv/bin/notesbot", "eval"]
    path = example[2]
    assert (ROOT / path).is_file() and ".." not in Path(path).parts
    r = run(example[1:], env)
    assert r.returncode == 0, r.stderr
    assert "hit@1" in r.stdout and "abstention" in r.stdout


def test_the_cli_works_from_any_folder_and_says_which_notes_it_used(env, tmp_path):
    """The project's notes by default, as scripts/reindex takes them; relative
    flags are the caller's."""
    notesbot = Path(sys.executable).parent / "notesbot"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith("NOTESBOT_")}
    r = subprocess.run(
        [str(notesbot), "ask", "what replaces service-loadbalancer?"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={**base, "NOTESBOT_INDEX": env["NOTESBOT_INDEX"]},
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "ingress" in r.stdout
    assert f"notes in {CORPUS}, index in {env['NOTESBOT_INDEX']}" in r.stderr

    r = subprocess.run(
        [str(notesbot), "ask", "--corpus", "notes", "x"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env={**base, "NOTESBOT_INDEX": env["NOTESBOT_INDEX"]},
        timeout=300,
    )
    assert r.returncode == 1
    assert errors(r.stderr) == [f"notesbot: error: notes folder not found: {elsewhere / 'notes'}"]


def test_relative_settings_are_the_project_folders():
    from bot.cli import in_folder
    from bot.settings import Settings

    settings = in_folder(
        Settings(_env_file=None, corpus=Path("notes"), index=Path("/srv/index")), Path("/p")
    )
    assert (settings.corpus, settings.index) == (Path("/p/notes"), Path("/srv/index"))
    assert settings.feedback_file == Path("/p/data/feedback.jsonl")


def test_chat_answers_each_line_as_a_turn_of_one_conversation(env):
    turns = "what does addon-resizer do?\nhow often does it poll?\ntell me more\n"
    r = run(["chat", "--json"], env, stdin=turns)
    assert r.returncode == 0, r.stderr
    first, second, third = (json.loads(line) for line in r.stdout.splitlines())
    assert first["context"] is None and first["citations"][0]["title"] == "addon-resizer"
    assert second["citations"][0]["title"] == "addon-resizer"
    assert second["context"]["kind"] == "pronoun"
    assert second["context"]["resolved"] == "how often does addon-resizer poll?"
    assert second["context"]["about"] == "addon-resizer"
    assert second["context"]["from"] == ["k8s-projects", "Insight & Scaling", "addon-resizer"]
    assert third["context"]["kind"] == "more"
    assert third["answer"] and third["answer"] not in (first["answer"], second["answer"])


def test_not_in_the_notes_points_at_the_nearest_sections_only_when_they_are_close(env):
    need = "automatically add or remove nodes when the cluster runs out of room"
    far = "what's the best pizza topping for a team lunch?"
    r = run(["ask", "--json"], env, stdin=f"{need}\n{far}\n")
    assert r.returncode == 0, r.stderr
    close, unrelated = (json.loads(line) for line in r.stdout.splitlines())
    # Worded as a need, without the project's name: answered from the section
    # or, declined, shown it among the nearest sections (cited as answers cite).
    shown = close["citations"] if close["found"] else close["nearest"]
    assert "cluster autoscaler" in [c["title"] for c in shown]
    assert set(shown[0]) == {"title", "path", "source", "line", "score", "url", "updated"}
    assert unrelated["found"] is False and "nearest" not in unrelated
    assert unrelated["citations"] == []

    r = run(["ask", far], env)
    assert r.stdout.startswith("This is not in the notes.") and "nearest" not in r.stdout
    if not close["found"]:
        r = run(["ask", need], env)
        assert r.stdout.startswith("This is not in the notes.\n\nThe nearest sections")
        assert "Insight & Scaling › cluster autoscaler  (k8s-projects/README.md:355" in r.stdout


def test_chat_without_context_answers_each_line_on_its_own(env):
    turns = "what does addon-resizer do?\nhow often does it poll?\n"
    r = run(["chat", "--no-context"], env, stdin=turns)
    assert r.returncode == 0, r.stderr
    assert "Insight & Scaling › addon-resizer" in r.stdout
    assert "This is not in the notes." in r.stdout  # "it" means nothing on its own
    assert "continuing from" not in r.stdout


def test_chat_shows_the_context_it_used(env):
    r = run(["chat"], env, stdin="what is cert-manager used for?\nwhat CRDs does it create?\n")
    assert r.returncode == 0, r.stderr
    assert (
        "(From k8s-projects › Security › cert-manager, continuing from your question about "
        "cert-manager (read as “what CRDs does cert-manager create?”))"
    ) in r.stdout
