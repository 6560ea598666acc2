"""Shared fixtures: a deterministic fake embedder for fast unit tests, and the
real model + a real index of the shipped notes for end-to-end tests."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from index.embed import QueryEncoding

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DEV_QUESTIONS = ROOT / "bench" / "questions" / "dev.jsonl"  # the README's eval example
TREE = ROOT / "bench" / "trees" / "k8s-tree"


class FakeEmbedder:
    """Hashed bag of words: deterministic, instant, and good enough to tell
    notes apart. Never proof that search works (the real-model tests are)."""

    model_id = "fake/bag-of-words"
    precision = "fp32"
    batch_runtime = "hashed words (tests)"
    dim = 64
    max_tokens = 64

    def __init__(self) -> None:
        self.embedded = 0  # passages embedded so far, to check incremental builds

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in re.findall(r"\w+", text.lower()):
            h = int(hashlib.md5(w.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))

    def common_word(self, word: str) -> bool:
        return True

    def release(self) -> None:
        pass

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def encode_query(self, text: str) -> QueryEncoding:
        spans = tuple((m.start(), m.end()) for m in re.finditer(r"\w+", text))
        tokens = (
            np.stack([self._vec(text[s:e]) for s, e in spans]) if spans else np.zeros((0, self.dim))
        )
        return QueryEncoding(self._vec(text), tokens.astype(np.float32), spans)

    def embed_passages(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        *,
        progress: bool = False,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        self.embedded += len(texts)
        vecs = np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim))
        units = [
            np.stack([self._vec(t[s:e]) for s, e in sp])
            if sp
            else np.zeros((0, self.dim), np.float32)
            for t, sp in zip(texts, spans, strict=True)
        ]
        return vecs.astype(np.float32), units


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def write_notes(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def engine_of(notes: dict[str, str | bytes], base: Path, model_cache: Path, embedder):
    """A real engine (the embedder's model, FAISS, BM25) over these notes,
    written and indexed under `base`."""
    from index.build import build_index
    from index.config import IndexConfig
    from index.engine import Engine

    config = IndexConfig(
        write_notes(base / "notes", notes), base / "index", model_cache=model_cache
    )
    build_index(config, embedder)
    return Engine.open(config, embedder)


@pytest.fixture(scope="module")
def notes_engine(request, tmp_path_factory, model_cache: Path, real_embedder):
    """A real engine over the test module's own NOTES (path: Markdown)."""
    notes = request.module.NOTES
    base = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    return engine_of(notes, base, model_cache, real_embedder)


# --------------------------------------------------------------------------- real model


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The exported model, shared by every real-model test (and with the
    user's cache when there is one, so a second run does not export again)."""
    from index.config import IndexConfig

    return IndexConfig(Path("."), Path(".")).model_cache_dir


@pytest.fixture(scope="session")
def real_embedder(model_cache: Path):
    from index.embed import load_embedder

    return load_embedder("all-MiniLM-L6-v2", model_cache)


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, real_embedder):
    """A real index (real model, FAISS, BM25) of the shipped notes."""
    from index.build import build_index
    from index.config import IndexConfig

    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    config = IndexConfig(CORPUS, index_dir, model_cache=model_cache)
    build_index(config, real_embedder)
    return config


@pytest.fixture(scope="session")
def engine(shipped_index, real_embedder):
    from index.engine import Engine

    return Engine.open(shipped_index, real_embedder)


@pytest.fixture(scope="session")
def tree_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, real_embedder):
    """A real index of a tree of notes: the shipped README plus sub-folder
    notes its link-only sections point at."""
    from index.build import build_index
    from index.config import IndexConfig

    base = tmp_path_factory.mktemp("tree")
    corpus = base / "notes"
    shutil.copytree(TREE, corpus, ignore=shutil.ignore_patterns(".gitignore"))
    shutil.copy(CORPUS / "k8s-projects" / "README.md", corpus / "README.md")
    config = IndexConfig(corpus, base / "index", model_cache=model_cache)
    build_index(config, real_embedder)
    return config


# --------------------------------------------------------------------------- thread store


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A Postgres server of its own for the session (tests/pg_server.py);
    skipped, with the reason, where Postgres is not installed."""
    import pg_server

    reason = pg_server.unavailable()
    if reason:
        pytest.skip(reason)
    with pg_server.running() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def store_backend(request: pytest.FixtureRequest) -> str:
    """The thread store's backends: a test taking a store runs against each."""
    return str(request.param)


@pytest.fixture
def make_store(store_backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """Opens thread stores on one database (SQLite file or Postgres server),
    emptied at the start of the test; more than one is a restart, or replicas."""
    from bot.threads.store import TABLE

    opened = []
    url = request.getfixturevalue("postgres_url") if store_backend == "postgres" else None
    cleared = False

    def make(clock=None):
        nonlocal cleared
        import time

        if url:
            from bot.threads.postgres import PostgresStore

            store = PostgresStore(url, clock or time.time)
            if not cleared:
                store._run(f"DELETE FROM {TABLE}", ())
                cleared = True
        else:
            from bot.threads.sqlite import SqliteStore

            store = SqliteStore(tmp_path / "threads.sqlite3", clock or time.time)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


# --------------------------------------------------------------------------- conversations

# ../shared beside the checkout (CI has it); NOTESBOT_SHARED elsewhere (a worktree).
SHARED = Path(os.environ.get("NOTESBOT_SHARED") or ROOT.parent / "shared")
TIL = SHARED / "corpora" / "til"


@pytest.fixture(scope="session")
def tree_engine(tree_index, real_embedder):
    from index.engine import Engine

    return Engine.open(tree_index, real_embedder)


@pytest.fixture(scope="session")
def til_part_engine(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, real_embedder):
    """A real index of the til folders the scripted conversations use
    (tests/conversation_scripts.py: TIL_FOLDERS); skipped without ../shared."""
    from conversation_scripts import TIL_FOLDERS

    from index.build import build_index
    from index.config import IndexConfig
    from index.engine import Engine

    if not TIL.is_dir():
        pytest.skip(f"{TIL} is not on this machine")
    root = tmp_path_factory.mktemp("til-part") / "til"
    for name in TIL_FOLDERS:
        shutil.copytree(TIL / name, root / name)
    config = IndexConfig(root, root.parent / "index", model_cache=model_cache)
    build_index(config, real_embedder)
    return Engine.open(config, real_embedder)
