"""Benchmarks run by `make bench`; each module prints its figures for docs/performance.md."""
