"""The production command lines really work here: `check --deploy` with a production
environment, and gunicorn serving the portal with whitenoise's hashed static files."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def production_env(**extra) -> dict[str, str]:
    env = dict(os.environ)
    # Set by the browser tests' conftest for Playwright; never in production.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(
        DJANGO_SETTINGS_MODULE="harmony_portal.settings",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="harmony.example.com,127.0.0.1",
        STATICFILES_BACKEND="whitenoise.storage.CompressedManifestStaticFilesStorage",
        LOG_FORMAT="json",
        **extra,
    )
    return env


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=5)
    except urllib.error.HTTPError as error:
        return error


@pytest.fixture(scope="module")
def gunicorn_server(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    port = _free_port()
    env = production_env(
        STATIC_ROOT=str(static_root),
        PORT=str(port),
        WEB_CONCURRENCY="2",
        USE_X_FORWARDED_PROTO="True",
        FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    collected = manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    process = subprocess.Popen(
        [str(GUNICORN), "harmony_portal.wsgi:application"],  # same line as docker-compose
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {process.stdout.read()}")
            try:
                if _get(base + "/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer /healthz in 10 s")
        yield base, static_root
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_serves_health_probe_over_plain_http(gunicorn_server):
    base, _ = gunicorn_server
    response = _get(base + "/healthz")
    assert response.status == 200
    assert response.read() == b'{"status": "ok"}'


def test_gunicorn_redirects_plain_http_pages_to_https(gunicorn_server):
    base, _ = gunicorn_server
    response = _get(base + "/login/", headers={"Host": "harmony.example.com"})
    assert response.status == 301
    assert response.headers["Location"] == "https://harmony.example.com/login/"


def test_gunicorn_login_page_behind_tls_proxy_has_security_headers(gunicorn_server):
    base, _ = gunicorn_server
    proxied = {"Host": "harmony.example.com", "X-Forwarded-Proto": "https"}
    response = _get(base + "/login/", headers=proxied)
    assert response.status == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    cookies = headers.get_all("Set-Cookie")
    assert any(c.startswith("csrftoken=") and "Secure" in c for c in cookies)
    body = response.read().decode()
    # whitenoise's manifest storage: hashed names, served by the same process.
    css = body.split('href="/static/css/portal.')[1].split('"')[0]
    static = _get(f"{base}/static/css/portal.{css}", headers=proxied)
    assert static.status == 200
    assert "immutable" in static.headers["Cache-Control"]
