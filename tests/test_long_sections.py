"""Answers from long-form notes: a "what is" question about a long section
gets its opening definition, not a detail that happens to share the
question's words; and a snippet's command is never left out for the lines it
printed."""

from __future__ import annotations

import pytest

NOTES = {
    "gpu/memory.md": """# GPU memory

## ECC

ECC (error-correcting code) memory stores a few check bits with every word, so that the
memory controller can find and fix a flipped bit before the program reads it.
It costs a little capacity and a little bandwidth.
Single-bit errors are corrected on the fly and only counted.
Double-bit errors cannot be corrected, and the process that hit them is stopped.
A card that keeps reporting errors is likely failing.
The driver keeps volatile counters, reset at each reboot, and aggregate ones that persist.
When a page of memory shows repeated errors, the driver retires it.
Retired pages are never used again, which lowers the usable memory slightly.
On older cards a reboot is needed before a retired page takes effect.
Newer cards remap the rows instead, without a reboot in most cases.
nvidia-smi lists the retired pages and the pending ones in its detailed query.
If there are pending retirements, drain the node and reset the GPU.
A high count of retired pages is a good reason to ask for a replacement.
Most cloud providers replace such a card within a day or two.
Keep a record of the counts per card, so that you see the trend.
A sudden jump after a driver upgrade is worth reporting upstream.
Training jobs usually crash with an Xid error when an uncorrectable error happens.
The job then has to restart from its last checkpoint.
That is one more reason to checkpoint often on large clusters.
Disabling the correction gives back the capacity but is rarely worth it.
Consumer cards often have no correction at all.

## Check the link error counters

If you worry that the links between GPUs are failing, check their error counters:

```bash
$ linkctl errors
GPU 0: Accelerator X1
     Link 0: Replay Errors: 0
     Link 0: Recovery Errors: 0
     Link 0: CRC Errors: 0

     Link 1: Replay Errors: 0
     Link 1: Recovery Errors: 0
     Link 1: CRC Errors: 0
```

Another useful command is:

```bash
$ linkctl status
GPU 0: Accelerator X1
     Link 0: 26.562 GB/s
```

It tells you the current speed of each link.
""",
    "testing/order.md": """# Test order

Tests that pass alone can fail together, when one of them leaves state behind for the next.
A module-level cache, a temporary file or an environment variable are the usual culprits.
Running the tests in a random order brings such hidden dependencies out early.
The suite then fails now and then, and never on the developer's own machine.
Each shuffled run prints the seed it used at the top of the report.
Keep that line in the CI logs: without it a failure cannot be reproduced.
To reproduce the exact order of a run that failed, pass its seed back:

```
$ pytest --jumble-seed=4217
```

A failure that only shows up in one order is still a real bug.
It is usually a test that relies on another one having run first.
Fixing it means giving the test the state it needs by itself.
To run the tests in a random order on every run, install the plugin and pass its flag:

```
$ pip install pytest-jumble
$ pytest --jumble
```

To run the tests in a random order in CI too, add the flag to the CI job's command:

```
$ pytest --jumble -n auto
```

The plugin works with the parallel runner too, each worker shuffling its share.
""",
}


@pytest.mark.parametrize(
    "question",
    [
        "what is ECC? i keep seeing retired pages in nvidia-smi",
        "what's ECC memory? our training job crashed with an Xid",
        "what is ECC? the cloud provider mentioned it",
    ],
)
def test_what_is_a_term_of_a_long_section_opens_with_its_definition(notes_engine, question):
    # Later sentences share the rest of the question's words (retired pages,
    # Xid, cloud provider); the opening, which says what it is, comes first.
    answer = notes_engine.ask(question)
    assert answer.found and answer.citations[0].title == "ECC"
    assert answer.text.startswith("ECC (error-correcting code) memory stores a few check bits")


def test_a_snippet_is_shown_with_its_command_not_only_what_it_printed(notes_engine):
    answer = notes_engine.ask("link eror counters")
    assert answer.found and answer.citations[0].title == "Check the link error counters"
    assert "$ linkctl errors" in answer.code[0]


def test_a_question_that_asks_two_things_gets_both(notes_engine):
    # The second part of the answer is for what the first leaves unanswered,
    # not the snippet most like the first (the same flag in CI).
    answer = notes_engine.ask(
        "how do I make pytest run the tests in a random order, "
        "and then replay the order of a run that failed?"
    )
    assert answer.found and answer.citations[0].title == "Test order"
    code = "\n".join(answer.code)
    assert "pytest --jumble" in code and "--jumble-seed=4217" in code, answer.text
