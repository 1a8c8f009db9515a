"""Demo and scale data, on top of every app (the top layer of the import-linter contract).

- `seed_demo` (demo.programme, demo.matching, demo.logbooks, demo.evaluation): the demo
  programme of `make run`, mirroring the study's sample; idempotent.
- `seed_scale` (demo.scale, demo.scale_pairs): a national programme for the benchmarks.

Both build their rows with the apps' factories (`<app>/factories.py`), as the tests do.
"""
