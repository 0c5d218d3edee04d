"""The Redis database each pytest-xdist worker uses."""

import pytest

from tests.parallel import worker_redis_url


def test_each_worker_gets_the_next_database():
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw0") == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/1"
    assert worker_redis_url("redis://:pw@redis:6379/3", "gw2") == "redis://:pw@redis:6379/5"
    assert worker_redis_url("redis://127.0.0.1:6379", "gw1") == "redis://127.0.0.1:6379/1"


def test_this_worker_uses_its_own_redis_database(settings):
    from tests import parallel

    if not parallel.WORKER or not parallel.ORIGINAL["REDIS_URL"]:
        pytest.skip("runs under pytest-xdist with REDIS_URL (make test)")
    expected = worker_redis_url(parallel.ORIGINAL["REDIS_URL"], parallel.WORKER)
    assert settings.REDIS_URL == settings.CELERY_BROKER_URL == expected
    assert settings.CACHES["default"]["LOCATION"] == expected
