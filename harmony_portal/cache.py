"""Django's Redis cache, made optional: while Redis cannot be reached, a read is a miss and a
write is skipped.

The cache holds nothing the database does not (sessions are `cached_db`: read through the
cache, kept in the database). Django's own Redis cache raises when Redis is away, and the
session store does not catch every call (it sets the cache after a miss, checks it when a
session is created, deletes from it on sign-out), so a Redis outage — the broker's outage —
would fail every signed-in request. Here it costs speed, never a request.

After a failure the cache is not asked again for `RETRY_AFTER` seconds, so a Redis that does
not answer at all (a dropped network, not a refused connection) costs one short socket timeout
per process now and then, not one per request. The first failure of each outage is logged.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _or(fallback):
    """Run the cache call; while Redis is unreachable, answer `fallback(*args)` instead."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            if time.monotonic() < self.unreachable_until:
                return fallback(*args)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                if not self.unreachable_until:  # the first failure since Redis last answered
                    logger.warning("Cache unreachable, reading the database instead: %s", exc)
                self.unreachable_until = time.monotonic() + RETRY_AFTER
                return fallback(*args)
            self.unreachable_until = 0.0
            return result

        return call

    return wrap


class OptionalRedisCacheClient(RedisCacheClient):
    unreachable_until = 0.0

    @_or(lambda key, default: default)
    def get(self, key, default):
        return super().get(key, default)

    @_or(lambda keys: {})
    def get_many(self, keys):
        return super().get_many(keys)

    @_or(lambda key: False)
    def has_key(self, key):
        return super().has_key(key)

    @_or(lambda key, value, timeout: False)
    def add(self, key, value, timeout):
        return super().add(key, value, timeout)

    @_or(lambda key, value, timeout: None)
    def set(self, key, value, timeout):
        super().set(key, value, timeout)

    @_or(lambda data, timeout: list(data))
    def set_many(self, data, timeout):
        return super().set_many(data, timeout)

    @_or(lambda key, timeout: False)
    def touch(self, key, timeout):
        return super().touch(key, timeout)

    @_or(lambda key: False)
    def delete(self, key):
        return super().delete(key)

    @_or(lambda keys: 0)
    def delete_many(self, keys):
        return super().delete_many(keys)


class OptionalRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` that a Redis outage cannot fail."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OptionalRedisCacheClient
