"""The production command lines really work here: `check --deploy` with a production
environment, and gunicorn serving the portal with whitenoise's hashed static files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harmony_portal.settings import DEVELOPMENT_SECRET_KEY
from tests.processes import Processes, http, manage, production_env

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def test_check_deploy_is_clean_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_refuses_the_development_defaults():
    env = dict(os.environ, DEBUG="True")
    env.pop("SECRET_KEY", None)
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on
    # Django's own check only measures the key's length; the portal's says what is wrong.
    assert "(harmony.E001) SECRET_KEY is the development key" in result.stderr


@pytest.mark.parametrize(
    "secret_key, command",
    [
        (None, [str(GUNICORN), "--check-config", "harmony_portal.wsgi:application"]),
        ("", [sys.executable, "manage.py", "check"]),
        (DEVELOPMENT_SECRET_KEY, [sys.executable, "manage.py", "migrate", "--check"]),
    ],
)
def test_production_refuses_to_start_without_a_secret_key_of_its_own(secret_key, command):
    env = production_env()
    if secret_key is None:
        env.pop("SECRET_KEY")
    else:
        env["SECRET_KEY"] = secret_key
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set (or is the development key" in (
        result.stdout + result.stderr
    )


@pytest.fixture(scope="module")
def gunicorn_server(static_root, tmp_path_factory):
    processes = Processes(tmp_path_factory.mktemp("gunicorn"))
    env = production_env(
        STATIC_ROOT=str(static_root), USE_X_FORWARDED_PROTO="True", FORWARDED_ALLOW_IPS="127.0.0.1"
    )
    try:
        yield processes.web(env=env), static_root  # the same command line as docker-compose
    finally:
        processes.stop_all()


def test_gunicorn_serves_health_probe_over_plain_http(gunicorn_server):
    base, _ = gunicorn_server
    response = http("GET", base + "/healthz")
    assert response.status == 200
    assert response.body == b'{"status": "ok"}'


def test_gunicorn_redirects_plain_http_pages_to_https(gunicorn_server):
    base, _ = gunicorn_server
    response = http("GET", base + "/login/", headers={"Host": "harmony.example.com"})
    assert response.status == 301
    assert response.headers["Location"] == "https://harmony.example.com/login/"


def test_gunicorn_login_page_behind_tls_proxy_has_security_headers(gunicorn_server):
    base, _ = gunicorn_server
    proxied = {"Host": "harmony.example.com", "X-Forwarded-Proto": "https"}
    response = http("GET", base + "/login/", headers=proxied)
    assert response.status == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    cookies = headers.get_all("Set-Cookie")
    assert any(c.startswith("csrftoken=") and "Secure" in c for c in cookies)
    body = response.body.decode()
    # whitenoise's manifest storage: hashed names, served by the same process.
    css = body.split('href="/static/css/portal.')[1].split('"')[0]
    static = http("GET", f"{base}/static/css/portal.{css}", headers=proxied)
    assert static.status == 200
    assert "immutable" in static.headers["Cache-Control"]
