"""Questions about needs of an office that the shipped notes (Kubernetes
projects) do not cover, a few wordings each: what `notesbot gaps` should
group one group per need."""

from __future__ import annotations

# Paraphrases of needs the shipped notes don't cover, written before the
# grouping was run on them (the threshold was fitted on another set).
OFFICE_NEEDS = {
    "room": [
        "how do I book a meeting room?",
        "where can I reserve a conference room?",
        "how to schedule a room for a meeting?",
        "is there a way to book the big meeting room for Friday?",
    ],
    "printer": [
        "how do I print from my laptop?",
        "how do I connect to the office printer?",
        "how do I set up the printer on my mac?",
    ],
    "parental": [
        "how do I apply for parental leave?",
        "how many weeks of maternity leave do we get?",
        "how long is paternity leave here?",
    ],
    "timesheet": [
        "where do I enter my timesheet?",
        "how do I log my working hours?",
        "when are timesheets due each week?",
    ],
    "vpn": [
        "how do I connect to the company VPN?",
        "the VPN won't connect from home, what do I do?",
        "how do I set up the VPN client?",
    ],
    "address": [
        "what's the address of the office?",
        "how do I get to the office by train?",
        "where is the office located?",
    ],
}
