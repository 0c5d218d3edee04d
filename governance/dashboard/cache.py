"""The dashboard's figures kept in Django's cache (Redis when `REDIS_URL` is set, else the
process's memory), so executives opening the dashboard again, or the API polling it, do not
scan the portfolio each time.

An entry belongs to one reading of the figures:
- the reader's visibility scope: every role that sees the whole portfolio sees the same
  figures and shares one entry; anyone else (the selectors never widen what a user sees, so a
  sponsor reaching them must get their own) has entries of their own, keyed by user id;
- the filters;
- the time zone and today's date, which place initiatives in months and choose the months.

Invalidation: a version token in the cache is part of every key. `invalidate()` replaces it
after the commit of any change to what the figures count (`governance/dashboard/signals.py`),
so the next view computes afresh; the old entries simply expire. A view stores what it
computed under the version it read *before* computing, so figures read while a change was
committing are never filed under the new version. `DASHBOARD_CACHE_SECONDS` bounds what no
signal reports: time passing (a planned session becomes overdue) and bulk updates.

The labels are not cached (the charts are built from the figures per request), so the language
is not part of the key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from core.cache_versions import VersionToken, read_through
from initiatives.roles import sees_whole_portfolio

from .selectors.filters import DashboardFilters

VERSION_KEY = "dashboard:figures:version"
# Part of every key: raise it when the cached dataclasses change shape, so a deployment never
# reads entries pickled by the one before.
FORMAT = 1

T = TypeVar("T")


_token = VersionToken(VERSION_KEY)


def invalidate() -> None:
    """Make every cached figure stale: the next view of any filter set computes afresh."""
    _token.invalidate()


def _version() -> str:
    return _token.current()


def scope(user) -> str:
    """Whose figures: "portfolio" for every role that sees the whole portfolio, confidential
    initiatives included; "user-<id>" for anyone else."""
    return "portfolio" if sees_whole_portfolio(user) else f"user-{user.pk}"


def key(user, filters: DashboardFilters, version: str, kind: str = "figures") -> str:
    """The cache key of the figures (or another `kind` of reading) the user reads with these
    filters, now."""
    params = urlencode(sorted(filters.as_params().items()))
    zone = timezone.get_current_timezone_name()
    today = timezone.localdate().isoformat()
    return f"dashboard:{kind}:{FORMAT}:{version}:{scope(user)}:{zone}:{today}:{params}"


def cached_figures(
    user, filters: DashboardFilters, compute: Callable[[], T], kind: str = "figures"
) -> T:
    """The figures from the cache, or `compute()` stored for `DASHBOARD_CACHE_SECONDS`.

    Two cache reads on a hit and no database query; with the setting at 0 the cache is not
    asked at all. `kind` names another reading of the dashboard kept the same way (the
    overlaps across sites)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    return read_through(key(user, filters, _version(), kind), seconds, compute)
