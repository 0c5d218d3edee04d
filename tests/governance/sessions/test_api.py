"""`/api/working-series/` and `/api/working-sessions/` per role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from governance.sessions.models import SessionStatus, WorkingSession
from reviews.models import DesignInput
from tests import factories
from tests.conftest import api

SERIES = {
    "cadence": "biweekly",
    "weekday": 3,
    "start_time": "14:00",
    "time_zone": "Europe/Berlin",
    "duration_minutes": 60,
    "location": "https://teams.example.com/l/abc",
    "participants": ["reviewer"],
}


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
