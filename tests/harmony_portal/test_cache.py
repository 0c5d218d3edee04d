"""The cache may be away (harmony_portal/cache.py): with Redis unreachable a read is a miss, a
write is skipped, and a signed-in person's requests go on through the database."""

import time

import pytest
from django.core.cache import cache

from harmony_portal import cache as optional_cache
from tests.processes import free_port


@pytest.fixture
def unreachable(settings):
    """The cache pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "harmony_portal.cache.OptionalRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_every_call_answers_like_an_empty_cache(unreachable, caplog):
    started = time.monotonic()
    assert cache.get("session", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert "session" not in cache
    assert cache.add("lock", 1) is False
    cache.set("session", {"user": 1})
    assert cache.set_many({"a": 1, "b": 2}) == []  # as Django's Redis cache always says
    assert cache.touch("session") is False
    assert cache.delete("session") is False
    cache.delete_many(["a", "b"])
    assert time.monotonic() - started < 2
    warnings = [r for r in caplog.records if r.name == "harmony_portal.cache"]
    assert len(warnings) == 1  # once per outage, not once per call
    assert "Connection refused" in warnings[0].getMessage()


def test_after_a_failure_the_cache_is_not_asked_for_a_while(unreachable, monkeypatch):
    assert cache.get("x") is None
    client = cache._cache
    assert client.unreachable_until > time.monotonic()
    monkeypatch.setattr(client, "get_client", lambda *a, **k: pytest.fail("asked again"))
    assert cache.get("x", 7) == 7  # answered from the fallback, Redis not asked
    monkeypatch.setattr(client, "unreachable_until", time.monotonic() - 1)
    monkeypatch.setattr(optional_cache, "RETRY_AFTER", 0.0)
    with pytest.raises(pytest.fail.Exception):
        cache.get("x")  # the pause is over: Redis is asked again


@pytest.mark.django_db
def test_a_signed_in_person_works_on_while_the_cache_is_down(unreachable, client, users):
    client.force_login(users["sponsor"])  # the session is saved: database yes, cache skipped
    assert client.get("/initiatives/mine/").status_code == 200
    client.logout()
    assert client.get("/initiatives/mine/").status_code == 302


@pytest.mark.django_db
def test_with_redis_up_it_is_an_ordinary_cache(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "harmony_portal.cache.OptionalRedisCache", "LOCATION": redis_url}
    }
    cache.set("harmony-test-key", {"a": 1}, 30)
    assert cache.get("harmony-test-key") == {"a": 1}
    assert cache.delete("harmony-test-key") is True
