"""The multi-process soak (`make soak`, `python -m benchmarks.soak`): see __main__.py."""
