"""`manage.py bench` (the benchmarks/ package) at a tiny scale: the loader and the
measurements over every page and API list, kept apart because they read across every app."""
