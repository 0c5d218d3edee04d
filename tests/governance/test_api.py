"""API of working sessions, notifications and risk status, per role."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from governance.notifications.models import Notification
from governance.risk.services import recompute
from governance.risk.tasks import sweep_risk
from governance.sessions.models import SessionStatus, WorkingSession
from reviews.models import DesignInput
from reviews.services.assessments import ensure_assessments
from tests import factories

SERIES = {
    "cadence": "biweekly",
    "weekday": 3,
    "start_time": "14:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 60,
    "location": "https://teams.example.com/l/abc",
    "participants": ["reviewer"],
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def initiative(users):
    return factories.in_review_initiative(sponsor=users["sponsor"])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("sponsor", 201),
        ("it_lead", 201),
        ("reviewer", 403),
        ("other_sponsor", 403),
        ("executive", 403),
    ],
)
def test_create_series_per_role(users, initiative, role, expected):
    response = api(users[role]).post(
        "/api/working-series/", {**SERIES, "initiative": initiative.pk}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.data["cadence"] == "biweekly"
        assert set(response.data["participants"]) == {"sponsor", "reviewer"}
        assert WorkingSession.objects.filter(initiative=initiative).count() >= 5
        assert AuditEvent.objects.filter(action="working_series.created").count() == 1


def test_hidden_initiative_is_a_field_error_and_lists_are_filtered(users):
    confidential = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
    factories.working_series(initiative=confidential, user=users["sponsor"])
    response = api(users["norole"]).post(
        "/api/working-series/", {**SERIES, "initiative": confidential.pk}, format="json"
    )
    assert response.status_code == 400
    assert "initiative" in response.data["errors"]
    assert api(users["norole"]).get("/api/working-series/").data["count"] == 0
    assert api(users["norole"]).get("/api/working-sessions/").data["count"] == 0
    assert api(users["executive"]).get("/api/working-series/").data["count"] == 1


def test_bad_series_input_is_400_with_field_messages(users, initiative):
    response = api(users["sponsor"]).post(
        "/api/working-series/",
        {**SERIES, "initiative": initiative.pk, "weekday": 9, "participants": ["ghost"]},
        format="json",
    )
    assert response.status_code == 400
    assert {"weekday", "participants"} <= set(response.data["errors"])


def test_patch_series_changes_cadence(users, initiative):
    series = factories.working_series(initiative=initiative, user=users["sponsor"])
    response = api(users["it_lead"]).patch(
        f"/api/working-series/{series.pk}/", {"cadence": "monthly"}, format="json"
    )
    assert response.status_code == 200 and response.data["cadence"] == "monthly"
    assert (
        api(users["reviewer"])
        .patch(f"/api/working-series/{series.pk}/", {"cadence": "weekly"}, format="json")
        .status_code
        == 403
    )


def test_move_cancel_record_and_agenda(users, initiative):
    series = factories.working_series(
        initiative=initiative, user=users["sponsor"], participants=[users["reviewer"]]
    )
    first, second = series.sessions.order_by("starts_at")[:2]
    new_start = (first.starts_at + timedelta(hours=3)).isoformat()
    sponsor = api(users["sponsor"])
    response = sponsor.post(
        f"/api/working-sessions/{first.pk}/move/", {"starts_at": new_start}, format="json"
    )
    assert response.status_code == 200 and response.data["is_moved"] is True
    assert (
        api(users["reviewer"])
        .post(f"/api/working-sessions/{second.pk}/cancel/", {}, format="json")
        .status_code
        == 403
    )
    response = sponsor.post(
        f"/api/working-sessions/{second.pk}/cancel/", {"reason": "Shutdown"}, format="json"
    )
    assert response.data["status"] == SessionStatus.CANCELLED
    again = sponsor.post(f"/api/working-sessions/{second.pk}/cancel/", {}, format="json")
    assert again.status_code == 409

    # Recording before the session started is refused; afterwards a participant records.
    early = api(users["reviewer"]).post(
        f"/api/working-sessions/{first.pk}/record/", {"notes": "x"}, format="json"
    )
    assert early.status_code == 409
    WorkingSession.objects.filter(pk=first.pk).update(starts_at=timezone.now())
    response = api(users["reviewer"]).post(
        f"/api/working-sessions/{first.pk}/record/",
        {"notes": "Went through the inputs.", "attendees": ["sponsor", "reviewer"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.data["status"] == "held"
    assert sorted(response.data["attendees"]) == ["reviewer", "sponsor"]

    DesignInput.objects.create(
        initiative=initiative,
        area="security",
        title="Pen test",
        severity="high",
        raised_by=users["reviewer"],
    )
    agenda = sponsor.get(f"/api/working-sessions/{first.pk}/agenda/").data
    assert [i["title"] for i in agenda["open_inputs"]] == ["Pen test"]


def test_notifications_are_private_and_can_be_marked_read(users):
    Notification.objects.create(user=users["reviewer"], text="One")
    Notification.objects.create(user=users["reviewer"], text="Two")
    Notification.objects.create(user=users["sponsor"], text="Not yours")
    client = api(users["reviewer"])
    listing = client.get("/api/notifications/").data
    assert [n["text"] for n in listing["results"]] == ["Two", "One"]
    first_id = listing["results"][0]["id"]
    other_id = Notification.objects.get(user=users["sponsor"]).pk
    response = client.post(
        "/api/notifications/mark-read/", {"ids": [first_id, other_id]}, format="json"
    )
    assert response.data == {"marked": 1, "unread": 1}
    assert client.get("/api/notifications/?read_at__isnull=true").data["count"] == 1
    assert client.post("/api/notifications/mark-read/", {}, format="json").data["marked"] == 1
    assert Notification.objects.get(pk=other_id).read_at is None
    assert APIClient().get("/api/notifications/").status_code in (401, 403)


def test_risk_status_with_reasons_readiness_and_history(users, initiative):
    factories.working_series(initiative=initiative, user=users["sponsor"])
    ensure_assessments(initiative)
    DesignInput.objects.create(
        initiative=initiative,
        area="security",
        title="Data residency",
        severity="high",
        raised_by=users["reviewer"],
    )
    sweep_risk()
    data = api(users["executive"]).get(f"/api/risk-status/{initiative.pk}/").data
    assert data["level"] == "at_risk"
    assert data["reasons"] == [
        "High-severity design input open: Data residency (Security & data exposure)"
    ]
    assert data["readiness"]["security"] == 0 and data["readiness"]["vendor"] == 20
    assert data["history"][0]["to_level"] == "at_risk"
    listing = api(users["executive"]).get("/api/risk-status/?risk_level=at_risk").data
    assert [row["initiative"] for row in listing["results"]] == [initiative.pk]

    confidential = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
    recompute()
    assert api(users["norole"]).get(f"/api/risk-status/{confidential.pk}/").status_code == 404


def test_mark_read_refuses_ids_that_cannot_exist(users):
    # 2**64 made SQLite raise OverflowError inside the query: a 500 (found by schemathesis).
    Notification.objects.create(user=users["reviewer"], text="One")
    response = api(users["reviewer"]).post(
        "/api/notifications/mark-read/", {"ids": [2**64, 0]}, format="json"
    )
    assert response.status_code == 400 and set(response.data["errors"]["ids"]) == {0, 1}
    assert Notification.objects.get().read_at is None
