"""The demo shows the hand-off: a Jira ticket linked on one initiative, a failed one on another."""

import pytest

from governance.handoff.models import BuildTicket, HandoffTarget

pytestmark = pytest.mark.django_db


def test_demo_has_targets_and_tickets():
    import governance.demo
    import initiatives.demo
    import reviews.demo

    context: dict = {}
    for part in (initiatives.demo, reviews.demo, governance.demo):
        part.load(context)
    assert set(HandoffTarget.objects.values_list("system", "enabled")) == {
        ("jira", False),
        ("servicenow", False),
    }
    sched = BuildTicket.objects.get(initiative=context["initiatives"]["sched"])
    assert sched.url.endswith("/browse/PLANTAI-42")
    paint = BuildTicket.objects.get(initiative=context["initiatives"]["paint"])
    assert (paint.status, paint.status_code) == ("failed", 401)
