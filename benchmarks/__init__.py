"""Benchmarks: JSON out, ratios against floors measured in the same run (see `make bench`)."""
