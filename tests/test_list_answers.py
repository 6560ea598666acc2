"""A list question gets the whole list: its short items and the items that
are only a link too, not just the items long enough to be answers alone."""

from __future__ import annotations

NOTES = {
    "network/dns.md": """# DNS

## Managed DNS

A managed DNS service answers for your domain from many places at once, so
that a lookup is fast wherever the user is. You pay per zone and per million
queries. Besides plain answers, some DNS services can route traffic through
various methods:

* [Weighted round robin](https://example.com/weighted)
    * Prevent traffic from going to servers under maintenance
    * Balance between varying cluster sizes
    * A/B testing
* [Latency-based](https://example.com/latency)
* [Geolocation-based](https://example.com/geo)

Changes take a while to reach every resolver, because answers are cached for
their time to live.

## Record types

A zone is a list of records, each mapping a name to something, and a resolver
asks for the type of record it needs. The record types you meet most often are:

* [A](https://example.com/a) and AAAA
* CNAME
* MX records, which name the mail servers of the domain and their preference
* TXT records, which carry free text such as domain ownership proofs
* NS records, which name the servers that answer for the zone

Each record has a time to live, which says how long resolvers may keep it. A
short one makes changes reach users sooner but sends more queries to your
servers; a long one does the reverse. Lower it a day before a planned move and
raise it again after. A record can also be a wildcard, answering for every name
under the domain that has no record of its own, which is handy for
preview environments but hides typos. Most providers let you import and export
a zone as a plain text file in the format the original servers used, which is
the simplest way to move a domain between providers.
""",
}


def test_a_list_question_gets_every_item_of_the_list(notes_engine):
    answer = notes_engine.ask("what are the options for routing traffic with DNS?")
    assert answer.found and answer.citations[0].title == "Managed DNS"
    items = [p.text for p in answer.parts if p.kind == "item"]
    for item in ("Weighted round robin", "A/B testing", "Latency-based", "Geolocation-based"):
        assert item in items


def test_a_list_in_a_long_section_comes_whole_too(notes_engine):
    answer = notes_engine.ask("which record types will I meet most often in a zone?")
    assert answer.found and answer.citations[0].title == "Record types"
    items = [p.text for p in answer.parts if p.kind == "item"]
    assert "CNAME" in items and any(i.startswith("NS records") for i in items)
