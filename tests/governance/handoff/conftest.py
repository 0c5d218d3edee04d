import pytest

from governance.handoff import services
from tests import factories
from tests.receivers import Receiver

JIRA_CREATED = {"id": "10042", "key": "PLANTAI-7", "self": "https://jira/rest/api/2/issue/10042"}
SNOW_CREATED = {"result": {"sys_id": "9d385017c611228701d22104cc95c371", "number": "REQ0010021"}}


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def fast_retries(settings):
    settings.INTEGRATION_RETRY_BASE_SECONDS = 0.2
    settings.INTEGRATION_RETRY_MAX_SECONDS = 5
    settings.INTEGRATION_MAX_ATTEMPTS = 3
    return settings


def augsburg():
    # Every complete initiative of the factories is at the "Augsburg Plant".
    return factories.SiteFactory(name="Augsburg Plant")


def jira_target(user, url, *, enabled=True):
    return services.save_target(
        site=augsburg(),
        user=user,
        fields={
            "system": "jira",
            "base_url": url,
            "project_key": "PLANTAI",
            "issue_type": "Story",
            "username": "it-bot@example.com",
            "enabled": enabled,
        },
        token="jira-api-token",
    )


def servicenow_target(user, url):
    return services.save_target(
        site=augsburg(),
        user=user,
        fields={
            "system": "servicenow",
            "base_url": url,
            "table": "sc_request",
            "username": "harmony.integration",
            "enabled": True,
        },
        token="snow-password",
    )


def make_ready(initiative, user):
    """Meet every condition of ready for build (all concerns satisfied, named roles
    confirmed), then mark it through the IT review's service."""
    from reviews.services.readiness import mark_ready_for_build

    factories.satisfied_assessments(initiative)
    factories.acknowledge_roles(initiative)
    initiative.refresh_from_db()
    return mark_ready_for_build(initiative=initiative, user=user)
