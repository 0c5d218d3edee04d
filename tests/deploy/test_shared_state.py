"""Shared state only in shared services: with REDIS_URL the cache is Redis (seen by another
process), sessions are kept in the database behind it, logs are JSON lines on stdout, and
secrets can come from a mounted Secret's files instead of the environment."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import cache

from harmony_portal.secret_files import environment_with_secret_files, read_secret_files

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="harmony_portal.settings")
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "SECRETS_DIR"):
        environment.pop(name, None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.services
def test_cache_is_redis_and_shared_with_another_process(redis_url):
    assert django_settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key, value = f"shared-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    try:
        other = run_python(
            f"from django.core.cache import cache; print(cache.get({key!r}))",
            REDIS_URL=redis_url,
        )
        assert other.returncode == 0, other.stderr
        assert other.stdout.strip() == value
    finally:
        cache.delete(key)


@pytest.mark.services
@pytest.mark.django_db
def test_sessions_are_kept_in_the_database_behind_the_cache(client, users, redis_url):
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(users["sponsor"])
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    # In the database, so a web restart (or a Redis restart) keeps everyone signed in.
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(
        users["sponsor"].pk
    )
    cache.delete_many([f"django.contrib.sessions.cached_db{key}"])
    assert client.get("/initiatives/").status_code == 200


def test_log_lines_are_json_on_stdout():
    result = run_python(
        "import logging; logging.getLogger('harmony_portal.test').warning('hello %s', 'k8s')",
        LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["message"] == "hello k8s"
    assert line["level"] == "WARNING" and line["logger"] == "harmony_portal.test"


def test_secret_files_as_kubernetes_mounts_them(tmp_path):
    # A Secret volume: key files are symlinks into a hidden, timestamped directory.
    data = tmp_path / "..2026_11_26_01_00_00.000000001"
    data.mkdir()
    (data / "SECRET_KEY").write_text("from-the-secret\n")
    (data / "DATABASE_URL").write_text("postgres://harmony@db/harmony")
    (tmp_path / "..data").symlink_to(data.name)
    for name in ("SECRET_KEY", "DATABASE_URL"):
        (tmp_path / name).symlink_to(f"..data/{name}")
    assert read_secret_files(tmp_path) == {
        "DATABASE_URL": "postgres://harmony@db/harmony",
        "SECRET_KEY": "from-the-secret",
    }
    merged = environment_with_secret_files(str(tmp_path), {"SECRET_KEY": "from-env"})
    assert merged["SECRET_KEY"] == "from-env"  # the environment wins
    assert merged["DATABASE_URL"] == "postgres://harmony@db/harmony"
    assert environment_with_secret_files("", {"A": "1"}) == {"A": "1"}


def test_settings_read_secret_files_without_putting_them_in_the_environment(tmp_path):
    (tmp_path / "SECRET_KEY").write_text("k" * 60)
    env = {"SECRETS_DIR": str(tmp_path)}
    result = run_python(
        "import os; from django.conf import settings; "
        "print(settings.SECRET_KEY == 'k' * 60, 'SECRET_KEY' in os.environ)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]
