"""The chance level: how near questions on other subjects come to a
collection, which abstention measures a question's closeness against."""

from __future__ import annotations

import numpy as np

from index import chance
from index.chance import bank, chance_level

NARROW = [
    "MetalLB gives bare metal Kubernetes clusters load balancers using BGP.",
    "Sealed secrets lets you keep encrypted Kubernetes secrets in git.",
    "The cluster autoscaler adds nodes when pods are pending.",
]
# The same notes and a team's everyday pages: expenses, travel, spreadsheets ...
BROAD = [
    *NARROW,
    "Submit travel expenses within 30 days with the receipts attached.",
    "Holiday requests go to your manager at least two weeks ahead.",
    "To share a spreadsheet, give the team edit access from the Share menu.",
    "The office printer on the second floor needs the badge to release jobs.",
    "Reset your password from the company portal if the VPN refuses it.",
    "Our iOS app is released every second Tuesday through TestFlight first.",
    "Use pandas groupby to total the sales per region before plotting.",
    "The lunch order for Friday closes at ten in the morning.",
    "Put CSS variables for the brand colours in the shared stylesheet.",
    "Payroll runs on the 25th; changes to bank details must arrive a week before.",
]


def _level(embed, sentences, says=None):
    vectors = np.stack([embed(s) for s in sentences]).astype(np.float16)
    says = np.ones(len(sentences), dtype=bool) if says is None else says
    return chance_level(embed, len(sentences), lambda start, n: vectors[start : start + n], says)


def test_broader_notes_are_met_nearer_by_unrelated_questions(real_embedder):
    embed = real_embedder.embed_query
    narrow, broad = _level(embed, NARROW), _level(embed, BROAD)
    assert 0.0 < narrow < broad - 0.05


def test_links_do_not_count_and_the_level_is_the_same_read_in_pieces(real_embedder, monkeypatch):
    embed = real_embedder.embed_query
    # A bare link that happens to read like the bank's questions does not move it.
    linked = BROAD[:3] + bank()[:40]
    says = np.asarray([True] * 3 + [False] * 40)
    assert _level(embed, linked, says) == _level(embed, BROAD[:3])
    whole = _level(embed, BROAD)
    monkeypatch.setattr(chance, "ROWS", 4)
    assert abs(_level(embed, BROAD) - whole) < 1e-6
