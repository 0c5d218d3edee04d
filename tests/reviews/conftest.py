import pytest

from tests import factories


@pytest.fixture
def reviewed(users):
    """An initiative in review with `reviewer` assigned for all areas."""
    return factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )


def events(initiative, action=None):
    from audit.models import AuditEvent

    qs = AuditEvent.objects.filter(initiative=initiative)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("id"))
