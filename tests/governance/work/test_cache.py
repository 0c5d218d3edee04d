"""*My work*'s count and home summary from the cache (`governance/work/cache.py`): a second
page reads them without reading the user's rows, a committed change is seen on the next page,
a change rolled back invalidates nothing, every source of *My work* is watched, each language
has its own summary, and `WORK_CACHE_SECONDS=0` computes them every time. Against Redis
(REDIS_URL) like the deployment."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.test.utils import CaptureQueriesContext

from governance.work import cache as work_cache_module
from governance.work import signals as work_signals
from governance.work.selectors import work_count
from initiatives.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "/reviews/"


def _version():
    return cache.get("work:version")


@pytest.fixture
def busy(users):
    """The reviewer's work on two initiatives: assessments to complete."""
    for _ in range(2):
        factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
    return work_count(users["reviewer"])


def _page(client, url=QUEUE, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries]


def _badge(response) -> int:
    html = response.content.decode()
    return int(html.split('id="my-work-count">', 1)[1].split("<", 1)[0])


def _reads_work(sql: list[str]) -> list[str]:
    """The queries that read *My work*'s rows (assessments waiting for the user)."""
    return [q for q in sql if "reviews_concernassessment" in q and "reviewer_id" in q]


def test_a_second_page_reads_count_and_summary_from_the_cache(client, users, busy, work_cache):
    client.force_login(users["reviewer"])
    first, cold = _page(client)
    second, warm = _page(client)
    assert _reads_work(cold) and not _reads_work(warm)
    assert len(cold) > len(warm)
    assert busy >= 12  # six concerns on each of the two, at least
    for page in (first, second):
        assert _badge(page) == busy


def test_without_the_cache_every_page_reads_the_rows(client, users, busy, settings):
    settings.WORK_CACHE_SECONDS = 0
    client.force_login(users["reviewer"])
    _page(client)
    _, again = _page(client)
    assert _reads_work(again)


def test_a_committed_change_is_on_the_next_page(
    client, users, busy, work_cache, django_capture_on_commit_callbacks
):
    client.force_login(users["reviewer"])
    _page(client)
    version = _version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
    assert callbacks and _version() != version
    page, sql = _page(client)
    assert _reads_work(sql)  # counted afresh
    assert _badge(page) == work_count(users["reviewer"]) > busy


def test_a_change_rolled_back_invalidates_nothing(users, busy, work_cache):
    version = _version()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.design_input(
            initiative=factories.in_review_initiative(
                sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
            ),
            raised_by=users["reviewer"],
        )
        raise RuntimeError("rolled back")
    assert _version() == version


def test_a_new_role_is_a_change_too(users, work_cache, django_capture_on_commit_callbacks):
    """Roles decide what a user may see, so what waits for them."""
    version = _version()
    with django_capture_on_commit_callbacks(execute=True):
        users["norole"].groups.add(Group.objects.get(name=Role.REVIEWER))
    assert _version() != version


def _uids(signal) -> set:
    return {receiver[0][0] for receiver in signal.receivers}


@pytest.mark.parametrize("model", work_signals.SOURCES, ids=lambda m: m.__name__)
def test_every_source_of_my_work_is_watched(model):
    assert f"work-cache-save-{model.__name__}" in _uids(post_save)
    assert f"work-cache-delete-{model.__name__}" in _uids(post_delete)


@pytest.mark.parametrize("link", work_signals.LINKS, ids=lambda m: m.__name__)
def test_every_link_of_my_work_is_watched(link):
    assert f"work-cache-m2m-{link.__name__}" in _uids(m2m_changed)


def test_each_language_has_its_own_summary(client, users, busy, work_cache):
    client.force_login(users["reviewer"])
    english, _ = _page(client)
    german, _ = _page(client, HTTP_ACCEPT_LANGUAGE="de")
    assert "Complete the assessment" in english.content.decode()
    assert "Complete the assessment" not in german.content.decode()
    language = german.content.decode().split('lang="', 1)[1][:2]
    assert language == "de"
    assert cache.get(
        f"work:first-5:{work_cache_module.FORMAT}:{_version()}:{users['reviewer'].pk}:de"
    )
