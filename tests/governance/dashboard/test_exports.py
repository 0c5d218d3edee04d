"""The portfolio CSV above EXPORT_ASYNC_ROWS: recorded, built by a worker in chunks with its
progress, downloaded by its owner alone, removed after a day — through the pages, the API,
the service and a real Celery worker."""

import shutil
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.dashboard import services
from governance.dashboard.models import ExportStatus, PortfolioExport, export_storage
from governance.dashboard.selectors.filters import DashboardFilters
from governance.dashboard.tasks import build_portfolio_export
from harmony_portal.celery import app
from outbox.models import Message
from tests import factories
from tests.conftest import RealWorker, api, need_service, run_outbox
from tests.governance.dashboard import dashboard_fixture

CSV_URL = "/governance/dashboard/portfolio.csv"
START_URL = "/governance/dashboard/exports/"
TASK_PREFIX = "governance.dashboard."


@pytest.fixture(autouse=True)
def export_store(settings, tmp_path):
    """Exports in a directory of the test's own; at most 2 initiatives are streamed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports"), "base_url": None},
        },
    }
    settings.EXPORT_ASYNC_ROWS = 2
    return tmp_path / "exports"


@pytest.fixture
def compiled_german():
    """The compiled catalogue (make test compiles it; a lone pytest run may not have)."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is missing: scripts/ensure-gettext.sh")
    call_command("compilemessages", locale=["de"], ignore_patterns=[".venv*"], verbosity=0)


def streamed_csv(client, params) -> bytes:
    """The CSV as the request streams it (the threshold raised for the one request)."""
    from django.test import override_settings

    with override_settings(EXPORT_ASYNC_ROWS=10**6):
        response = client.get(CSV_URL, params)
    assert response.streaming
    return b"".join(response.streaming_content)


def files(store) -> list[str]:
    return sorted(p.name for p in store.iterdir()) if store.exists() else []


@pytest.mark.django_db
class TestPages:
    def test_small_portfolio_streams_large_one_offers_a_background_export(
        self, client, users, settings
    ):
        portfolio = dashboard_fixture.build(users)
        client.force_login(users["executive"])
        # Brno has two initiatives: streamed; the whole portfolio has five: offered.
        assert client.get(CSV_URL, {"site": portfolio.s2.pk}).streaming
        page = client.get(CSV_URL, {"sort": "-security"})
        assert not page.streaming
        content = page.content.decode()
        assert 'id="start-export"' in content and "The CSV has 5 initiatives." in content
        assert 'name="sort" value="-security"' in content
        settings.EXPORT_ASYNC_ROWS = 1
        content = client.get(CSV_URL, {"phase": "design"}).content.decode()
        assert "The CSV has 2 initiatives." in content
        assert 'name="phase" value="design"' in content
        assert not PortfolioExport.objects.exists()  # a GET records nothing

    def test_owner_follows_progress_and_downloads_what_the_stream_would_send(
        self, client, users, export_store
    ):
        dashboard_fixture.build(users)
        executive = users["executive"]
        client.force_login(executive)
        response = client.post(START_URL, {"phase": "design", "sort": "-security"})
        export = PortfolioExport.objects.get()
        assert response.status_code == 302
        assert response.url == f"/governance/dashboard/exports/{export.pk}/"
        assert (export.owner, export.filters, export.sort) == (
            executive,
            {"phase": "design"},
            "-security",
        )
        page = client.get(response.url).content.decode()
        assert "Waiting for a worker" in page and 'id="export-ready" hidden' in page
        assert f'data-status-url="/api/portfolio-exports/{export.pk}/"' in page
        assert client.get(f"{response.url}download/").status_code == 404  # not ready

        assert run_outbox(TASK_PREFIX) == 1
        page = client.get(response.url).content.decode()
        assert 'id="export-ready" hidden' not in page and "100%" in page
        download = client.get(f"{response.url}download/")
        assert download.status_code == 200
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        assert download["Content-Disposition"].startswith('attachment; filename="portfolio-')
        assert download["Cache-Control"] == "private, no-store"
        body = b"".join(download.streaming_content)
        assert body == streamed_csv(client, {"phase": "design", "sort": "-security"})
        assert body.decode().count("\n") == 3  # header, A and D
        assert files(export_store) == [f"portfolio-export-{export.pk}.csv"]
        # The next large export's page lists this one, to its owner only.
        offer = client.get(CSV_URL).content.decode()
        assert f'href="/governance/dashboard/exports/{export.pk}/"' in offer and "Ready" in offer
        client.force_login(users["it_lead"])
        assert 'id="recent-exports"' not in client.get(CSV_URL).content.decode()

    @pytest.mark.parametrize("role", ["it_lead", "sponsor", "norole"])
    def test_nobody_else_sees_or_downloads_it(self, client, users, role):
        dashboard_fixture.build(users)
        export = services.start_portfolio_export(
            user=users["executive"], filters=DashboardFilters()
        )
        run_outbox(TASK_PREFIX)
        client.force_login(users[role])
        for suffix in ("", "download/"):
            url = f"/governance/dashboard/exports/{export.pk}/{suffix}"
            assert client.get(url).status_code == 404, url

    def test_anonymous_is_sent_to_sign_in(self, client, users):
        export = services.start_portfolio_export(
            user=users["executive"], filters=DashboardFilters()
        )
        for url in (f"/governance/dashboard/exports/{export.pk}/", START_URL):
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response.url

    def test_only_dashboard_roles_start_one(self, client, users):
        client.force_login(users["sponsor"])
        assert client.post(START_URL, {}).status_code == 403
        assert client.get(START_URL).status_code == 405
        assert not PortfolioExport.objects.exists()

    def test_german(self, users, compiled_german):
        dashboard_fixture.build(users)
        client = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
        client.force_login(users["executive"])
        content = client.get(CSV_URL).content.decode()
        assert "Die CSV-Datei hat 5 Initiativen." in content
        client.post(START_URL, {})
        export = PortfolioExport.objects.get()
        page = client.get(f"/governance/dashboard/exports/{export.pk}/")
        assert "Wartet auf einen Worker" in page.content.decode()


@pytest.mark.django_db
class TestApi:
    def test_start_read_progress_and_download(self, client, users):
        dashboard_fixture.build(users)
        executive = users["executive"]
        response = api(executive).post(
            "/api/portfolio-exports/", {"status": "ready_for_build", "sort": "title"}, format="json"
        )
        assert response.status_code == 202, response.content
        data = response.json()
        assert data["status"] == "pending" and data["download"] is None
        assert data["filters"] == {"status": "ready_for_build"} and data["sort"] == "title"
        url = f"/api/portfolio-exports/{data['id']}/"
        assert api(executive).get(f"{url}download/").status_code == 409
        run_outbox(TASK_PREFIX)
        data = api(executive).get(url).json()
        assert (data["status"], data["rows_done"], data["rows_total"], data["percent"]) == (
            "done",
            3,
            3,
            100,
        )
        assert data["download"] == f"{url}download/"
        assert data["page"] == f"/governance/dashboard/exports/{data['id']}/"
        body = b"".join(api(executive).get(data["download"]).streaming_content)
        client.force_login(executive)
        assert body == streamed_csv(client, {"status": "ready_for_build", "sort": "title"})
        listed = api(executive).get("/api/portfolio-exports/").json()
        assert [e["id"] for e in listed["results"]] == [data["id"]]

    def test_another_user_gets_404_and_sees_none_listed(self, users):
        export = services.start_portfolio_export(
            user=users["executive"], filters=DashboardFilters()
        )
        run_outbox(TASK_PREFIX)
        other = users["it_lead"]
        for suffix in ("", "download/"):
            assert api(other).get(f"/api/portfolio-exports/{export.pk}/{suffix}").status_code == 404
        assert api(other).get("/api/portfolio-exports/").json()["results"] == []
        assert api(users["executive"]).get("/api/portfolio-exports/abc/").status_code == 404

    def test_bad_filters_are_400_naming_them(self, users):
        response = api(users["executive"]).post(
            "/api/portfolio-exports/", {"phase": "nonsense", "site": "x"}, format="json"
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"phase", "site"}
        assert not PortfolioExport.objects.exists()

    def test_roles_without_the_dashboard_and_anonymous_are_refused(self, users, api_client):
        assert api(users["sponsor"]).post("/api/portfolio-exports/", {}).status_code == 403
        assert api_client.post("/api/portfolio-exports/", {}).status_code in (401, 403)
        assert api_client.get("/api/portfolio-exports/").status_code in (401, 403)

    def test_schema_describes_it(self, users):
        schema = api(users["executive"]).get("/api/schema/", {"format": "json"}).json()
        paths = schema["paths"]
        assert "post" in paths["/api/portfolio-exports/"]
        assert "/api/portfolio-exports/{id}/download/" in paths


@pytest.mark.django_db
class TestBuild:
    def test_start_records_one_outbox_message_with_the_id(self, users):
        export = services.start_portfolio_export(
            user=users["it_lead"], filters=DashboardFilters(phase="design"), sort="-nonsense"
        )
        assert export.sort == "reference"  # an unknown sort is the default, as on the page
        message = Message.objects.get()
        assert message.task == "governance.dashboard.tasks.build_portfolio_export"
        assert message.kwargs == {"export_id": export.pk}

    def test_progress_is_written_after_every_chunk(self, users):
        dashboard_fixture.build(users)
        export = services.start_portfolio_export(
            user=users["executive"], filters=DashboardFilters()
        )
        with CaptureQueriesContext(connection) as queries:
            assert services.build_portfolio_export(export.pk, chunk_size=2)
        progress = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('UPDATE "governance_portfolioexport" SET "rows_done"')
        ]
        assert len(progress) == 3  # 5 initiatives in chunks of 2
        export.refresh_from_db()
        assert (export.status, export.rows_done, export.rows_total) == ("done", 5, 5)
        assert export.started_at <= export.finished_at
        assert export_storage().open(export.file.name).read().decode().count("\n") == 6

    def test_running_twice_builds_once(self, users, export_store):
        dashboard_fixture.build(users)
        export = services.start_portfolio_export(
            user=users["executive"], filters=DashboardFilters()
        )
        assert build_portfolio_export(export.pk) is True
        first = PortfolioExport.objects.get().file.name
        assert build_portfolio_export(export.pk) is False
        assert PortfolioExport.objects.get().file.name == first
        assert files(export_store) == [first]
        assert build_portfolio_export(10**6) is False  # removed meanwhile: nothing to do

    def test_an_owner_who_lost_the_dashboard_gets_a_failed_export(self, users):
        export = services.start_portfolio_export(
            user=users["executive"], filters=DashboardFilters()
        )
        owner = users["executive"]
        owner.is_active = False
        owner.save()
        assert build_portfolio_export(export.pk) is False
        export.refresh_from_db()
        assert export.status == ExportStatus.FAILED and export.finished_at is not None
        assert "no longer sees the dashboard" in export.error
        assert not export.file

    def test_old_exports_are_removed_with_their_files(self, users, export_store):
        dashboard_fixture.build(users)
        start = lambda: services.start_portfolio_export(  # noqa: E731
            user=users["executive"], filters=DashboardFilters()
        )
        old, recent, stuck = start(), start(), start()
        run_outbox(TASK_PREFIX)
        day_ago = timezone.now() - timedelta(hours=25)
        PortfolioExport.objects.filter(pk=old.pk).update(finished_at=day_ago)
        PortfolioExport.objects.filter(pk=stuck.pk).update(
            status="pending", finished_at=None, file="", created_at=day_ago
        )
        assert len(files(export_store)) == 3
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            assert services.remove_expired_exports() == 2
        assert list(PortfolioExport.objects.values_list("pk", flat=True)) == [recent.pk]
        recent.refresh_from_db()
        assert recent.file.name in files(export_store)
        assert f"portfolio-export-{old.pk}.csv" not in files(export_store)

    def test_the_hourly_removal_is_scheduled_by_the_migration(self):
        """The migration's schedule (run again here: a transactional test flushes the rows
        migrations wrote), once however often it runs."""
        from importlib import import_module

        from django.apps import apps
        from django_celery_beat.models import PeriodicTask

        migration = import_module("governance.migrations.0019_portfolio_exports")
        for _ in range(2):
            migration.schedule_sweep(apps, None)
        task = PeriodicTask.objects.get(name="Remove expired portfolio exports")
        assert task.task == "governance.dashboard.tasks.remove_expired_portfolio_exports"
        assert (task.interval.every, task.interval.period) == (1, "hours")
        assert app.tasks[task.task] is not None  # the worker knows it


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_it(redis_url, settings, export_store):
    need_service("Redis broker", app.conf.broker_url.startswith("redis://"))
    users = factories.role_users()
    dashboard_fixture.build(users)
    export = services.start_portfolio_export(user=users["executive"], filters=DashboardFilters())
    Message.objects.all().delete()  # the relay's part; here the task is sent directly
    app.control.purge()
    with RealWorker(app) as worker:
        build_portfolio_export.delay(export.pk)
        worker.wait_for("governance.dashboard.tasks.build_portfolio_export")
    export.refresh_from_db()
    assert (export.status, export.rows_done) == ("done", 5)
    assert export_storage().open(export.file.name).read().decode().startswith("reference,title")
