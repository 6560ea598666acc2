"""The thread store, the same tests against both backends: SQLite (a file)
and Postgres (a real server started for the session; skipped, with the
reason, where Postgres is not installed)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.memory import Memory, ThreadRecord
from bot.threads import StoreUnavailable, open_store
from bot.threads.sqlite import SqliteStore
from index.conversation import Thread, Turn


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_comes_back_as_it_was_put(make_store) -> None:
    store = make_store()
    value = {"turns": [{"asked": "what is keda?", "cited": ["keda/keda.md#10"]}], "ok": True}
    store.put("thread", "C1/111.1", value)
    assert store.get("thread", "C1/111.1", 3600) == value
    assert store.get("thread", "C1/222.2", 3600) is None
    assert store.get("answer", "C1/111.1", 3600) is None  # kinds are apart
    store.put("thread", "C1/111.1", {"replaced": "ünïcode ✓"})
    assert store.get("thread", "C1/111.1", 3600) == {"replaced": "ünïcode ✓"}


def test_what_is_older_than_asked_for_is_not_returned(make_store) -> None:
    clock = Clock()
    store = make_store(clock)
    store.put("thread", "t", {"n": 1})
    clock.now += 100
    assert store.get("thread", "t", 101) == {"n": 1}
    assert store.get("thread", "t", 99) is None


def test_a_claim_is_won_once_until_it_expires(make_store) -> None:
    clock = Clock()
    store = make_store(clock)
    assert store.claim("event", "Ev1", 60)
    assert not store.claim("event", "Ev1", 60)
    assert store.claim("event", "Ev2", 60)
    clock.now += 61
    assert store.claim("event", "Ev1", 60)  # a delivery an hour later is a new one
    assert not store.claim("event", "Ev1", 60)


def test_concurrent_claims_have_one_winner(make_store) -> None:
    store = make_store()
    start = threading.Barrier(8)

    def claim(_: int) -> bool:
        start.wait()
        return store.claim("message", "C1/1.000001", 3600)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(claim, range(8)))
    assert results.count(True) == 1


def test_two_stores_on_one_database_share_claims_and_threads(make_store) -> None:
    # Two replicas (Postgres), or a restarted bot next to its old self (SQLite).
    first, second = make_store(), make_store()
    assert first.claim("event", "Ev9", 3600)
    assert not second.claim("event", "Ev9", 3600)
    first.put("thread", "C1/5.5", {"subject": "keda"})
    assert second.get("thread", "C1/5.5", 3600) == {"subject": "keda"}


def test_a_reopened_store_remembers(make_store) -> None:
    store = make_store()
    store.put("thread", "C1/7.7", {"subject": "velero"})
    assert store.claim("message", "C1/7.8", 3600)
    store.close()
    again = make_store()
    assert again.get("thread", "C1/7.7", 3600) == {"subject": "velero"}
    assert not again.claim("message", "C1/7.8", 3600)


def test_prune_forgets_the_old_and_keeps_the_newest_rows_of_a_kind(make_store) -> None:
    clock = Clock()
    store = make_store(clock)
    for n in range(6):
        store.put("answer", f"a{n}", {"n": n})
        clock.now += 10
    store.put("thread", "old", {})
    clock.now += 1000
    store.put("thread", "new", {})
    store.prune({"thread": 500}, {"answer": 2})
    assert [store.get("answer", f"a{n}", 10**9) for n in range(6)] == [
        None,
        None,
        None,
        None,
        {"n": 4},
        {"n": 5},
    ]
    assert store.get("thread", "old", 10**9) is None
    assert store.get("thread", "new", 10**9) == {}


def test_memory_keeps_a_thread_conversation_across_a_restart(make_store) -> None:
    turn = Turn(
        "what is keda?", "what is keda?", "", "keda", True, ("s1", "s2"), "s1", (("s1", 0),)
    )
    memory = Memory(make_store(), thread_days=1)
    assert memory.thread("C1", "9.9") is None
    memory.save_thread("C1", "9.9", ThreadRecord(Thread((turn,)), told_not_found=True))
    memory.close()
    record = Memory(make_store(), thread_days=1).thread("C1", "9.9")
    assert record == ThreadRecord(Thread((turn,)), told_not_found=True)


def test_memory_forgets_threads_after_the_days_it_keeps_them(make_store) -> None:
    clock = Clock()
    memory = Memory(make_store(clock), thread_days=2)
    memory.save_thread("C1", "1.1", ThreadRecord())
    clock.now += 86400
    assert memory.thread("C1", "1.1") is not None
    clock.now += 2 * 86400
    assert memory.thread("C1", "1.1") is None


def test_a_store_that_fails_is_answered_around(tmp_path: Path, caplog) -> None:
    memory = Memory(SqliteStore(tmp_path / "threads.sqlite3"))
    memory.store.close()  # every statement now fails
    assert memory.first_delivery("Ev1")  # answer (perhaps twice) rather than never
    assert memory.thread("C1", "1.1") is None
    memory.save_thread("C1", "1.1", ThreadRecord())  # logged, not raised
    assert "thread store failed" in caplog.text


def test_an_unusable_sqlite_path_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="cannot open the thread store"):
        SqliteStore(blocker / "threads.sqlite3")


def test_settings_choose_the_backend(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, thread_db=tmp_path / "t.sqlite3")  # type: ignore[call-arg]
    store = open_store(settings)
    assert isinstance(store, SqliteStore) and (tmp_path / "t.sqlite3").exists()
    store.close()


def test_an_unreachable_postgres_is_one_line_without_the_password() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url="postgresql://bot:s3cret-pw@127.0.0.1:1/notes"
    )
    with pytest.raises(StoreUnavailable) as exc:
        open_store(settings)
    message = str(exc.value)
    assert "NOTESBOT_DATABASE_URL" in message and "s3cret-pw" not in message
    assert "\n" not in message


def test_a_database_url_that_is_not_postgres_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="postgresql://"):
        Settings(_env_file=None, database_url="mysql://x@y/z")  # type: ignore[call-arg]
