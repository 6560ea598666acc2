"""What the handlers are given: one object per app, no module-level state."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.gaps.record import GapLog
from bot.metrics import Metrics
from bot.settings import Settings

from .feedback import FeedbackLog
from .memory import Memory
from .notes import NotesEngine


@dataclass
class Deps:
    settings: Settings
    engine: NotesEngine
    metrics: Metrics
    feedback: FeedbackLog
    memory: Memory
    gaps: GapLog | None = None  # what the notes miss (bot/gaps)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("notesbot.slack"))
