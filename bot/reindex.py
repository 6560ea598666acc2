"""`scripts/reindex`: the one command a cron job runs to follow the notes.

    scripts/reindex [--pull] [--clone URL] [--corpus DIR] [--index DIR]
                    [--wait SECONDS] [--rebuild] [-q] [-v]

Optionally brings the notes checkout up to date (`git pull --ff-only`), then
updates the index incrementally and atomically, as `notesbot index` does; a
running bot picks the new version up on its next question.

Exit 0 when the index is up to date (updated or unchanged), and also when
another re-index still holds the lock after --wait (that run indexes the same
notes); otherwise one line on stderr and a non-zero exit. Stdout gets one
summary line.

Runs are serialized by `<index>/.reindex.lock`, held across the pull and the
build: without it a run that read the notes before another run pulled could
publish the older notes last.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from index.domain import IndexLocked, NotesbotError
from index.store import file_lock

if TYPE_CHECKING:
    from .settings import Settings

PROG = "reindex"
REINDEX_LOCK = ".reindex.lock"
DEFAULT_WAIT = 60.0
GIT_TIMEOUT = 300.0  # a hung fetch must not hold the lock for ever
log = logging.getLogger("notesbot.reindex")


def main(argv: Sequence[str] | None = None, *, home: Path | None = None) -> int:
    """Run a re-index. `home`: the project folder; relative settings (the
    defaults, `.env`, NOTESBOT_* paths) are read from there, so cron's working
    directory does not matter. Relative --corpus/--index are the caller's."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    args = _parser().parse_args(argv)
    from .console import setup_logging

    setup_logging(PROG, args.verbose)
    for name in ("corpus", "index"):
        value = getattr(args, name)
        if value is not None:
            setattr(args, name, value.expanduser().absolute())
    try:
        if home is not None:
            os.chdir(home)
        settings = _settings(args)
        corpus, index_dir = settings.corpus.absolute(), settings.index.absolute()
        deadline = time.monotonic() + args.wait
        with file_lock(index_dir / REINDEX_LOCK, args.wait):
            if args.clone and not corpus.exists():
                _clone(args.clone, corpus)
            if args.pull:
                _pull(corpus)
            from index.build import build_index

            report = build_index(
                settings.index_config(),
                progress=sys.stderr.isatty(),
                wait=max(0.0, deadline - time.monotonic()),
                force=args.rebuild,
            )
    except IndexLocked:
        # Exit 0: that run (or a `notesbot index`) is indexing these notes now.
        print(f"{PROG}: another re-index holds the lock on {index_dir}; skipped")
        return 0
    except NotesbotError as exc:
        return _fail(str(exc))
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return _fail(f"cannot use{where}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        return 130
    if not args.quiet:
        print(report.summary())
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Update the notes (optional) and the index, for a cron job. "
        "Settings come from NOTESBOT_* variables and the project's .env.",
    )
    p.add_argument("--corpus", type=Path, metavar="DIR", help="notes folder (NOTESBOT_CORPUS)")
    p.add_argument("--index", type=Path, metavar="DIR", help="index folder (NOTESBOT_INDEX)")
    p.add_argument(
        "--pull",
        action="store_true",
        help="first `git pull --ff-only` the notes, when they are a git work tree",
    )
    p.add_argument(
        "--clone",
        metavar="URL",
        help="when the notes folder does not exist yet, first clone URL into it",
    )
    p.add_argument(
        "--wait",
        type=_seconds,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"wait this long for another run's lock, then exit 0 (default {DEFAULT_WAIT:.0f})",
    )
    p.add_argument("--rebuild", action="store_true", help="re-cut every note (vectors are reused)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    return p


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise argparse.ArgumentTypeError("must be a number of seconds from 0 to 86400")
    return seconds


def _settings(args: argparse.Namespace) -> Settings:
    from .console import load_settings

    return load_settings(**{k: getattr(args, k) for k in ("corpus", "index") if getattr(args, k)})


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


# --------------------------------------------------------------------------- git


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    # No prompt for a password: cron has no one to answer it.
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise NotesbotError("git is not installed (needed by --pull and --clone)") from None
    except subprocess.TimeoutExpired:
        raise NotesbotError(f"git {args[-1]} took over {GIT_TIMEOUT:.0f}s; gave up") from None


def _pull(corpus: Path) -> None:
    inside = _git("-C", str(corpus), "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        log.warning("--pull: %s is not a git work tree; indexing it as it is", corpus)
        return
    result = _git("-C", str(corpus), "pull", "--ff-only", "--quiet")
    if result.returncode != 0:
        raise NotesbotError(
            f"git pull --ff-only in {corpus} failed, index not updated: {_last_line(result)}"
        )
    log.info("pulled the notes in %s", corpus)


def _clone(url: str, corpus: Path) -> None:
    # Into a temporary folder first: a killed clone must not look like notes.
    tmp = corpus.parent / f".{corpus.name}.clone-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    corpus.parent.mkdir(parents=True, exist_ok=True)
    result = _git("clone", "--quiet", "--", url, str(tmp))
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise NotesbotError(f"git clone of {_redact(url)} failed: {_last_line(result)}")
    os.rename(tmp, corpus)
    log.info("cloned %s into %s", _redact(url), corpus)


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [ln.strip() for ln in (result.stderr or result.stdout).splitlines() if ln.strip()]
    # git ends with its advice; the first "fatal:" line says what went wrong.
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    line = (fatal or lines or [f"exit status {result.returncode}"])[0]
    return _redact(line)[:300]


def _redact(text: str) -> str:
    """Credentials in a URL (https://user:token@host/...) are never shown."""
    return re.sub(r"(\w+://)[^/@\s]+@", r"\1***@", text)
