"""What the re-index and hot-reload tests share: the real `scripts/reindex`
run as cron runs it, small notes the real model answers, and lock probes."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT, write_notes

REINDEX = ROOT / "scripts" / "reindex"
SUMMARY = re.compile(
    r"^index (updated to (?P<version>v-\S+)|unchanged): (?P<files>\d+) files, "
    r"(?P<sections>\d+) sections \(\+(?P<added>\d+) ~(?P<changed>\d+) -(?P<removed>\d+)\), "
    r"(?P<embedded>\d+) passages embedded(?: \((?P<encoder>[^)]+)\))?, [\d.]+s$"
)
HELD = "another re-index holds the lock"

RUNBOOKS = """# Runbooks

## quokka-gateway

quokka-gateway is the edge proxy in front of the billing cluster.
To restart it, run `kubectl rollout restart deploy/quokka-gateway -n billing`.

## wombat-queue

wombat-queue buffers invoices between billing and the ledger.
It is deprecated in favor of kafka; new services must not use it.
"""

ONCALL = """# On-call

## Paging

The on-call engineer is paged through PagerDuty; acknowledge a page within five minutes.

## Handover

Handover happens every Monday at 10:00 in the #oncall channel.
"""

HANDOVER_Q = "when is the on-call handover?"  # answered from team/oncall.md
RESTART_Q = "how do I restart quokka-gateway?"  # answered from team/runbooks.md


def services_note(n: int) -> str:
    """One note of n sections: n passages to embed, a few seconds' work."""
    parts = ["# Services\n"]
    for i in range(n):
        parts.append(
            f"## svc-{i:03d}\n\nsvc-{i:03d} keeps the ledger entries of region {i} for "
            f"{7 * i % 31 + 2} days and is restarted with `svcctl restart svc-{i:03d}`.\n"
        )
    return "\n".join(parts)


@dataclass
class Notes:
    """A notes folder and its index, as the cron job and the bot see them."""

    corpus: Path
    index: Path
    model_cache: Path

    def env(self, **extra: str) -> dict[str, str]:
        """Cron's bare environment: only a PATH whose python3 may lack notesbot."""
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(self.index.parent),
            "NOTESBOT_CORPUS": str(self.corpus),
            "NOTESBOT_INDEX": str(self.index),
            "NOTESBOT_MODEL_CACHE": str(self.model_cache),
            **extra,
        }

    def write(self, files: dict[str, str | bytes]) -> None:
        write_notes(self.corpus, files)

    def current(self) -> str:
        return (self.index / "CURRENT").read_text().strip()

    def config(self):  # -> IndexConfig
        from index.config import IndexConfig

        return IndexConfig(self.corpus, self.index, model_cache=self.model_cache)


def reindex(notes: Notes, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [str(REINDEX), *args],
        env=env or notes.env(),
        cwd=cwd or notes.index.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def start_reindex(notes: Notes, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(REINDEX), *args],
        env=notes.env(),
        cwd=notes.index.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(run: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    out, err = run.communicate(timeout=300)
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


def summary(result: subprocess.CompletedProcess[str]) -> re.Match[str]:
    """The one summary line a successful run prints."""
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    # Whatever embedded new passages is named: ONNX Runtime, or OpenVINO in bfloat16.
    assert (match["encoder"] is not None) == (int(match["embedded"]) > 0), lines[0]
    return match


def lock_held(path: Path) -> bool:
    """Whether another process holds the flock on `path` (probing takes it
    for an instant when free; a build that meets it then retries)."""
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return True
        raise
    finally:
        os.close(fd)
    return False


def wait_until(check: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what}")
        time.sleep(0.002)
