"""The governance demo shows issue 14 — a conversation with mentions, a follower, delivered
hand-off notifications and everybody's *My work* — and the anti-patterns caught as they
happen: a vendor selected before IT assessed it, an escalation after the partnership route was
offered, and a concern raised for the next working session instead."""

import pytest

from governance import demo
from governance.dashboard.selectors.figures import partnership_health
from governance.decisions.models import Decision
from governance.notifications.models import Follow, Notification
from governance.threads.models import Comment
from governance.work.selectors import work_of
from initiatives.models import Initiative
from outbox.models import Message

pytestmark = pytest.mark.django_db


def test_demo_shows_conversations_notifications_and_my_work():
    from initiatives import demo as initiatives_demo
    from reviews import demo as reviews_demo

    context: dict = {}
    initiatives_demo.load(context)
    reviews_demo.load(context)
    demo.load(context)
    users = context["users"]
    assert Comment.objects.filter(mentions=users["ravi"]).exists()
    assert Follow.objects.filter(user=users["helen"]).exists()
    assert Notification.objects.filter(user=users["ravi"], kind="mentioned").exists()
    assert Notification.objects.filter(user=users["sofia"], kind="input_raised").exists()
    assert not Message.objects.filter(task__startswith="governance.notifications").exists()
    assert work_of(users["sofia"]) and work_of(users["ravi"])
    demo.load_conversations(context)  # twice changes nothing
    assert Comment.objects.count() == 3


def test_demo_shows_vendor_before_it_and_the_partnership_route():
    import governance.demo
    import initiatives.demo
    import reviews.demo

    context: dict = {}
    for part in (initiatives.demo, reviews.demo, governance.demo):
        part.load(context)
    ppe, dfc = context["initiatives"]["ppe"], context["initiatives"]["dfc"]

    early = Decision.objects.get(before_it_assessment=True)
    assert early.initiative == ppe and early.unscored_rationale
    escalation = Decision.objects.get(initiative=dfc, kind="escalation")
    assert (escalation.partnership_offered, escalation.discussed_in_session) == (True, "yes")
    health = partnership_health(Initiative.objects.all())
    assert (health.vendor_before_it, health.route_taken, health.escalated_after_offer) == (1, 1, 1)


def test_demo_shows_a_finished_portfolio_export(settings, tmp_path):
    """The executive finds a background export ready to download: every initiative she sees,
    one row each, the same bytes the dashboard would stream; loading again adds none."""
    from governance.dashboard import demo as dashboard_demo
    from governance.dashboard.models import ExportStatus, PortfolioExport, export_storage
    from initiatives import demo as initiatives_demo
    from reviews import demo as reviews_demo

    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "exports"), "base_url": None},
        },
    }
    context: dict = {}
    initiatives_demo.load(context)
    reviews_demo.load(context)
    demo.load(context)
    helen = context["users"]["helen"]
    export = PortfolioExport.objects.get(owner=helen)
    assert export.status == ExportStatus.DONE and export.sort == "-readiness"
    assert export.rows_done == export.rows_total == Initiative.objects.count()
    lines = export_storage().open(export.file.name).read().decode().splitlines()
    assert len(lines) == 1 + export.rows_total  # the header and one row per initiative
    dashboard_demo.load(context)
    assert PortfolioExport.objects.filter(owner=helen).count() == 1
