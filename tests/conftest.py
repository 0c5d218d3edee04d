"""Shared fixtures. With REQUIRE_SERVICES=1 (CI), tests that need PostgreSQL or Redis fail
instead of skipping, so a green run really exercised the real servers.

Also here, because more than one app's tests use them: API clients per role (session, token
or forced authentication), the permission world of tests/initiatives/test_permissions.py, and
the Hypothesis profiles with `rolled_back` for property tests that write to the database."""

import logging
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from core.errors import RuleError
from initiatives import services
from tests import factories

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property-based tests: a bounded number of examples so `make test` stays within CI's time, no
# example database (a run never depends on what an earlier run on this machine found), and
# function-scoped fixtures allowed because each example undoes its own writes (`rolled_back`).
# pytest-randomly seeds Hypothesis with its printed seed, so a failing order and its examples
# replay with `-p randomly --randomly-seed=N`. `make mutate` uses "mutate": the same examples on
# every run, so a mutant is killed or not, never by luck.
hypothesis_settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "mutate",
    hypothesis_settings.get_profile("ci"),
    derandomize=True,
    # A mutant that fails a property is killed; shrinking its example would only cost time.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@contextmanager
def rolled_back():
    """Run one Hypothesis example inside a savepoint that is rolled back, so every example starts
    from the same database (the test's own fixtures) whatever the previous one wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Attempt:
    outcome: str  # "allowed", or the class of the refusal: PermissionDenied, TransitionNotAllowed…
    events: list[str]  # the audit actions an allowed attempt recorded


def _rows(objects) -> list[dict]:
    return [type(o).objects.filter(pk=o.pk).values().get() for o in objects]


def attempt(action: Callable[[], object], *objects) -> Attempt:
    """Try one action of a transition table and undo it, so the next one starts alike.

    A refusal must change nothing: every given object is read again from the database and
    compared, field by field, and the audit trail must hold no new event."""
    rows, last = _rows(objects), AuditEvent.objects.order_by("-seq").values_list("seq").first()
    try:
        with rolled_back():
            mark = last[0] if last else 0
            action()
            events = list(
                AuditEvent.objects.filter(seq__gt=mark)
                .order_by("seq")
                .values_list("action", flat=True)
            )
    except (PermissionDenied, RuleError) as refusal:
        assert _rows(objects) == rows, f"{type(refusal).__name__} but the data changed"
        assert AuditEvent.objects.order_by("-seq").values_list("seq").first() == last
        return Attempt(type(refusal).__name__, [])
    return Attempt("allowed", events)


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _dashboard_cache_off(settings):
    """The dashboard's figures are computed on every view unless a test asks for the cache
    (`dashboard_cache`): most tests change data inside their own transaction, whose commit —
    which invalidates the cache — never comes, and assert the figures right after."""
    settings.DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def dashboard_cache(settings):
    """The dashboard's figures cached for a minute, as deployed, starting from no entry (the
    cache outlives the test database: Redis keeps what an earlier test or run stored)."""
    from governance.dashboard.cache import invalidate

    settings.DASHBOARD_CACHE_SECONDS = 60
    invalidate()


@pytest.fixture(autouse=True)
def _work_cache_off(settings):
    """*My work*'s counts and summaries are computed on every page unless a test asks for the
    cache (`work_cache`), for the same reason as the dashboard's."""
    settings.WORK_CACHE_SECONDS = 0


@pytest.fixture
def work_cache(settings):
    """*My work* cached for a minute, starting from no entry."""
    from governance.work.cache import invalidate

    settings.WORK_CACHE_SECONDS = 60
    invalidate()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends in the default language. A request asking for German
    activates it for the thread (LocaleMiddleware); without this, a later test's messages
    and e-mails would be German too, depending on the order the tests ran in."""
    translation.deactivate()
    yield
    translation.deactivate()


def need_service(name: str, available: bool) -> None:
    """Skip locally when a server is missing; fail in CI, where it must be there."""
    if available:
        return
    message = f"{name} is not configured for this run"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, but REQUIRE_SERVICES=1")
    pytest.skip(message)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Hashed, compressed static files as the production image has them, collected once for
    the tests that run the portal in production mode (its pages need the manifest)."""
    from tests.processes import manage, production_env

    root = tmp_path_factory.mktemp("static")
    collected = manage("collectstatic", "--noinput", env=production_env(STATIC_ROOT=root))
    assert collected.returncode == 0, collected.stderr
    return root


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


# --- the API ----------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(users):
    """api_as("sponsor") → an APIClient authenticated with that user's token."""

    def make(actor: str) -> APIClient:
        client = APIClient()
        if actor != "anonymous":
            token, _ = Token.objects.get_or_create(user=users[actor])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def world(users):
    """The initiatives of tests/initiatives/test_permissions.py, built the same way."""
    own_draft = factories.complete_initiative(sponsor=users["sponsor"], title="Own draft")
    services.update_initiative(
        initiative=own_draft,
        user=users["sponsor"],
        fields={"co_sponsors": [users["co_sponsor"]]},
        expected_version=None,
    )
    own_submitted = factories.submitted_initiative(sponsor=users["sponsor"], title="Own public")
    own_submitted.co_sponsors.add(users["co_sponsor"])
    services.grant_membership(own_submitted, users["co_sponsor"], can_change=True)
    confidential = factories.submitted_initiative(
        sponsor=users["other_sponsor"], title="Secret supplier risk", confidential=True
    )
    services.grant_membership(confidential, users["reviewer"], can_review=True)
    other_draft = factories.draft_initiative(sponsor=users["other_sponsor"], title="Other draft")
    world = {
        "own_draft": own_draft,
        "own_submitted": own_submitted,
        "confidential": confidential,
        "other_draft": other_draft,
    }
    for initiative in world.values():
        initiative.refresh_from_db()
    return world


class RealWorker:
    """A real Celery worker in a thread, consuming from the broker the app names. Tasks are
    fire-and-forget (no result backend), so `wait_for` watches the worker's `task_postrun`
    signal: it returns once a task has finished the given number of times."""

    def __init__(self, app, **options):
        self.app = app
        self.options = {"pool": "solo", "perform_ping_check": False, "shutdown_timeout": 10}
        self.options.update(options)
        self.finished: list[str] = []

    def _on_postrun(self, sender=None, task=None, **kwargs):
        self.finished.append(task.name)

    def __enter__(self):
        from celery.contrib.testing.worker import start_worker
        from celery.signals import task_postrun

        task_postrun.connect(self._on_postrun, weak=False)
        # The worker sets the root logger to its own level (error); later tests read logs.
        self._root_level = logging.getLogger().level
        self._worker = start_worker(self.app, **self.options)
        self._worker.__enter__()
        return self

    def __exit__(self, *exc):
        from celery.signals import task_postrun

        try:
            return self._worker.__exit__(*exc)
        finally:
            task_postrun.disconnect(self._on_postrun)
            logging.getLogger().setLevel(self._root_level)

    def wait_for(self, task_name: str, count: int = 1, timeout: float = 30) -> None:
        import time

        deadline = time.monotonic() + timeout
        while self.finished.count(task_name) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{task_name} finished {self.finished.count(task_name)}/{count}")
            time.sleep(0.05)


@pytest.fixture
def partnered(users):
    """A confidential initiative of another team, in review, naming `owner` decision owner
    and `accountable` accountable person — neither a member of it nor holding a role with
    risk authority — and `outsider`, a plain user."""
    owner = factories.UserFactory(username="owner")
    accountable = factories.UserFactory(username="accountable")
    initiative = factories.in_review_initiative(
        sponsor=users["other_sponsor"],
        confidential=True,
        decision_owner=owner,
        accountable_person=accountable,
    )
    return {
        "initiative": initiative,
        "owner": owner,
        "accountable": accountable,
        "outsider": factories.UserFactory(username="outsider"),
    }


def run_outbox(task_prefix: str = "governance.notifications.") -> int:
    """Run the waiting outbox messages whose task starts with `task_prefix` in this process,
    as the relay and a worker would (delete, then call the task); returns how many ran."""
    from django.utils.module_loading import import_string

    from outbox.models import Message

    ran = 0
    while True:
        batch = list(Message.objects.filter(task__startswith=task_prefix).order_by("id"))
        if not batch:
            return ran
        for message in batch:
            message.delete()
            import_string(message.task)(**message.kwargs)
            ran += 1


@pytest.fixture
def deliver_events(db):
    """deliver_events() → relays and runs the notification work waiting in the outbox."""
    return run_outbox
