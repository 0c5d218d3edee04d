"""Nobody waits in silence: four people pass one finding around in real browsers, and at each
hand-off the next person's bell, *My work* and e-mail show it within seconds — once.

The relay and the Celery worker run in this process (a thread draining the outbox, as
`manage.py relay_outbox` and a worker would), so Django's locmem mail outbox sees the e-mails.
"""

import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection

from governance.notifications.models import Notification
from initiatives.models import Initiative
from initiatives.services import grant_membership
from reviews.models import DesignInput, DesignInputStatus
from tests import factories
from tests.conftest import run_outbox
from tests.e2e.flows import choose_person


class InProcessWorker(threading.Thread):
    """Relays the outbox and runs its tasks every 0.2 s until stopped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []

    def run(self):
        try:
            while not self.stopping.is_set():
                try:
                    run_outbox()
                except Exception as exc:  # noqa: BLE001 - reported by the test
                    self.errors.append(exc)
                self.stopping.wait(0.2)
        finally:
            connection.close()

    def stop(self):
        self.stopping.set()
        self.join(10)


@pytest.fixture
def worker():
    thread = InProcessWorker()
    thread.start()
    yield thread
    thread.stop()
    assert not thread.errors, thread.errors


def told(window, live_server, user, text: str, timeout: float = 20) -> None:
    """Within seconds: the bell counts it, the notification list and an e-mail show it."""
    deadline = time.monotonic() + timeout
    while not any(text in m.subject for m in mail.outbox if user.email in m.to):
        assert time.monotonic() < deadline, f"no e-mail with {text!r} for {user.username}"
        time.sleep(0.2)
    window.goto(f"{live_server.url}/notifications/")
    assert window.locator("#unread-count").is_visible()
    assert text in window.locator("#notifications").inner_text()


def my_work(window, live_server) -> str:
    window.goto(f"{live_server.url}/my-work/")
    return window.locator("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_four_people_pass_a_finding_and_each_is_told_once(browser_as, live_server, worker):
    users = factories.role_users()
    lead, reviewer, sponsor, owner = (
        users["it_lead"],
        users["reviewer"],
        users["sponsor"],
        users["co_sponsor"],
    )
    initiative = factories.submitted_initiative(sponsor=sponsor, title="Weld seam inspection")
    grant_membership(initiative, owner, can_change=True)
    initiative.co_sponsors.add(owner)

    # 1. The IT lead assigns the reviewer; the reviewer is told and finds assessments to do.
    lead_window = browser_as(lead)
    lead_window.goto(f"{live_server.url}{initiative.get_absolute_url()}#reviewers")
    choose_person(lead_window, "assign-reviewer", reviewer)
    lead_window.click("form[action$='/assign/'] button[type=submit]")
    lead_window.wait_for_load_state("networkidle")
    reviewer_window = browser_as(reviewer)
    told(reviewer_window, live_server, reviewer, "You review")
    assert "Complete the assessment" in my_work(reviewer_window, live_server)
    assert reviewer_window.locator("#my-work-count").is_visible()

    # 2. The reviewer raises a high-severity finding owned by the owner.
    reviewer_window.goto(f"{live_server.url}{initiative.get_absolute_url()}#design-inputs")
    reviewer_window.click("text=Raise a design input")
    reviewer_window.select_option("#id_area", "security")
    reviewer_window.select_option("#id_severity", "high")
    reviewer_window.fill("#id_title", "Images leave the plant network")
    choose_person(reviewer_window, "id_owner", owner)
    reviewer_window.click("button:has-text('Save')")
    reviewer_window.wait_for_url("**/design-inputs/*/")
    finding = DesignInput.objects.get(initiative=initiative)
    owner_window = browser_as(owner)
    told(owner_window, live_server, owner, "Images leave the plant network")
    assert "Answer the design input" in my_work(owner_window, live_server)
    sponsor_window = browser_as(sponsor)
    told(sponsor_window, live_server, sponsor, "Images leave the plant network")
    sponsor_window.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    # What is hers to do comes first on the initiative page: the overview tab it opens on,
    # the review panels in a tab of their own.
    assert sponsor_window.locator("#yours-to-do").is_visible()
    assert not sponsor_window.locator("#assessments").is_visible()
    panel_y = sponsor_window.locator("#yours-to-do").bounding_box()["y"]
    assert panel_y < 600

    # 3. The sponsor asks the owner in the finding's thread, picking her from the people
    #    picker; the owner is told she was mentioned.
    sponsor_window.goto(f"{live_server.url}/reviews/design-inputs/{finding.pk}/")
    body = sponsor_window.locator("#thread textarea")
    body.fill("Can you propose the edge setup? ")
    body.press_sequentially("@co_s")
    sponsor_window.locator(".mention-option[data-username='co_sponsor']").click()
    body.press_sequentially("thanks")
    assert body.input_value().endswith("@co_sponsor thanks")
    sponsor_window.click("#thread button[type=submit]")
    sponsor_window.wait_for_load_state("networkidle")
    assert sponsor_window.locator("#thread .mention").inner_text() == "@co_sponsor"
    told(owner_window, live_server, owner, "mentioned you")
    sponsor_window.screenshot(path=str(_path("thread")), full_page=True)

    # 4. The owner proposes a solution; IT hears of it.
    owner_window.goto(f"{live_server.url}/reviews/design-inputs/{finding.pk}/")
    owner_window.click("button.accordion-button:has-text('Propose a solution')")
    owner_window.fill("#text-propose", "Run inference on the plant edge server.")
    # Waiting for the form's own navigation: "networkidle" right after a click can come
    # before the POST has even started on a loaded machine (CI waited 20 s for an e-mail
    # of a proposal that may never have been sent).
    with owner_window.expect_navigation():
        owner_window.click("#t-propose button[type=submit]")
    owner_window.wait_for_load_state("networkidle")
    finding.refresh_from_db()
    assert finding.status == "solution_proposed", finding.status
    told(reviewer_window, live_server, reviewer, "proposed a solution")

    # 5. The sponsor marks it incorporated; the reviewer must confirm.
    sponsor_window.goto(f"{live_server.url}/reviews/design-inputs/{finding.pk}/")
    sponsor_window.click("button.accordion-button:has-text('Mark incorporated')")
    sponsor_window.fill("#text-incorporate", "Edge server ordered; no cloud inference.")
    sponsor_window.click("#t-incorporate button[type=submit]")
    sponsor_window.wait_for_load_state("networkidle")
    told(reviewer_window, live_server, reviewer, "marked incorporated")
    assert "Confirm incorporation" in my_work(reviewer_window, live_server)
    reviewer_window.screenshot(path=str(_path("reviewer-my-work")), full_page=True)

    # 6. The reviewer confirms; the sponsor side hears the loop is closed.
    reviewer_window.goto(f"{live_server.url}/reviews/design-inputs/{finding.pk}/")
    reviewer_window.click("button.accordion-button:has-text('Confirm incorporation')")
    reviewer_window.click("#t-confirm button[type=submit]")
    reviewer_window.wait_for_load_state("networkidle")
    finding.refresh_from_db()
    assert finding.status == DesignInputStatus.INCORPORATED and finding.confirmed_by == reviewer
    told(sponsor_window, live_server, sponsor, "confirmed the incorporation")
    sponsor_window.screenshot(path=str(_path("sponsor-bell")), full_page=True)
    assert "Images leave" not in my_work(reviewer_window, live_server)
    assert "Images leave" not in my_work(sponsor_window, live_server)

    # Nobody was told anything twice, and nobody of what they did themselves.
    time.sleep(1)  # let a duplicate, if any, arrive
    mails = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert max(mails.values()) == 1, mails
    notes = Counter(Notification.objects.values_list("user_id", "text"))
    assert max(notes.values()) == 1, notes
    assert not Notification.objects.filter(user=owner, text__contains="proposed a solution")
    assert not Notification.objects.filter(user=reviewer, text__contains="raised")
    assert Initiative.objects.get(pk=initiative.pk).followers.count() == 0


def _path(name: str):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"handoffs-{name}.png"
