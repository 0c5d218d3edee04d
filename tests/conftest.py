"""Shared fixtures. With REQUIRE_SERVICES=1 (CI), tests that need PostgreSQL or Redis fail
instead of skipping, so a green run really exercised the real servers."""

import os

import pytest

from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def need_service(name: str, available: bool) -> None:
    """Skip locally when a server is missing; fail in CI, where it must be there."""
    if available:
        return
    message = f"{name} is not configured for this run"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, but REQUIRE_SERVICES=1")
    pytest.skip(message)


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    need_service("Redis (REDIS_URL)", bool(url))
    return url


@pytest.fixture
def users(db):
    """One user per role, plus a second sponsor from another team and a user with no role."""
    return factories.role_users()


@pytest.fixture
def complete_initiative(users):
    return factories.complete_initiative(sponsor=users["sponsor"])
