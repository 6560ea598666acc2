"""A question that pastes an error, quoted or not, wants the fix: the note's
snippet that shows the same error is where the note starts, not the answer."""

from __future__ import annotations

import pytest

NOTES = {
    "postgres/empty-a-table-with-dependents.md": """# Empty A Table Other Tables Depend On

The quickest way to throw away every row of a table is `truncate`, which
does not scan the table as a `delete` would. In a real schema that rarely
works on its own: other tables point at the one you want to empty through
foreign keys, and Postgres refuses to leave them pointing at nothing. If the
`invoices` table has a foreign key referencing `customers`, emptying the
customers table stops with an error like this one:

```sql
> truncate customers;
ERROR:  cannot truncate a table referenced in a foreign key constraint
DETAIL:  Table "invoices" references "customers".
```

There are two ways through, depending on how much you want to lose.

When you know which tables are tied together, name them all in the same
statement and Postgres empties them together:

```sql
> truncate customers, invoices;
TRUNCATE TABLE
```

When a whole web of tables hangs off the one you are emptying, let Postgres
follow the foreign keys for you and empty every table that references it:

```sql
> truncate customers cascade;
NOTICE:  truncate cascades to table "invoices"
TRUNCATE TABLE
```

Both are hard to undo, so run them inside a transaction on anything that
matters and look at what went before you commit.
""",
    "postgres/count-rows-quickly.md": """# Count Rows Quickly

For a rough row count of a big table, read the planner's estimate instead of
running `count(*)`:

```sql
select reltuples::bigint from pg_class where relname = 'invoices';
```
""",
}


@pytest.mark.parametrize(
    "question",
    [
        # pasted as is, in the middle of a sentence
        "emptying the customers table gives ERROR: cannot truncate a table referenced in "
        "a foreign key constraint. what now?",
        # quoted
        "truncate fails with 'cannot truncate a table referenced in a foreign key "
        "constraint', how do I empty the table anyway?",
    ],
    ids=["unquoted", "quoted"],
)
def test_a_pasted_error_gets_the_fix_not_the_error_again(notes_engine, question):
    answer = notes_engine.ask(question)
    assert answer.found
    assert answer.citations[0].title == "Empty A Table Other Tables Depend On"
    assert any("truncate customers," in c or "cascade" in c for c in answer.code)
    assert not any("ERROR:" in c for c in answer.code)


def test_an_apostrophe_is_not_a_quote() -> None:
    from index.answer import quoted

    assert quoted("what's the 'chip lottery' people talk about?") == ["chip lottery"]
    assert quoted("it's failing with 'database is being accessed' and I can't drop it") == [
        "database is being accessed"
    ]
    assert quoted("we'd rather keep accepting 'add item' clicks") == ["add item"]
    assert quoted('it says "no space left on device"') == ["no space left on device"]
