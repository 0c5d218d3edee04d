"""A version token that makes a whole family of cache entries stale at once.

Every key of the family carries the token; `invalidate()` replaces it (a new random token, not
a counter: a counter evicted from the cache would start again at a value older entries may
still be stored under), so the next read computes afresh and the old entries simply expire.
Used by the dashboard's figures and the *My work* counts."""

import uuid

from django.core.cache import cache


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
