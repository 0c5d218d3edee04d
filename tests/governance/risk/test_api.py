"""`/api/risk-status/`: level, reasons, readiness and history, per visibility."""

from governance.risk.services import recompute
from governance.risk.tasks import sweep_risk
from reviews.models import ConcernAssessment, DesignInput
from reviews.services.assessments import ensure_assessments
from tests import factories
from tests.conftest import api


def test_risk_status_with_reasons_readiness_and_history(users, initiative):
    factories.working_series(initiative=initiative, user=users["sponsor"])
    ensure_assessments(initiative)
    ConcernAssessment.objects.filter(initiative=initiative).exclude(area="vendor").update(
        status="in_progress"
    )
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
        "High-severity design input open: Data residency (Security & data exposure)",
        "Not assessed yet: Vendor lock-in & survivability",
    ]
    assert data["readiness"]["security"] == 25 and data["readiness"]["vendor"] == 20
    assert data["history"][0]["to_level"] == "at_risk"
    listing = api(users["executive"]).get("/api/risk-status/?risk_level=at_risk").data
    assert [row["initiative"] for row in listing["results"]] == [initiative.pk]

    confidential = factories.in_review_initiative(sponsor=users["sponsor"], confidential=True)
    recompute()
    assert api(users["norole"]).get(f"/api/risk-status/{confidential.pk}/").status_code == 404


def test_risk_status_says_when_time_alone_changes_it_next(users, initiative):
    from datetime import UTC, datetime, time, timedelta

    from django.utils import timezone

    factories.working_series(initiative=initiative, user=users["sponsor"])
    ensure_assessments(initiative)
    ConcernAssessment.objects.filter(initiative=initiative).update(status="satisfied")
    due = timezone.now().date() + timedelta(days=2)
    DesignInput.objects.create(
        initiative=initiative,
        area="security",
        title="Data residency",
        severity="high",
        raised_by=users["reviewer"],
        due_date=due,
    )
    sweep_risk()
    data = api(users["executive"]).get(f"/api/risk-status/{initiative.pk}/").data
    midnight_after_due = datetime.combine(due + timedelta(days=1), time.min, tzinfo=UTC)
    assert datetime.fromisoformat(data["recheck_at"]) == midnight_after_due
    DesignInput.objects.filter(initiative=initiative).update(due_date=None)
    sweep_risk(full=True)
    data = api(users["executive"]).get(f"/api/risk-status/{initiative.pk}/").data
    # The series' first two weeks are the only clock left.
    assert datetime.fromisoformat(data["recheck_at"]) > midnight_after_due
    DesignInput.objects.filter(initiative=initiative).delete()
    initiative.working_series.delete()
    initiative.status = "draft"
    initiative.save()
    sweep_risk(full=True)
    assert (
        api(users["executive"]).get(f"/api/risk-status/{initiative.pk}/").data["recheck_at"] is None
    )
