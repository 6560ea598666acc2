"""`notesbot chat`: one conversation over standard input, each line a turn,
answered the way the Slack bot answers a thread (index/conversation.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from index.conversation import Reply

    from .settings import Settings


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from index.conversation import Thread, converse

    from .cli import each_line, open_engine

    engine = open_engine(settings)
    thread = Thread()

    def turn(line: str) -> None:
        nonlocal thread
        reply = converse(engine, thread, line, settings.top_k, use_context=not args.no_context)
        thread = reply.thread
        print_reply(reply, args.json, sys.stdout)

    each_line("A question, then follow-ups, a line each (Ctrl-D to end).", args.json, turn)
    return 0


def print_reply(reply: Reply, as_json: bool, out: TextIO) -> None:
    from .cli import format_answer

    if as_json:
        data = reply.answer.to_json()
        data["context"] = reply.context.to_json() if reply.context else None
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    if reply.context is not None:
        out.write(f"({reply.context.note()})\n")
    out.write(format_answer(reply.answer) + "\n")
