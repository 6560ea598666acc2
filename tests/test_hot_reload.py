"""A running `notesbot serve` (HTTP mode, its own process, the real model)
follows the cron's re-index without a restart: the next question after a
re-index is answered from the new notes, questions during one are answered
from the complete previous index, and a broken new version is reported on
/healthz and /metrics while the last good one keeps answering.

Slack is the fake Web API of tests/slack_bot, and requests are signed as Slack
signs them."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from reindex_tools import (
    HANDOVER_Q,
    ONCALL,
    RESTART_Q,
    RUNBOOKS,
    Notes,
    finish,
    reindex,
    services_note,
    start_reindex,
    summary,
)
from slack_bot.fake_slack import BOT_TOKEN, FakeSlack
from slack_bot.slack_sender import SlackSender, mention

from index.build import build_index
from index.store import publish

pytestmark = pytest.mark.model

SIGNING_SECRET = "hot-reload-signing-secret-5e1d"


class RunningBot:
    """`notesbot serve` in a subprocess; its stderr is collected as it comes."""

    def __init__(self, notes: Notes, slack: FakeSlack) -> None:
        env = notes.env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            NOTESBOT_SLACK_API_URL=slack.api_url,
            NOTESBOT_HOST="127.0.0.1",
            NOTESBOT_PORT="0",
            NOTESBOT_FEEDBACK_FILE=str(notes.index.parent / "feedback.jsonl"),
            NOTESBOT_THREAD_DB=str(notes.index.parent / "threads.sqlite3"),
            NOTESBOT_LOG_LEVEL="INFO",
            HF_HUB_OFFLINE="1",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"],
            env={**env, "PYTHONPATH": str(ROOT)},
            cwd=notes.index.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        listening = self.wait_for_line(re.compile(r"listening on http://127\.0\.0\.1:(\d+)"))
        self.port = int(listening.group(1))
        self.sender = SlackSender("127.0.0.1", self.port, SIGNING_SECRET)

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()

    def wait_for_line(self, pattern: re.Pattern[str], timeout: float = 120.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines:
                    if m := pattern.search(line):
                        return m
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the bot did not start:\n" + "\n".join(self.lines))
                self._cond.wait(0.1)

    def get(self, path: str) -> str:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            assert resp.status == 200, path
            return resp.read().decode()
        finally:
            conn.close()

    def health(self) -> dict:
        return json.loads(self.get("/healthz"))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


@pytest.fixture
def notes(tmp_path: Path, model_cache: Path, real_embedder) -> Notes:
    n = Notes(tmp_path / "notes", tmp_path / "index", model_cache)
    n.write({"team/runbooks.md": RUNBOOKS})
    build_index(n.config(), real_embedder)
    return n


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def bot(notes: Notes, slack: FakeSlack) -> Iterator[RunningBot]:
    running = RunningBot(notes, slack)
    yield running
    running.stop()


def ask(bot: RunningBot, slack: FakeSlack, question: str) -> str:
    """Mention the bot; the text of the answer it posts."""
    before = len(slack.calls_to("chat.postMessage"))
    assert bot.sender.event(mention(question)).status == 200
    return slack.wait_for("chat.postMessage", before + 1, timeout=30)[before].text


def test_the_next_question_after_a_reindex_is_answered_from_the_new_notes(
    notes: Notes, slack: FakeSlack, bot: RunningBot
) -> None:
    first = notes.current()
    assert ask(bot, slack, HANDOVER_Q).startswith("Not in the notes")

    notes.write({"team/oncall.md": ONCALL})
    new = summary(reindex(notes))["version"]
    answer = ask(bot, slack, HANDOVER_Q)  # no restart, no waiting
    assert "Monday at 10:00" in answer and "team/oncall.md" in answer
    assert new != first
    health = bot.health()
    assert (health["status"], health["index_version"]) == ("ok", new)
    assert f'notesbot_index_info{{version="{new}"}} 1.0' in bot.get("/metrics")

    assert bot.stop() == 0
    log = "\n".join(bot.lines)
    assert f"index={new}" in log  # the question's log line names the index it used
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log
    assert HANDOVER_Q not in log  # the user's text stays out of info logs


def test_questions_during_a_reindex_are_answered_from_the_complete_previous_index(
    notes: Notes, slack: FakeSlack, bot: RunningBot
) -> None:
    notes.write({"team/services.md": services_note(300)})  # seconds of work
    run = start_reindex(notes)
    answers = []
    while run.poll() is None and len(answers) < 300:  # ~20 a second until it is done
        answers.append(ask(bot, slack, RESTART_Q))
        time.sleep(0.05)
    assert summary(finish(run))["added"] == "301"
    assert answers, "the re-index finished before a question could be asked"
    for answer in answers:
        assert "kubectl rollout restart deploy/quokka-gateway" in answer, answer
    assert "team/services.md" in ask(bot, slack, "how is svc-007 restarted?")
    assert "notesbot_errors_total{" not in bot.get("/metrics")  # no question failed


def test_a_broken_new_index_is_reported_while_the_last_good_one_answers(
    notes: Notes, slack: FakeSlack, bot: RunningBot
) -> None:
    good = notes.current()
    # A new version published, then damaged on disk before the bot loads it.
    broken = "v-20990101T000000.000000-broken"
    shutil.copytree(notes.index / good, notes.index / broken)
    (notes.index / broken / "dense.faiss").write_bytes(b"\0" * 16)
    publish(notes.index, broken)

    assert "kubectl rollout restart" in ask(bot, slack, RESTART_Q)
    health = bot.health()
    assert health["status"] == "degraded" and health["index_version"] == good
    assert "dense.faiss" in health["reload_error"]
    assert str(notes.index.parent) not in json.dumps(health)  # no server paths on the port
    assert "notesbot_index_reload_failing 1.0" in bot.get("/metrics")

    # CURRENT pointed back at the version being served: healthy again.
    publish(notes.index, good)
    assert "kubectl rollout restart" in ask(bot, slack, RESTART_Q)
    health = bot.health()
    assert (health["status"], health["index_version"]) == ("ok", good)
    assert "reload_error" not in health
    assert "notesbot_index_reload_failing 0.0" in bot.get("/metrics")

    notes.write({"team/oncall.md": ONCALL})
    repaired = summary(reindex(notes))["version"]
    assert "Monday at 10:00" in ask(bot, slack, HANDOVER_Q)
    assert bot.health()["status"] == "ok" and bot.health()["index_version"] == repaired


def test_the_images_healthcheck_command_passes_on_a_serving_bot(bot: RunningBot) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    healthcheck = re.search(r"^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$", dockerfile, re.M)
    assert healthcheck, "HEALTHCHECK ... \\ CMD [...] in the Dockerfile"
    argv = json.loads(healthcheck.group(1))
    assert argv[0] == "python"
    check = [sys.executable, *argv[1:]]
    env = {"NOTESBOT_PORT": str(bot.port)}
    assert subprocess.run(check, env=env, capture_output=True, timeout=30).returncode == 0
    bot.stop()
    assert subprocess.run(check, env=env, capture_output=True, timeout=30).returncode != 0
