"""An executive exports a portfolio larger than EXPORT_ASYNC_ROWS in a real browser: the CSV
link offers a background export, the page follows the worker's progress by itself and offers
the download when it is ready.

The relay and the worker run in a thread of this process (as `manage.py relay_outbox` and a
Celery worker would), draining the outbox every 0.2 s once the test starts them.
"""

import csv
import io
import threading

import pytest
from django.db import connection

from governance.dashboard.models import PortfolioExport
from tests import factories
from tests.conftest import run_outbox
from tests.governance.dashboard import dashboard_fixture


class ExportWorker(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []

    def run(self):
        try:
            while not self.stopping.is_set():
                try:
                    run_outbox("governance.dashboard.")
                except Exception as exc:  # noqa: BLE001 - reported by the test
                    self.errors.append(exc)
                self.stopping.wait(0.2)
        finally:
            connection.close()

    def stop(self):
        self.stopping.set()
        self.join(10)


@pytest.mark.django_db(transaction=True)
def test_executive_prepares_a_large_export_and_downloads_it(
    page, live_server, login, screenshot, settings, tmp_path
):
    settings.EXPORT_ASYNC_ROWS = 3
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports"), "base_url": None},
        },
    }
    users = factories.role_users()
    dashboard_fixture.build(users)
    login(users["executive"])
    page.click("#export-csv")
    page.wait_for_url("**/portfolio.csv*")
    assert "The CSV has 5 initiatives." in page.locator("#export-size").inner_text()
    screenshot("dashboard-export-offer")
    page.click("#start-export button[type=submit]")
    page.wait_for_url("**/governance/dashboard/exports/*/")
    export = PortfolioExport.objects.get()
    assert export.owner == users["executive"]
    assert page.locator("#export-status").inner_text() == "Waiting for a worker"
    assert page.locator("#export-progress").get_attribute("aria-valuenow") == "0"
    assert page.locator("#export-download").is_hidden()

    worker = ExportWorker()
    worker.start()
    try:
        # The page asks the API every second and shows the button once the worker is done.
        page.locator("#export-download").wait_for(state="visible", timeout=20_000)
    finally:
        worker.stop()
    assert not worker.errors, worker.errors
    assert page.locator("#export-status").inner_text() == "Ready"
    assert page.locator("#export-progress").get_attribute("aria-valuenow") == "100"
    assert page.locator("#export-rows").inner_text() == "5 / 5"
    screenshot("dashboard-export-ready")

    with page.expect_download() as download_info:
        page.click("#export-download")
    download = download_info.value
    assert download.suggested_filename.startswith("portfolio-readiness-")
    rows = list(csv.reader(io.StringIO(download.path().read_text())))
    assert rows[0][:3] == ["reference", "title", "site"]
    assert {row[1] for row in rows[1:]} == {
        "A Visual inspection",
        "B Predictive maintenance",
        "C Demand forecasting",
        "D PPE detection",
        "E Shop-floor copilot",
    }
