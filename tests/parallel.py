"""Each pytest-xdist worker gets a Redis database of its own (`make test` runs the suite in
two workers, one per CPU of CI).

pytest-django already gives each worker its own test database (`test_harmony_gw0`, …). Redis
needs the same: tests start real Celery workers, read queues and clear the cache, and two
test processes sharing one Redis database would take each other's tasks. Loaded with
`-p tests.parallel` (pyproject's addopts), so it runs before pytest-django imports the
settings: worker N uses the database index of REDIS_URL plus N.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def worker_redis_url(url: str, worker: str) -> str:
    """REDIS_URL moved to database (its index + the worker's number): gw0 keeps it."""
    number = int(worker.removeprefix("gw") or 0)
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + number}"))


# The URLs as the run was started with them, before this worker moved them.
ORIGINAL = {name: os.environ.get(name, "") for name in ("REDIS_URL", "CELERY_BROKER_URL")}
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER:
    for _name, _url in ORIGINAL.items():
        if _url.startswith("redis://"):
            os.environ[_name] = worker_redis_url(_url, WORKER)
