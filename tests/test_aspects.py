"""A question asking for one aspect of a topic (its drawbacks, its
benefits, how to install it) finds the sub-section the notes give that
aspect, though the sub-section never repeats the topic's words."""

from __future__ import annotations

import pytest

from index.aspects import asked_aspects, heading_aspects

NOTES = {
    "databases.md": """# Databases

## Denormalization

Denormalization copies data into extra tables so that reads skip expensive
joins. Redundant copies of a row live next to the rows that read them, and
the read path touches one table instead of four.

### Disadvantage(s): denormalization

- Data is duplicated.
- Constraints can help redundant copies of information stay in sync, which
  increases complexity of the database design.
- A denormalized database under heavy write load might perform worse than its
  normalized counterpart.

## Federation

Federation splits databases by function: users, products and forums each get
a database of their own, so each gets less read and write traffic.

### Disadvantage(s): federation

- Joining data from two databases is more complex with a server link.
- Federation adds more hardware and additional complexity.

## Replication

Replication keeps copies of the data on several servers.

### Master-slave replication

The master serves reads and writes, replicating writes to one or more
slaves, which serve only reads.

### Master-master replication

Both masters serve reads and writes and coordinate with each other on writes.

### Disadvantage(s): replication

- There is a potential for loss of data if the master fails before any newly
  written data can be replicated to other nodes.
- Writes are replayed to the read replicas; with many writes, the replicas
  can get bogged down replaying them and serve fewer reads.
""",
}


@pytest.mark.parametrize(
    ("question", "section", "says"),
    [
        (
            "we started copying data into extra tables to avoid joins on the read path. "
            "what's the catch?",
            "Disadvantage(s): denormalization",
            "duplicated",
        ),
        (
            "thinking of splitting our one DB into a users DB and a products DB. any downsides?",
            "Disadvantage(s): federation",
            "Joining data",
        ),
        # Its topic is the parent and the parent's other sub-sections.
        (
            "our master replicates every write to two slaves that serve only reads. "
            "what problems should we expect?",
            "Disadvantage(s): replication",
            "loss of data",
        ),
    ],
)
def test_asking_for_the_drawbacks_of_a_topic_finds_its_drawbacks(
    notes_engine, question, section, says
):
    answer = notes_engine.ask(question)
    assert answer.found
    assert answer.citations[0].title == section
    assert says in answer.text


def test_asking_about_the_topic_itself_finds_the_topic(notes_engine):
    answer = notes_engine.ask("how do we keep reads from doing expensive joins?")
    assert answer.citations[0].title == "Denormalization"


def test_what_a_question_asks_of_a_topic():
    assert asked_aspects("did we just create a single point of failure?") == {"drawbacks"}
    assert asked_aspects("what are the pros and cons of sharding?") == {"drawbacks", "benefits"}
    assert asked_aspects("is there an alternative to helm?") == {"alternatives"}
    assert asked_aspects("how do I install kind on a mac?") == {"installation"}
    # A trade-off between two things is a comparison, not the drawbacks of one.
    assert asked_aspects("write-through vs write-behind: what's the tradeoff?") == frozenset()
    assert asked_aspects("how does federation split the database?") == frozenset()


def test_what_aspect_a_heading_names():
    assert heading_aspects("Disadvantage(s): federation") == {"drawbacks"}
    assert heading_aspects("Limitations") == {"drawbacks"}
    assert heading_aspects("Pros and cons") == {"benefits", "drawbacks"}
    assert heading_aspects("Installation") == {"installation"}
    assert heading_aspects("Install from source") == {"installation"}
    assert heading_aspects("Federation") == frozenset()
    assert heading_aspects("Why we reinstalled") == frozenset()
