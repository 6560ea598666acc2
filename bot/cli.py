"""`notesbot`: index the notes, ask them questions, browse them, serve Slack.

Start-up time matters here (a newcomer's first `notesbot ask`), so heavy
modules are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from index.domain import Answer, Category, Citation
    from index.engine import Engine

    from .settings import Settings

EXAMPLE = 'notesbot ask "what replaces service-loadbalancer?"'
EX_LOCKED = 75  # EX_TEMPFAIL: another build holds the lock; try again later
log = logging.getLogger("notesbot")


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    from .console import setup_logging

    setup_logging("notesbot", args.verbose)
    from index.domain import IndexLocked, NotesbotError

    from .console import BadSetting

    try:
        settings = _settings(args)
        return int(args.run(args, settings))
    except BadSetting as exc:  # as docs/slack.md says: a wrong setting exits 2, like a wrong flag
        _error(str(exc))
        return 2
    except IndexLocked as exc:
        _error(str(exc))
        return EX_LOCKED
    except NotesbotError as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `notesbot ask ... | head`
        sys.stderr.close()
        return 0


# --------------------------------------------------------------------------- parsing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notesbot",
        description="Answers questions from a folder of Markdown notes, citing the sections "
        "it used. Settings come from NOTESBOT_* variables and .env (see .env.example).",
        epilog=f"example: {EXAMPLE}",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser.add_argument("--version", action="version", version=f"notesbot {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
        return p

    def paths(p: argparse.ArgumentParser) -> None:
        p.add_argument("--corpus", type=Path, metavar="DIR", help="notes folder (NOTESBOT_CORPUS)")
        p.add_argument("--index", type=Path, metavar="DIR", help="index folder (NOTESBOT_INDEX)")

    p = command("index", "build or update the index of the notes (incremental, atomic)")
    paths(p)
    p.add_argument("--rebuild", action="store_true", help="re-cut every note (vectors are reused)")
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help=f"wait this long for another build's lock (default: exit {EX_LOCKED} at once)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    p.set_defaults(run=cmd_index)

    p = command("ask", "answer a question from the notes (builds the index if there is none)")
    paths(p)
    p.add_argument("question", nargs="*", metavar="QUESTION", help="without it: one per stdin line")
    p.add_argument("--json", action="store_true", help="one JSON object per answer")
    p.add_argument("--top-k", type=_positive, metavar="N", help="sections to cite (default 3)")
    p.set_defaults(run=cmd_ask)

    p = command("chat", "a conversation: each line of stdin a turn, follow-ups read in context")
    paths(p)
    p.add_argument("--json", action="store_true", help="per turn: the answer and the context used")
    p.add_argument("--no-context", action="store_true", help="answer each line on its own")
    p.add_argument("--top-k", type=_positive, metavar="N", help="sections to cite (default 3)")
    p.set_defaults(run=cmd_chat)

    p = command(
        "categories",
        "browse the notes: the top-level categories (folders, headings) with their sizes, "
        "or one level under PATH",
    )
    paths(p)
    p.add_argument(
        "path", nargs="*", metavar="PATH", help="a category: net, dr, solutions/system_design"
    )
    p.add_argument("--json", action="store_true", help="the tree (under PATH) as JSON")
    p.set_defaults(run=cmd_categories)

    p = command("list", "the entries of one category (part of its name is enough: list net)")
    paths(p)
    p.add_argument("path", nargs="+", metavar="CATEGORY", help="a category: net, git, dr, ...")
    p.add_argument("--json", action="store_true", help="the category's tree as JSON")
    p.set_defaults(run=cmd_categories)

    p = command("eval", "score answers on a question file (JSONL: question, expect, ...)")
    paths(p)
    p.add_argument("file", type=Path, metavar="FILE.jsonl")
    p.add_argument("--top-k", type=_positive, metavar="N", help="sections to cite (default 3)")
    p.add_argument("--json", action="store_true", help="the figures as JSON")
    p.add_argument("--failures", action="store_true", help="list the questions it got wrong")
    p.set_defaults(run=cmd_eval)

    p = command("gaps", "the questions the notes could not answer, grouped by meaning")
    p.add_argument(
        "--since", type=_age, default="30d", metavar="AGE", help="30d (default), 6w, 3m, 1y"
    )
    p.add_argument("--json", action="store_true", help="as JSON")
    p.add_argument(
        "--post", action="store_true", help="post to NOTESBOT_GAPS_CHANNEL, once a period (cron)"
    )
    p.set_defaults(run=cmd_gaps)

    p = command("serve", "run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)")
    paths(p)
    p.add_argument("--port", type=int, metavar="PORT", help="HTTP port (NOTESBOT_PORT)")
    p.set_defaults(run=cmd_serve)

    p = command(
        "model",
        "export the embedding model for fast loading, if not done yet, and say where it is "
        "(NOTESBOT_MODEL_CACHE)",
    )
    p.set_defaults(run=cmd_model)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("notesbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 20:
        raise argparse.ArgumentTypeError("must be a whole number from 1 to 20")
    return n


def project_home() -> Path | None:
    """The source checkout this notesbot runs from (`make install` installs it
    in place), or None when it is installed as a package (the image)."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def _age(value: str) -> str:
    from index.freshness import parse_age

    try:
        parse_age(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _settings(args: argparse.Namespace) -> Settings:
    """Flags on top of NOTESBOT_* and `.env`. As for scripts/reindex, the
    project's `.env` and relative settings (the defaults `corpus`,
    `data/index`) are the project folder's wherever the command runs;
    relative flags are the caller's."""
    from .console import load_settings

    overrides: dict[str, Any] = {}
    for name in ("corpus", "index", "port", "top_k"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value.expanduser().absolute() if isinstance(value, Path) else value
    home = project_home()
    if home is None:  # installed as a package: the working folder's, as ever
        return in_folder(load_settings(**overrides), Path.cwd())
    settings = in_folder(load_settings(_env_file=home / ".env", **overrides), home)
    if (
        args.command in NOTES_COMMANDS
        and not getattr(args, "quiet", False)
        and Path.cwd().resolve() != home
    ):
        print(f"notesbot: notes in {settings.corpus}, index in {settings.index}", file=sys.stderr)
    return settings


NOTES_COMMANDS = ("index", "ask", "chat", "categories", "eval")
PATH_SETTINGS = ("corpus", "index", "model_cache", "feedback_file", "gaps_file", "thread_db")


def in_folder(settings: Settings, home: Path) -> Settings:
    """`settings` with its relative paths taken from `home`."""
    update = {}
    for name in PATH_SETTINGS:
        value = getattr(settings, name)
        if value is not None and not value.expanduser().is_absolute():
            update[name] = home / value
        elif value is not None:
            update[name] = value.expanduser()
    return settings.model_copy(update=update)


def _error(message: str) -> None:
    print(f"notesbot: error: {message}", file=sys.stderr)


# --------------------------------------------------------------------------- commands


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from index.build import build_index

    report = build_index(
        settings.index_config(),
        progress=sys.stderr.isatty(),
        wait=args.wait,
        force=args.rebuild,
    )
    if not args.quiet:
        print(report.summary())
    if report.unchanged:  # the build warned of them when it read them
        for skipped in report.skipped:
            log.warning("skipped %s", skipped)
    return 0


def open_engine(settings: Settings) -> Engine:
    """The engine over the configured index, brought up to date with the notes
    first (cheap when nothing changed: the files are hashed, nothing is parsed).
    A notes folder that is not there is an error, however it was named."""
    from index.build import build_index
    from index.domain import IndexLocked, IndexReadOnly
    from index.engine import Engine

    config = settings.index_config()
    first = not _has_index(config.index_dir)
    if first and config.corpus_dir.is_dir():
        print(
            f"notesbot: building the index of the notes in {config.corpus_dir} (first run)...",
            file=sys.stderr,
        )
    try:
        report = build_index(config, progress=sys.stderr.isatty(), wait=600 if first else 0)
        if not report.unchanged:
            print(f"notesbot: {report.summary()}", file=sys.stderr)
    except IndexLocked:
        log.warning("another build is updating the index; answering from the current one")
    except IndexReadOnly as exc:
        if first:
            raise
        log.warning("%s; answering from it", exc)
    return Engine.open(config)


def _has_index(index_dir: Path) -> bool:
    from index.store import current_version

    return current_version(index_dir) is not None


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    question = " ".join(args.question).strip()
    if args.question and not question:
        print(f"Ask a question about the notes, e.g. {EXAMPLE}", file=sys.stderr)
        return 2
    engine = open_engine(settings)
    top_k = settings.top_k
    if question:
        _print_answer(engine.ask(question, top_k), args.json, sys.stdout)
        return 0
    each_line(
        "Type a question per line (Ctrl-D to end).",
        args.json,
        lambda line: _print_answer(engine.ask(line, top_k), args.json, sys.stdout),
    )
    return 0


def each_line(hint: str, as_json: bool, answer: Callable[[str], None]) -> None:
    """`answer` each non-blank line of standard input as it comes (a blank
    line between answers in text), saying `hint` first on a terminal."""
    if sys.stdin.isatty():
        print(hint, file=sys.stderr)
    first = True
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            continue
        if not as_json and not first:
            print()
        answer(line)
        sys.stdout.flush()
        first = False


def _print_answer(answer: Answer, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
        return
    out.write(format_answer(answer) + "\n")


def format_answer(answer: Answer) -> str:
    from index.answer import NEAREST_LEAD
    from index.freshness import stale_message

    browse = "Browse what they cover with `notesbot categories`."
    if not answer.found and not answer.nearest:
        return f"{answer.text} {browse}"
    if not answer.found:
        lines = [answer.text, "", f"{NEAREST_LEAD}:", *_cited(answer.nearest), "", browse]
        return "\n".join(lines)
    lines = [answer_body(answer)]
    if answer.stale:
        lines += ["", stale_message(answer)]
    if answer.citations:
        lines += ["", "Sources:", *_cited(answer.citations)]
    if answer.note and answer.note.startswith(("http://", "https://")):
        lines.append(f"  notes: {answer.note}")
    return "\n".join(lines)


def _cited(citations: Sequence[Citation]) -> list[str]:
    """Numbered sections, as a terminal lists an answer's sources."""
    from index.freshness import noted

    lines = []
    for n, c in enumerate(citations, 1):
        when = f", {noted(c.updated)}" if c.updated else ""
        lines.append(f"  {n}. {' › '.join(c.path)}  ({c.source}:{c.line}{when})")
        if c.url:
            lines.append(f"     {c.url}")
    return lines


def answer_body(answer: Answer) -> str:
    """The answer as a terminal shows it: snippets fenced as code."""
    from index.answer import paragraphs

    if not answer.parts:
        return answer.text
    out: list[str] = []
    for p in paragraphs(answer.parts):
        if p.kind == "code":
            out += ["```", p.text, "```"]
        else:
            out.append(f"- {p.text}" if p.kind == "item" else p.text)
    return "\n".join(out)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from .chat import cmd_chat as chat

    return chat(args, settings)


def cmd_categories(args: argparse.Namespace, settings: Settings) -> int:
    """`categories [PATH]` and `list CATEGORY`: one level of the catalog."""
    from index.catalog import find_category, walk
    from index.domain import NotesbotError

    catalog = open_catalog(settings)
    query = " ".join(args.path).strip()
    category = catalog
    if query:
        found = find_category(walk(catalog), query)
        if found is None:
            raise NotesbotError(_no_such_category(catalog, query))
        category = found
    if args.json:
        print(json.dumps(_category_json(category), ensure_ascii=False, indent=1))
        return 0
    print("\n".join(catalog_lines(category, top=not query)))
    return 0


def open_catalog(settings: Settings) -> Category:
    """The catalog of the notes: read from the index alone when it is of the
    notes as they are (fast: no model, no search index), else from an
    engine over the index brought up to date."""
    from index.browse import current_catalog

    config = settings.index_config()
    if config.corpus_dir.is_dir():
        catalog = current_catalog(config)
        if catalog is not None:
            return catalog
    return open_engine(settings).catalog()


def _no_such_category(catalog: Category, query: str) -> str:
    from index.catalog import closest, walk

    near = closest(walk(catalog), query)
    if near:
        hint = "closest: " + ", ".join("/".join(c.path) for c in near)
    elif catalog.categories:
        top = [c.name for c in catalog.categories]
        hint = "the top-level ones: " + ", ".join(top[:8]) + (", …" if len(top) > 8 else "")
    else:
        hint = "the notes have no categories"
    return f"no category matches {query!r}; {hint} (see `notesbot categories`)"


def catalog_lines(category: Category, *, top: bool) -> list[str]:
    """One level of the catalog: its categories with their sizes, then its entries."""
    lines: list[str] = []
    indent = ""
    if not top:
        lines.append(f"{' › '.join(category.path) or category.name} ({category.size})")
        if category.description:
            lines.append(f"  {category.description}")
        indent = "  "
    elif not category.categories and not category.projects:
        return ["The notes have no categories yet."]
    lines += [f"{indent}{c.name} ({c.size})" for c in category.categories]
    for p in category.projects:
        marks = " [link]" * p.link_only
        if p.deprecated:
            marks += f" [deprecated; replaced by {p.replaced_by}]" * bool(p.replaced_by)
            marks += " [deprecated]" * (not p.replaced_by)
        lines.append(f"{indent}- {p.name}{marks}")
    return lines


def _category_json(c: Category) -> dict[str, Any]:
    return {
        "name": c.name,
        "path": list(c.path),
        "source": c.source,
        "line": c.line,
        "url": c.url,
        "description": c.description,
        "size": c.size,
        "categories": [_category_json(sub) for sub in c.categories],
        "projects": [
            {
                "name": p.name,
                "source": p.source,
                "line": p.line,
                "deprecated": p.deprecated,
                "replaced_by": p.replaced_by,
                "link_only": p.link_only,
                "url": p.url,
            }
            for p in c.projects
        ],
    }


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from index.evaluate import describe_failures, evaluate, format_report, load_questions

    questions = load_questions(args.file)
    engine = open_engine(settings)
    report = evaluate(questions, lambda q: engine.ask(q, settings.top_k))
    if args.json:
        print(json.dumps(report.summary()))
    else:
        print("\n".join(format_report(report, str(args.file))))
    if args.failures:
        print("\n".join(describe_failures(report.failures())) or "no failures")
    return 0


def cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    from .gaps.command import run_gaps

    return run_gaps(settings, args.since, args.json, args.post)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .slack.serve import serve

    return serve(settings)


def cmd_model(args: argparse.Namespace, settings: Settings) -> int:
    from index.embed import model_id, prepare_model

    config = settings.index_config()
    export_dir = prepare_model(config.model, config.model_cache_dir)
    print(f"{model_id(config.model)}: {export_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
