"""Benchmarks: ``make bench`` (``bench/run.py``) runs every ``bench_*.py`` module here."""
