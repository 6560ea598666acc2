"""A question that asks how something works, not what to run, is answered
with the words that explain it when they are about as good a match as the
code that implements it."""

from __future__ import annotations

NOTES = {
    "designs/social-graph.md": """# Design The Social Graph

## Use case: User searches for someone and sees the shortest path

Without the constraint of millions of users and billions of friend
relationships, we could solve this with a general breadth-first search.
We won't be able to fit all users on the same machine, so we shard users
across Person Servers and reach them through a Lookup Service.

- The Client sends a request to the Web Server
- The Web Server forwards the request to the Search API server
- The Search API server forwards the request to the User Graph Service
- The User Graph Service does the following:
    - Uses the Lookup Service to find the Person Server where the current user's info is stored
    - Finds the appropriate Person Server to retrieve the current user's list of friend ids
    - Runs a breadth-first search using the current user as the source

User Graph Service implementation:

```python
class UserGraphService(object):

    def __init__(self, lookup_service):
        self.lookup_service = lookup_service

    def person(self, person_id):
        person_server = self.lookup_service.lookup_person_server(person_id)
        return person_server.people([person_id])

    def shortest_path(self, source_key, dest_key):
        if source_key is None or dest_key is None:
            return None
        if source_key is dest_key:
            return [source_key.key]
        prev_node_keys = self._shortest_path(source_key, dest_key)
        return prev_node_keys
```

Lookup Service implementation:

```python
class LookupService(object):

    def __init__(self):
        self.lookup = self._init_lookup()

    def lookup_person_server(self, person_id):
        return self.lookup[person_id]
```
""",
}


def test_how_a_design_works_is_answered_in_words(notes_engine):
    answer = notes_engine.ask(
        "in the social graph design, how does the graph service work out which machine "
        "holds a given person's friend list?"
    )
    assert answer.found
    # The explanation comes first; the code, if any, after it.
    said = answer.text.split(answer.code[0])[0] if answer.code else answer.text
    assert "Lookup Service" in said and "Person Server" in said
