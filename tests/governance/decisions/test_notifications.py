"""Decisions and change requests reach the person they name, and the people who decide."""

import pytest

from governance.decisions.services import decide_change, record_decision, request_change
from governance.notifications.models import Notification
from reviews import services as review_services

pytestmark = pytest.mark.django_db


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_decision_naming_someone_tells_them(users, initiative, deliver_events):
    record_decision(
        initiative=initiative,
        user=users["it_lead"],
        kind="risk_acceptance",
        summary="Accept residual drift risk",
        rationale="Monitored monthly",
        accountable=users["sponsor"],
    )
    deliver_events()
    assert any("names you accountable" in t for t in texts(users["sponsor"]))
    assert not any("names you" in t for t in texts(users["it_lead"]))


def test_change_request_goes_to_reviewers_and_its_decision_back(users, initiative, deliver_events):
    review_services.assign_reviewer(
        initiative=initiative, reviewer=users["reviewer"], user=users["it_lead"]
    )
    change = request_change(
        initiative=initiative,
        user=users["sponsor"],
        kind="new_model_version",
        description="Model v2",
    )
    deliver_events()
    assert any("Change request" in t for t in texts(users["reviewer"]))
    decide_change(change=change, user=users["reviewer"], to_status="approved")
    deliver_events()
    assert any("is approved" in t for t in texts(users["sponsor"]))
