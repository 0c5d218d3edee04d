"""Outages with the real thing, in production mode (gunicorn, DEBUG off):

- the broker: a redis-server of the test's own is stopped while a sponsor submits in the
  browser and scripts write over the API; every write answers within a second with its usual
  status, and once Redis is back the relay and a real Celery worker deliver every pending
  notification exactly once;
- the database: a web process pointed at a closed port answers 503 with Retry-After, a styled
  page in the browser and the `Error` JSON in the API, and /readyz names the database without
  saying more (the driver's message is in the log only).
"""

import re
import secrets

import pytest
import redis
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from governance.risk.models import RiskState
from initiatives.models import Initiative, Status
from outbox.models import Message
from reviews.models import ConcernAssessment
from tests import factories
from tests.conftest import need_service
from tests.processes import (
    Processes,
    free_port,
    http,
    output,
    production_env,
    shared_database_url,
    wait_until,
)

NOTICE = "initiatives.tasks.notify_it_of_submission"
RECOMPUTE = "governance.risk.tasks.recompute_risk"
# Each write must answer within this many seconds while the broker is down.
WRITE_BUDGET = 1.0


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()
    print(started.logs())  # shown by pytest only when the test failed


def sign_in(page, base: str, user) -> None:
    """Give the browser the user's session, made here in the database the web process uses
    (signed with the SECRET_KEY both share)."""
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])


def api(method: str, url: str, token: str, body: dict | None = None, **headers):
    import json

    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", **headers}
    data = json.dumps(body).encode() if body is not None else None
    return http(method, url, headers=headers, body=data)


def sent_mail(directory) -> list[str]:
    """Subjects of every e-mail the worker wrote (Django's file backend)."""
    if not directory.exists():
        return []
    text = "".join(path.read_text() for path in sorted(directory.iterdir()))
    return re.findall(r"^Subject: (.*)$", text, flags=re.MULTILINE)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_delays_notifications_and_loses_none(
    page, processes, static_root, settings, tmp_path, screenshot
):
    # The web process, the relay and the worker share the test's database: PostgreSQL.
    need_service("PostgreSQL", connection.vendor == "postgresql")
    users = factories.role_users()
    users["it_lead"].email = "lead@example.com"
    users["it_lead"].save()
    in_browser = factories.complete_initiative(sponsor=users["sponsor"], title="Weld seam AI")
    over_api = factories.complete_initiative(sponsor=users["sponsor"], title="Paint shop AI")
    reviewed = factories.in_review_initiative(
        sponsor=users["other_sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    Message.objects.all().delete()  # what the factories' changes recorded is not this test's
    sponsor_token = Token.objects.create(user=users["sponsor"]).key
    reviewer_token = Token.objects.create(user=users["reviewer"]).key
    settings.SECRET_KEY = secrets.token_urlsafe(50)  # the web process signs sessions with it

    port = free_port()
    broker_url = f"redis://127.0.0.1:{port}/0"
    mail_dir = tmp_path / "mail"
    env = production_env(
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=shared_database_url(),
        # One Redis, as in production: broker, cache (sessions) and the scheduler's lock.
        REDIS_URL=broker_url,
        CELERY_BROKER_URL=broker_url,
        STATIC_ROOT=static_root,
        SECURE_SSL_REDIRECT="False",
        # django-environ reads the path after "filemail://" without its first "/".
        EMAIL_URL=f"filemail:///{mail_dir}",
    )
    first_redis = processes.redis(port)
    base = processes.web(env=env)
    relay = processes.relay(env=env)
    wait_until(lambda: "relay running" in output(relay), timeout=20, what="the relay")
    first_redis.stop()  # the broker is gone

    # The sponsor submits in the browser.
    sign_in(page, base, users["sponsor"])
    page.goto(f"{base}/initiatives/{in_browser.pk}/")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("text=Submit for IT partnership")
    answer = posted.value
    assert answer.status == 302
    assert answer.request.timing["responseEnd"] < WRITE_BUDGET * 1000
    page.wait_for_load_state("networkidle")
    assert "Submitted to IT" in page.content()
    screenshot("broker-down-submitted")

    # Scripts write over the API: submit, register, raise a finding, score an assessment.
    writes = {
        "submit": api("POST", f"{base}/api/initiatives/{over_api.pk}/submit/", sponsor_token, {}),
        "create": api(
            "POST", f"{base}/api/initiatives/", sponsor_token, {"title": "Press line AI"}
        ),
        "raise": api(
            "POST",
            f"{base}/api/design-inputs/",
            reviewer_token,
            {"initiative": reviewed.pk, "area": "security", "title": "Residency"},
        ),
    }
    assessment = ConcernAssessment.objects.get(initiative=reviewed, area="security")
    writes["score"] = api(
        "PATCH",
        f"{base}/api/assessments/{assessment.pk}/",
        reviewer_token,
        {"score": 4},
        **{"If-Match": f'"{assessment.version}"'},
    )
    statuses = {name: answer.status for name, answer in writes.items()}
    assert statuses == {"submit": 200, "create": 201, "raise": 201, "score": 200}
    slow = {name: a.seconds for name, a in writes.items() if a.seconds >= WRITE_BUDGET}
    assert not slow, slow

    # Everything is committed; the notices wait in the outbox while the relay backs off.
    assert Initiative.objects.filter(status=Status.SUBMITTED).count() == 2
    waiting = sorted(Message.objects.filter(task=NOTICE).values_list("kwargs", flat=True), key=str)
    assert waiting == sorted(
        [{"initiative_id": in_browser.pk}, {"initiative_id": over_api.pk}], key=str
    )
    assert Message.objects.filter(task=RECOMPUTE, kwargs={"initiative_id": reviewed.pk}).exists()
    wait_until(lambda: "(attempt 3)" in output(relay), timeout=20, what="relay retries")
    assert sent_mail(mail_dir) == []

    # The broker comes back, a worker starts: everything pending is delivered, once.
    processes.redis(port)
    processes.worker(env=env)
    wait_until(lambda: not Message.objects.exists(), timeout=60, what="an empty outbox")
    queue = redis.Redis(port=port)
    wait_until(
        lambda: queue.llen("celery") == 0 and queue.hlen("unacked") == 0,
        timeout=60,
        what="the worker to finish every task",
    )
    notified = Initiative.objects.filter(submission_notified_at__isnull=False)
    assert set(notified.values_list("pk", flat=True)) == {in_browser.pk, over_api.pk}
    subjects = sent_mail(mail_dir)
    for initiative in (in_browser, over_api):
        initiative.refresh_from_db()
        assert sum(initiative.reference in s for s in subjects) == 1, subjects
    assert len(subjects) == 2
    assert RiskState.objects.get(initiative=reviewed).dirty is False


@pytest.mark.services
def test_a_database_outage_answers_503_with_retry_after(page, processes, static_root, screenshot):
    closed = free_port()
    env = production_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/harmony",
        STATIC_ROOT=static_root,
        SECURE_SSL_REDIRECT="False",
    )
    base = processes.web(env=env)
    cookie = {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}  # looked up: needs the DB

    ready = http("GET", f"{base}/readyz")
    assert ready.status == 503 and ready.headers["Retry-After"] == "30"
    assert ready.json()["checks"]["database"]["status"] == "unavailable"
    assert str(closed) not in ready.body.decode()  # which dependency, never where or why

    answers = {
        "API list": http("GET", f"{base}/api/initiatives/", headers={"Authorization": "Token x"}),
        "API token": http(
            "POST",
            f"{base}/api/token/",
            headers={"Content-Type": "application/json"},
            body=b'{"username": "sofia", "password": "harmony-demo-2026"}',
        ),
        "page": http("GET", f"{base}/initiatives/", headers=cookie),
    }
    for name, answer in answers.items():
        assert answer.status == 503, name
        assert answer.headers["Retry-After"] == "30", name
        assert answer.seconds < 5, name
        assert str(closed) not in answer.body.decode(), name
    for name in ("API list", "API token"):
        assert answers[name].json()["code"] == "service_unavailable"
    assert "Temporarily unavailable" in answers["page"].body.decode()

    # The sign-in page itself needs no database; signing in does.
    login = http("GET", f"{base}/login/")
    assert login.status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.body.decode())[1]
    csrf_cookie = re.search(r"csrftoken=([^;]+)", login.headers["Set-Cookie"])[1]
    sign_in = http(
        "POST",
        f"{base}/login/",
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=f"csrfmiddlewaretoken={csrf}&username=sofia&password=x".encode(),
    )
    assert sign_in.status == 503

    # In the browser: the styled page, with the portal's own CSS, which needs no database.
    session = {"name": "sessionid", "value": "abcdefghijklmnopqrstuvwxyz012345", "url": base}
    page.context.add_cookies([session])
    css = []
    page.on("response", lambda r: css.append(r.status) if r.url.endswith(".css") else None)
    shown = page.goto(f"{base}/governance/dashboard/")
    assert shown.status == 503
    assert (
        page.locator("[data-testid=unavailable]")
        .inner_text()
        .startswith("Temporarily unavailable.")
    )
    assert css and set(css) == {200}
    screenshot("database-unavailable")

    # The details are in the web process's log, for the people who run it.
    log = output(processes.started[0])
    assert f"port {closed}" in log and "Service Unavailable" in log
