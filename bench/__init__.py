"""Benchmarks of NLU quality, turn latency and resources, side by side with baselines (`make bench`).

Run `python -m bench --help`; the README's "Benchmarks" section says how to read the summary.
"""
