"""What the command-line tools (`notesbot`, `scripts/reindex`) share: their
log format, settings errors as one line naming the variable."""

from __future__ import annotations

import logging
import sys
from typing import Any

from index.domain import NotesbotError

from .settings import Settings

# Libraries that talk too much for a terminal or a cron mail.
NOISY = ("faiss", "bm25s", "httpx", "sentence_transformers", "transformers", "torch")


def setup_logging(prog: str, verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{prog}: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


class BadSetting(NotesbotError):
    """A setting with a wrong value: exit status 2, as for a wrong flag."""


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and `.env`, with flags on top; a bad
    value is a BadSetting naming the variable (never its value: it may be
    a secret)."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "SETTINGS"
        variable = name if name.startswith("SLACK_") else f"NOTESBOT_{name}"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise BadSetting(f"bad setting {variable}: {message}") from None
