"""A build's batches on OpenVINO in bfloat16, where the CPU multiplies
bfloat16 natively (Intel AMX or AVX-512 BF16).

The model is the same fp32 export; OpenVINO runs its matrix products in
bfloat16 with fp32 sums. Measured here (a 2-core Xeon with AMX) on til
passages: about 2.2x the fp32 throughput of ONNX Runtime, with passage
vectors 0.99999 cosine to fp32 on average (0.99996 at worst), where int8
weights reach only 0.995. So an index built this way is an fp32 index: its
vectors mix with fp32 ones, and questions stay on ONNX Runtime (a single
short question is no faster here).

OpenVINO reads the model from its own form of the export, made once beside
it with the weights stored in half precision (they are rounded to bfloat16
for the products anyway): 120 MB in memory once compiled, against 230 from
the ONNX file. It prepares kernels for each input shape it meets and keeps
them, so batches are padded to widths in steps of PAD_STEP tokens: a til
build peaked at 600 MB with every width, under 400 with steps of 32 (and ran
faster, compiling fewer kernels).

Used only after a check against ONNX Runtime on the same probe texts
(sentence and token vectors), whose verdict is kept beside the export, per
OpenVINO version and CPU. Without OpenVINO, without native bfloat16, with a
failed check, or with NOTESBOT_BF16=0, builds run on ONNX Runtime as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .writer import write_atomic

log = logging.getLogger(__name__)

# The bf16 vectors must be the fp32 ones in all but rounding: every probe's
# sentence vector within this cosine of ONNX Runtime's (0.99996 at worst on
# til passages here), and every token vector (sentences are pooled from them)
# within TOKEN_MIN_COSINE.
SENTENCE_MIN_COSINE = 0.9999
TOKEN_MIN_COSINE = 0.999
_PROBES = (
    "Kubernetes > networking > calico\nCalico is a networking and network policy "
    "provider for Kubernetes clusters, using BGP to route pod traffic.",
    "git > Delete Untracked Files\nTo remove every untracked file and folder from "
    "the working copy, run:\n\n```\ngit clean -fd\n```",
    "System design > Caching > Write-behind\nThe application adds or updates the "
    "entry in the cache and asynchronously writes it to the data store, which "
    "improves write performance. Data loss can occur if the cache goes down "
    "before its contents hit the data store.",
    "postgres",
)
_CHECK_FILE = "bf16-check.json"
_OV_DIR = "openvino"  # the export in OpenVINO's form, beside the ONNX file
PAD_STEP = 32

Feeds = dict[str, np.ndarray]
Run = Callable[[Feeds], tuple[np.ndarray, np.ndarray]]


def wanted() -> bool:
    return os.environ.get("NOTESBOT_BF16", "").strip().lower() not in ("0", "false", "no", "off")


class Bf16Runner:
    """The compiled model and one inference request per stream, lent to
    whichever thread runs a batch: as many requests as batches run at once,
    whatever threads run them."""

    def __init__(self, compiled: Any, version: str, streams: int) -> None:
        self.version = version
        names = [o.get_any_name() for o in compiled.outputs]
        self._sentence = compiled.outputs[names.index("sentence_embedding")]
        self._tokens = compiled.outputs[names.index("token_embeddings")]
        self._free: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for _ in range(streams):
            self._free.put(compiled.create_infer_request())

    def __call__(self, feeds: Feeds) -> tuple[np.ndarray, np.ndarray]:
        request = self._free.get()
        try:
            result = request.infer(feeds)
            # The request reuses its output buffers: copy before it is lent again.
            return np.array(result[self._sentence]), np.array(result[self._tokens])
        finally:
            self._free.put(request)


def open_runner(
    model_file: Path, workers: int, reference: Run, feeds: Callable[[str], Feeds]
) -> Bf16Runner | None:
    """The bf16 runner for `model_file`, or None where it would not be the
    fp32 model in all but rounding, or would not be faster. `reference` runs the
    fp32 model on ONNX Runtime; `feeds` makes a probe text's inputs."""
    if not wanted():
        return None
    try:
        import openvino as ov
    except ImportError:
        return None
    try:
        core = ov.Core()
        if "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            return None
    except Exception:  # no CPU plugin for this machine: ONNX Runtime it is
        return None
    try:
        compiled = core.compile_model(
            str(_converted(ov, model_file)),
            "CPU",
            {
                "INFERENCE_PRECISION_HINT": "bf16",
                # One stream per core, each batch on one: as ONNX Runtime's batches run.
                "PERFORMANCE_HINT": "THROUGHPUT",
                "NUM_STREAMS": workers,
                "INFERENCE_NUM_THREADS": workers,
            },
        )
        runner = Bf16Runner(compiled, ov.__version__.split("-")[0], workers)
    except Exception as exc:  # any failure of an optional runtime, a read-only cache ...
        log.warning("OpenVINO could not load the model (%s); building on ONNX Runtime", exc)
        return None
    if not _checked(model_file, runner, reference, feeds):
        return None
    return runner


def convert(model_file: Path) -> None:
    """Make the OpenVINO form of an export where it is made (`notesbot model`,
    the image's build stage), so that a read-only model cache has it too."""
    try:
        import openvino as ov
    except ImportError:
        return
    try:
        _converted(ov, model_file)
    except Exception as exc:  # optional: a build converts it later, or runs on ONNX Runtime
        log.warning("OpenVINO could not convert the model (%s); builds will try again", exc)


def _converted(ov: Any, model_file: Path) -> Path:
    """The model in OpenVINO's form (weights in half precision), made once
    beside the ONNX file; written whole or not at all."""
    target = model_file.parent / _OV_DIR / "model.xml"
    if target.is_file():
        return target
    tmp = model_file.parent / f".{_OV_DIR}.tmp-{os.getpid()}-{threading.get_ident()}"
    model = ov.Core().read_model(str(model_file))
    ov.save_model(model, str(tmp / "model.xml"), compress_to_fp16=True)
    del model
    try:
        os.replace(tmp, target.parent)
    except OSError:  # another build made it first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _checked(
    model_file: Path, runner: Bf16Runner, reference: Run, feeds: Callable[[str], Feeds]
) -> bool:
    """Whether the runner's vectors are ONNX Runtime's in all but rounding:
    remembered beside the export for this OpenVINO version and CPU."""
    key = _machine_key(runner.version, model_file)
    path = model_file.parent / _CHECK_FILE
    try:
        verdicts = json.loads(path.read_text())
    except (OSError, ValueError):
        verdicts = {}
    verdict = verdicts.get(key)
    if not isinstance(verdict, dict):
        verdict = parity(runner, reference, feeds)
        verdicts[key] = verdict
        try:
            write_atomic(path, json.dumps(verdicts, indent=1))
        except OSError as exc:  # a read-only cache: check again next time
            log.debug("cannot keep the bf16 check in %s: %s", path.parent, exc)
    ok = bool(verdict.get("sentence", 0) >= SENTENCE_MIN_COSINE) and bool(
        verdict.get("token", 0) >= TOKEN_MIN_COSINE
    )
    if not ok:
        log.warning(
            "OpenVINO bf16 vectors are not close enough to fp32 here (cosine %s); "
            "building on ONNX Runtime",
            verdict,
        )
    return ok


def parity(runner: Run, reference: Run, feeds: Callable[[str], Feeds]) -> dict[str, float]:
    """The least cosine, over the probe texts, of the runner's sentence and
    token vectors with the reference's."""
    worst = {"sentence": 1.0, "token": 1.0}
    for text in _PROBES:
        f = feeds(text)
        got, want = runner(f), reference(f)
        for name, a, b in (("sentence", got[0], want[0]), ("token", got[1], want[1])):
            a = np.asarray(a, np.float32).reshape(-1, a.shape[-1])
            b = np.asarray(b, np.float32).reshape(-1, b.shape[-1])
            cos = (a * b).sum(1) / np.maximum(
                np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12
            )
            worst[name] = min(worst[name], float(cos.min()))
    return {k: round(v, 6) for k, v in worst.items()}


def _machine_key(version: str, model_file: Path) -> str:
    """OpenVINO's version, the CPU's model and flags, and the model file."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(("model name", "flags")):
                    cpu += line
                if line.startswith("flags"):
                    break
    except OSError:
        import platform

        cpu = platform.processor()
    st = model_file.stat()
    digest = hashlib.sha256(f"{cpu}\0{model_file.name}\0{st.st_size}".encode()).hexdigest()[:16]
    return f"openvino {version} {digest}"
