"""A bounded load test on loopback: a burst of signed mentions.

Slack wants each event acknowledged within 3 s, however long the answer
takes. The engine here answers nothing until every mention has been
acknowledged, so the acks cannot be waiting on search; how long they took is
reported, not asserted (a loaded 2-core machine stretches any wall clock)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from .conftest import Bot
from .fake_engine import FakeEngine
from .slack_sender import Response, mention

MENTIONS = 200
ACK_LIMIT_S = 3.0  # Slack's: later than this and it retries the delivery (reported)


def test_200_concurrent_mentions_are_each_acked_before_any_answer_and_answered_once(
    make_bot: Callable[..., Bot], capsys: Any, record_property: Callable[[str, object], None]
) -> None:
    # No answer until every mention is acknowledged; then a few milliseconds
    # of search per question, as the real engine on a warm CPU.
    searching = threading.Event()
    bot = make_bot(FakeEngine(delay_s=0.005, gate=searching), threads=8)
    events = [mention(f"what replaces service-loadbalancer? #{i}") for i in range(MENTIONS)]
    responses: list[Response | BaseException] = [RuntimeError("not sent")] * MENTIONS
    start = threading.Barrier(MENTIONS + 1)

    def send(i: int) -> None:
        start.wait()
        try:
            responses[i] = bot.sender.event(events[i], timeout=10)
        except BaseException as exc:  # recorded, asserted below
            responses[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(MENTIONS)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    try:
        for t in threads:
            t.join(30)
        acked_s = time.perf_counter() - t0
        # Every mention acknowledged while no question could be answered yet.
        assert bot.slack.calls_to("chat.postMessage") == []
    finally:
        searching.set()
    posts = bot.slack.wait_for("chat.postMessage", MENTIONS, timeout=60)
    answered_s = time.perf_counter() - t0
    bot.settle()

    failures = [r for r in responses if not isinstance(r, Response) or r.status != 200]
    assert failures == []
    acks = sorted(r.seconds for r in responses if isinstance(r, Response))

    posts = bot.slack.calls_to("chat.postMessage")
    per_thread = Counter(p.body["thread_ts"] for p in posts)
    assert len(posts) == MENTIONS
    assert set(per_thread) == {e["ts"] for e in events}  # every one, in its own thread
    assert max(per_thread.values()) == 1  # exactly once
    assert all("ingress" in p.text for p in posts)
    assert max(bot.engine.asked.values()) == 1

    p50, p99 = acks[len(acks) // 2], acks[int(len(acks) * 0.99) - 1]
    report = (
        f"load: {MENTIONS} concurrent signed mentions: all acked in {acked_s:.2f}s "
        f"(ack p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {acks[-1] * 1000:.0f} ms, "
        f"Slack's limit {ACK_LIMIT_S:.0f} s); "
        f"all answered in {answered_s:.2f}s"
    )
    record_property("load_report", report)
    with capsys.disabled():  # shown with or without -s
        print("\n" + report)
    assert answered_s < 30  # generous: about 1 s here
