"""The unhappy paths in a real browser, per role: a hidden initiative answers the 404 page, a
forbidden action the 403 page, a stale save the conflict message; and the governance journeys
around them — the decision log, change control and the auditor's view of what happened."""

import pytest

from audit.models import AuditEvent
from governance.decisions.models import ChangeRequest, Decision
from initiatives.models import Initiative
from initiatives.services import grant_membership
from tests import factories


@pytest.fixture
def people(transactional_db):
    users = factories.role_users()
    secret = factories.submitted_initiative(
        sponsor=users["other_sponsor"], title="Secret supplier risk", confidential=True
    )
    public = factories.submitted_initiative(sponsor=users["sponsor"], title="Vision QA")
    factories.satisfied_assessments(public)
    grant_membership(public, users["reviewer"], can_review=True, actor=users["it_lead"])
    return users, secret, public


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["sponsor", "reviewer", "norole"])
def test_a_hidden_initiative_answers_the_404_page(browser_as, live_server, people, who):
    users, secret, _ = people
    window = browser_as(users[who])
    for path in (secret.get_absolute_url(), f"/governance/initiatives/{secret.pk}/audit/"):
        response = window.goto(f"{live_server.url}{path}")
        assert response.status == 404, (who, path)
        assert "This page does not exist" in window.content()
        assert "Secret supplier risk" not in window.content()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "who, path",
    [
        ("sponsor", "/governance/initiatives/{public}/releases/new/"),  # IT records versions
        ("reviewer", "/initiatives/{public}/edit/1/"),  # the sponsor side edits
        ("norole", "/governance/initiatives/{public}/audit/"),  # public, but not their work
        ("norole", "/governance/initiatives/{public}/decisions/new/"),
        ("sponsor", "/governance/dashboard/"),  # the dashboard is for the portfolio roles
    ],
)
def test_a_forbidden_action_answers_the_403_page(browser_as, live_server, people, who, path):
    users, _, public = people
    window = browser_as(users[who])
    trail = AuditEvent.objects.count()
    response = window.goto(f"{live_server.url}{path.format(public=public.pk)}")
    assert response.status == 403, (who, path)
    assert "You cannot open this page" in window.content()
    assert AuditEvent.objects.count() == trail


@pytest.mark.django_db(transaction=True)
def test_a_stale_save_shows_the_conflict_and_keeps_the_other_save(browser_as, live_server):
    users = factories.role_users()
    draft = factories.draft_initiative(sponsor=users["sponsor"], title="Line 3 inspection")
    tab_a, tab_b = browser_as(users["sponsor"]), browser_as(users["sponsor"])
    for tab in (tab_a, tab_b):
        tab.goto(f"{live_server.url}/initiatives/{draft.pk}/edit/1/")
    tab_a.fill("#id_title", "Saved in tab A")
    tab_a.click("button[name=save]")
    tab_a.wait_for_load_state("networkidle")
    tab_b.fill("#id_title", "Saved in tab B")
    tab_b.click("button[name=save]")
    tab_b.wait_for_load_state("networkidle")
    assert "saved by someone else" in tab_b.content()
    assert tab_b.input_value("#id_title") == "Saved in tab B"  # what was typed stays
    assert Initiative.objects.get(pk=draft.pk).title == "Saved in tab A"


@pytest.mark.django_db(transaction=True)
def test_decision_log_change_control_and_the_auditor_view(browser_as, live_server, people):
    users, _, public = people
    url = f"{live_server.url}{public.get_absolute_url()}#decisions"  # its tab

    # The IT lead records an approval with its conditions in the decision log.
    lead = browser_as(users["it_lead"])
    lead.goto(url)
    lead.click("#decisions >> text=Record decision")
    lead.select_option("#id_kind", "approval")
    lead.fill("#id_summary", "Go for the pilot on line 3")
    lead.fill("#id_conditions", "Human sign-off on every reject for three months")
    lead.click("button:has-text('Save')")
    lead.wait_for_load_state("networkidle")
    assert "Go for the pilot on line 3" in lead.locator("#decisions").inner_text()
    assert Decision.objects.get().decided_by == users["it_lead"]

    # The sponsor may not approve: the form offers only the kinds they may record (and no
    # escalation, which has its own page offering the partnership route); nothing is recorded.
    sponsor = browser_as(users["sponsor"])
    sponsor.goto(url)
    assert sponsor.locator("#decisions >> text=Record decision").count() == 1
    sponsor.click("#decisions >> text=Record decision")
    sponsor.wait_for_url("**/decisions/new/")
    assert sponsor.locator("#id_kind option[value=approval]").count() == 0
    assert sponsor.locator("#id_kind option[value=escalation]").count() == 0
    assert sponsor.locator("#id_kind option[value=vendor_selection]").count() == 1
    assert Decision.objects.count() == 1

    # The sponsor requests a change; it re-opens the concerns the new data touches.
    sponsor.goto(url)
    sponsor.click("#change-control >> text=Request a change")
    sponsor.select_option("#id_kind", "new_data_source")
    sponsor.fill("#id_description", "Add scrap reasons from the MES")
    sponsor.click("button:has-text('Save')")
    sponsor.wait_for_load_state("networkidle")
    change = ChangeRequest.objects.get()
    assert "Add scrap reasons from the MES" in sponsor.locator("#change-control").inner_text()
    assert sponsor.locator("#change-control form button").count() == 0  # IT decides

    # The assigned reviewer approves it.
    reviewer = browser_as(users["reviewer"])
    reviewer.goto(url)
    reviewer.click("#change-control form button:has-text('Approved')")
    reviewer.wait_for_load_state("networkidle")
    change.refresh_from_db()
    assert change.status == "approved"

    # The executive reads who did what in the auditor view; the CSV holds the same events.
    executive = browser_as(users["executive"])
    executive.goto(url)
    executive.click("text=Audit trail")
    executive.wait_for_url("**/audit/")
    table = executive.locator("#audit-table").inner_text()
    for action in ("decision.approval", "change.requested", "change.approved"):
        assert action in table, action
    for who in ("it_lead", "reviewer", "sponsor"):
        assert users[who].get_full_name() in table, who
