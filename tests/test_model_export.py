"""Where the exported model lives and what a wrong model name does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, ROOT

from index.embed import _content_name, _tag_path, prepare_model, resolve_model


@pytest.fixture(scope="module")
def bundled() -> Path:
    source = resolve_model("all-MiniLM-L6-v2")
    assert isinstance(source, Path)
    return source


def test_exports_are_kept_by_the_models_content_not_its_path(bundled: Path, tmp_path: Path) -> None:
    """One export for every venv that has the same model (it used to be one per venv)."""
    cache = tmp_path / "cache"
    elsewhere = tmp_path / "other-venv" / "model"
    shutil.copytree(bundled, elsewhere, copy_function=shutil.copyfile)  # new path, new times
    assert _content_name(elsewhere, cache) == _content_name(bundled, cache)
    config = elsewhere / "config.json"
    config.write_text(config.read_text().replace('"hidden_act"', '"hidden_act" ', 1))
    assert _content_name(elsewhere, cache) != _content_name(bundled, cache)


@pytest.mark.model
def test_a_second_install_of_the_same_model_reuses_the_export(
    bundled: Path, model_cache: Path, real_embedder: Any, tmp_path: Path
) -> None:
    first = prepare_model("all-MiniLM-L6-v2", model_cache)
    elsewhere = tmp_path / "venv2" / "model"
    shutil.copytree(bundled, elsewhere, copy_function=shutil.copyfile)
    try:
        assert prepare_model(str(elsewhere), model_cache) == first  # no second export
    finally:  # the shared cache keeps no tag for a folder that is about to go
        _tag_path(model_cache, str(elsewhere)).unlink(missing_ok=True)


class _FakeHub:
    """The Hugging Face hub's model API, answering 404 to everything."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                hub.paths.append(self.path)
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": "Repository not found"}')

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def fake_hub() -> Iterator[_FakeHub]:
    hub = _FakeHub()
    yield hub
    hub.server.shutdown()


def _ask_with_model(model: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "NOTESBOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "what is helm?"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **base,
            "PYTHONPATH": str(ROOT),
            "HF_HOME": str(tmp_path / "hf"),  # an empty Hugging Face cache
            "NOTESBOT_MODEL": model,
            "NOTESBOT_CORPUS": str(CORPUS),
            "NOTESBOT_INDEX": str(tmp_path / "index"),
            "NOTESBOT_MODEL_CACHE": str(tmp_path / "models"),
            **env,
        },
        timeout=120,
    )


def _one_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 1 and not r.stdout and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) <= 2, r.stderr  # at most "building the index..." and the error
    assert lines[-1].startswith("notesbot: error: model all-MiniLM-L6-v3")
    return lines[-1]


def test_a_typod_model_name_fails_at_once_in_one_line_without_hf_hub_offline(
    fake_hub: _FakeHub, tmp_path: Path
) -> None:
    r = _ask_with_model("all-MiniLM-L6-v3", tmp_path, HF_ENDPOINT=fake_hub.url)
    assert "no such model on the Hugging Face hub" in _one_error(r)
    # Asked once for each way of reading the name, never retried.
    assert sorted(fake_hub.paths) == [
        "/api/models/all-MiniLM-L6-v3",
        "/api/models/sentence-transformers/all-MiniLM-L6-v3",
    ]


def test_a_model_name_with_the_hub_unreachable_fails_in_one_line(tmp_path: Path) -> None:
    hub = _FakeHub()
    url = hub.url
    hub.server.shutdown()
    hub.server.server_close()  # nothing listens there now
    r = _ask_with_model("all-MiniLM-L6-v3", tmp_path, HF_ENDPOINT=url)
    assert "the Hugging Face hub is unreachable" in _one_error(r)


def test_a_model_name_offline_and_not_cached_fails_in_one_line(tmp_path: Path) -> None:
    r = _ask_with_model("all-MiniLM-L6-v3", tmp_path, HF_HUB_OFFLINE="1")
    assert "HF_HUB_OFFLINE" in _one_error(r)


def test_make_clean_says_where_the_exported_model_is_kept(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "data").mkdir()
    for env, where in (
        ({"NOTESBOT_MODEL_CACHE": "/srv/models"}, "/srv/models"),
        ({"XDG_CACHE_HOME": "/xdg"}, "/xdg/notesbot/models"),
        ({"HOME": "/home/someone"}, "/home/someone/.cache/notesbot/models"),
    ):
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("NOTESBOT_MODEL_CACHE", "XDG_CACHE_HOME")
        }
        r = subprocess.run(
            ["make", "-s", "clean"],
            cwd=tmp_path,
            env={**base, **env},
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
        assert where in r.stdout
        assert not (tmp_path / "data").exists()
