"""The generators of the example project (entry point: scripts/make_example.py)."""
