"""*My work*'s count and home summary kept in Django's cache per user (Redis when `REDIS_URL`
is set, else the process's memory).

Every page shows the count in the navigation, and the home pages the first five items. For a
reviewer with thousands of assignments both read thousands of rows; kept here, a page asks
the cache instead (one read) until something that decides what waits for anyone changes.

Invalidation: a version token in every key (`core.cache_versions`), replaced after the
commit of any change to the rows *My work* is made of (`governance/work/signals.py`). An
entry is stored under the version read *before* computing, so a count read while a change
was committing is never filed under the new version. `WORK_CACHE_SECONDS` bounds what no
signal reports: time passing (a working session entering the week ahead) and bulk updates.
The summary's items are worded in the reader's language, which is part of their key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.utils.translation import get_language

from core.cache_versions import VersionToken, read_through

# Part of every key: raise it when the cached values change shape.
FORMAT = 1
_token = VersionToken("work:version")

T = TypeVar("T")


def invalidate() -> None:
    """Make every user's cached count and summary stale."""
    _token.invalidate()


def cached(user, kind: str, compute: Callable[[], T]) -> T:
    """`compute()` for this user from the cache, or computed and stored for
    `WORK_CACHE_SECONDS`; with the setting at 0 the cache is not asked at all."""
    seconds = settings.WORK_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = f"work:{kind}:{FORMAT}:{_token.current()}:{user.pk}:{get_language() or ''}"
    return read_through(key, seconds, compute)
