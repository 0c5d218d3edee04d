"""A version token that makes a whole family of cache entries stale at once.

Every key of the family carries the token; `invalidate()` replaces it (a new random token, not
a counter: a counter evicted from the cache would start again at a value older entries may
still be stored under), so the next read computes afresh and the old entries simply expire.
Used by the dashboard's figures and the *My work* counts."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


class VersionToken:
    def __init__(self, key: str) -> None:
        self.key = key

    def invalidate(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, timeout=None)

    def current(self) -> str:
        version = cache.get(self.key)
        if version is None:
            version = uuid.uuid4().hex
            # Another process may have set one meanwhile: use theirs.
            if not cache.add(self.key, version, timeout=None):
                version = cache.get(self.key) or version
        return version


def read_through(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """The value stored under `key`, or `compute()` stored there for `seconds`. The caller
    puts the token's version read *before* computing into the key, so a value computed
    while a change was committing is never filed under the new version."""
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, seconds)
    return value
