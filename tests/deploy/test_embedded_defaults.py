"""`make run` with no configuration runs on SQLite and the filesystem broker: the demo is
loaded there and every page and API list of every demo role answers without a server error.

The rest of the suite runs on PostgreSQL, so a query only SQLite refuses (an ORDER BY inside a
UNION, an array parameter) would otherwise reach `make run` untested: both happened."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CRAWL = r"""
import json, os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "harmony_portal.settings"
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse
from harmony_portal.api_urls import router
from initiatives.models import Initiative

settings.ALLOWED_HOSTS = ["*"]
assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
pages = [
    "/",
    reverse("initiatives:list"),
    reverse("initiatives:mine"),
    reverse("work:mine"),
    reverse("reviews:queue"),
    reverse("dashboard:dashboard"),
    reverse("notifications:list"),
    reverse("api-my-work"),
    reverse("api-dashboard"),
]
for _, _, basename in router.registry:
    try:
        pages.append(reverse(f"{basename}-list"))
    except NoReverseMatch:  # nested under an initiative: its page is crawled below
        pass
pages += [i.get_absolute_url() for i in Initiative.objects.order_by("pk")]
answers = {}
for user in get_user_model().objects.filter(is_active=True).order_by("username"):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    for url in pages:
        status = client.get(url, secure=True).status_code
        answers.setdefault(str(status), []).append(f"{user.username} {url}")
print(json.dumps(answers))
"""


def test_the_demo_on_sqlite_answers_every_page_of_every_role(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "REQUIRE_SERVICES"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-4000:]
        return done.stdout

    run("manage.py", "migrate", "-v", "0")
    run("manage.py", "load_demo")
    answers = json.loads(run("-c", CRAWL).strip().splitlines()[-1])
    failed = {status: urls for status, urls in answers.items() if status.startswith("5")}
    assert not failed, failed
    # Every role saw pages, not only refusals: the crawl reached the demo.
    assert len(answers["200"]) > 9 * 20, {s: len(u) for s, u in answers.items()}
