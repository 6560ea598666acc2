"""Benchmarks: notesbot against plain BM25 and plain dense baselines (see scripts/bench)."""
