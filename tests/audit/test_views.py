"""Auditor pages and exports: who may read an initiative's history, and what they get."""

import csv
import io
import json

import pytest

from audit.models import AuditEvent
from initiatives.services import grant_membership
from tests import factories


def audit_url(initiative, suffix="audit/"):
    return f"/governance/initiatives/{initiative.pk}/{suffix}"


@pytest.mark.django_db
class TestAuditorPages:
    @pytest.mark.parametrize("who", ["it_lead", "executive", "admin", "sponsor"])
    def test_auditors_and_own_people_read_the_history(self, client, users, initiative, who):
        client.force_login(users[who])
        response = client.get(audit_url(initiative))
        body = response.content.decode()
        assert response.status_code == 200
        assert "initiative.submitted" in body
        assert "Draft</span> → <span" in body  # old → new, the choice in words
        assert "Printable report" in body

    def test_an_assigned_reviewer_reads_it_too(self, client, users, initiative):
        grant_membership(initiative, users["reviewer"], can_review=True)
        client.force_login(users["reviewer"])
        assert client.get(audit_url(initiative)).status_code == 200

    @pytest.mark.parametrize("suffix", ["audit/", "audit/print/", "audit.csv", "audit.json"])
    def test_others_who_see_the_initiative_are_forbidden(self, client, users, initiative, suffix):
        client.force_login(users["norole"])
        assert client.get(initiative.get_absolute_url()).status_code == 200
        assert client.get(audit_url(initiative, suffix)).status_code == 403

    @pytest.mark.parametrize("suffix", ["audit/", "audit/print/", "audit.csv", "audit.json"])
    def test_hidden_initiatives_are_not_found(self, client, users, confidential, suffix):
        client.force_login(users["other_sponsor"])
        assert client.get(audit_url(confidential, suffix)).status_code == 404

    def test_csv_has_one_row_per_event(self, client, users, initiative):
        client.force_login(users["it_lead"])
        response = client.get(audit_url(initiative, "audit.csv"))
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        expected = AuditEvent.objects.filter(initiative=initiative)
        assert [int(r["seq"]) for r in rows] == [e.seq for e in expected]
        submitted = next(r for r in rows if r["action"] == "initiative.submitted")
        assert json.loads(submitted["changes"]) == {"status": ["draft", "submitted"]}
        assert submitted["actor"] == "sponsor"

    def test_csv_cells_a_spreadsheet_would_run_are_exported_as_text(self, client, users):
        lead = factories.UserFactory(username="=cmd|' /C calc'!A0", role="IT lead")
        initiative = factories.in_review_initiative(sponsor=users["sponsor"], it_lead=lead)
        factories.design_input(
            initiative=initiative, raised_by=lead, title="@SUM(1+1)*cmd|' /C calc'!A0"
        )
        client.force_login(users["it_lead"])
        response = client.get(audit_url(initiative, "audit.csv"))
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        raised = next(r for r in rows if r["action"] == "design_input.raised")
        assert raised["actor"] == "'=cmd|' /C calc'!A0"
        assert raised["object_repr"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
        assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())

    def test_json_export(self, client, users, initiative):
        client.force_login(users["executive"])
        body = json.loads(client.get(audit_url(initiative, "audit.json")).content)
        assert body["initiative"]["reference"] == initiative.reference
        assert [e["action"] for e in body["events"]] == [
            "initiative.created",
            "initiative.submitted",
        ]
        assert all(len(e["hash"]) == 64 for e in body["events"])

    def test_printable_page(self, client, users, initiative):
        client.force_login(users["it_lead"])
        body = client.get(audit_url(initiative, "audit/print/")).content.decode()
        assert "@media print" in body
        assert "initiative.submitted" in body

    def test_page_queries_do_not_grow_with_events(
        self, client, users, initiative, django_assert_max_num_queries
    ):
        for _ in range(30):
            grant_membership(initiative, users["reviewer"], can_review=True)
            from initiatives.services import revoke_membership

            revoke_membership(initiative, users["reviewer"])
        client.force_login(users["it_lead"])
        # 12, and the readable references: one query per model the events name (people,
        # sites, business units…), whatever the number of events.
        with django_assert_max_num_queries(16):
            assert client.get(audit_url(initiative)).status_code == 200


# --- Named people are partners: the auditor view of their initiative ------------------------


@pytest.mark.parametrize(
    "who, status", [("owner", 200), ("accountable", 200), ("outsider", 404), ("anonymous", 302)]
)
def test_named_partners_read_the_auditor_view(client, partnered, who, status):
    initiative = partnered["initiative"]
    if who != "anonymous":
        client.force_login(partnered[who])
    assert client.get(f"/governance/initiatives/{initiative.pk}/audit/").status_code == status
    csv = client.get(f"/governance/initiatives/{initiative.pk}/audit.csv").status_code
    assert csv == status
