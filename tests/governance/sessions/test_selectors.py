"""A session's agenda: open inputs, assessments that need information, overdue."""

from datetime import date, timedelta

from governance.sessions.selectors import agenda_for
from reviews.models import DesignInput
from reviews.services.assessments import ensure_assessments


def test_agenda_lists_open_inputs_needs_info_and_overdue(series, users):
    initiative = series.initiative
    ensure_assessments(initiative)
    initiative.assessments.filter(area="ownership").update(status="needs_info")
    common = {"initiative": initiative, "raised_by": users["reviewer"], "area": "security"}
    DesignInput.objects.create(title="Low one", severity="low", **common)
    DesignInput.objects.create(
        title="Late", severity="medium", due_date=date.today() - timedelta(days=2), **common
    )
    DesignInput.objects.create(title="Big one", severity="high", **common)
    DesignInput.objects.create(title="Done", severity="high", status="incorporated", **common)
    agenda = agenda_for(series.sessions.first())
    assert [i.title for i in agenda["open_inputs"]] == ["Big one", "Late", "Low one"]
    assert [a.area for a in agenda["needs_info"]] == ["ownership"]
    assert [i.title for i in agenda["overdue"]] == ["Late"]
