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
