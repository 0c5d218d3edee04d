"""Hand-off notifications: the audit event of a service reaches the next person, once, never
the actor, never someone who may not see the initiative, by their chosen channel."""

import pytest
from django.core import mail

from governance.notifications import events, services
from governance.notifications.models import Delivery, EventKind, Follow, Mode, Notification
from initiatives import services as initiative_services
from outbox.models import Message
from reviews import services as review_services
from tests import factories

pytestmark = pytest.mark.django_db


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


@pytest.fixture
def in_review(users):
    return factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )


def test_assigned_reviewer_hears_at_once_by_mail_and_bell(users, deliver_events):
    initiative = factories.submitted_initiative(sponsor=users["sponsor"])
    deliver_events()
    mail.outbox.clear()
    review_services.assign_reviewer(
        initiative=initiative, reviewer=users["reviewer"], user=users["it_lead"]
    )
    assert Message.objects.filter(task=events.TASK).count() == 1
    deliver_events()
    assert any("You review" in t for t in texts(users["reviewer"]))
    assert [m.to for m in mail.outbox] == [[users["reviewer"].email]]
    assert "Stop these e-mails" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not any("You review" in t for t in texts(users["it_lead"]))  # never the actor


def test_submission_reaches_it_leads_in_app(users, deliver_events):
    factories.submitted_initiative(sponsor=users["sponsor"])
    deliver_events()
    assert any("New for IT" in t for t in texts(users["it_lead"]))
    assert not Delivery.objects.filter(kind="event", user=users["it_lead"], channel="email")


def test_unassigned_reviewer_is_told(users, in_review, deliver_events):
    assignment = in_review.review_assignments.get()
    review_services.unassign_reviewer(assignment=assignment, user=users["it_lead"])
    deliver_events()
    assert any("no longer review" in t for t in texts(users["reviewer"]))


def test_design_input_loop_tells_each_next_person_once(users, in_review, deliver_events):
    deliver_events()
    Notification.objects.all().delete()
    mail.outbox.clear()
    item = factories.design_input(
        initiative=in_review, raised_by=users["reviewer"], severity="high", title="Encrypt"
    )
    deliver_events()
    name = users["reviewer"].get_full_name()
    assert texts(users["sponsor"]) == [f"{name} raised “Encrypt” (high) on {in_review.reference}"]
    assert not texts(users["reviewer"])
    review_services.transition_design_input(
        design_input=item, user=users["sponsor"], action="incorporate", text="TLS everywhere"
    )
    deliver_events()
    assert any("marked incorporated" in t for t in texts(users["reviewer"]))
    item.refresh_from_db()
    review_services.transition_design_input(
        design_input=item, user=users["reviewer"], action="confirm"
    )
    deliver_events()
    assert sum("confirmed" in t for t in texts(users["sponsor"])) == 1
    # Every message once per person and channel, however often the tasks run again.
    before = Notification.objects.count(), len(mail.outbox)
    for event_id in Delivery.objects.filter(kind="event").values_list("key", flat=True):
        services.notify_event(int(event_id.split(":")[0]))
    assert (Notification.objects.count(), len(mail.outbox)) == before


def test_needs_info_reaches_the_sponsor_side(users, in_review, deliver_events):
    assessment = in_review.assessments.get(area="security")
    review_services.update_assessment(
        assessment=assessment, user=users["reviewer"], status="needs_info"
    )
    deliver_events()
    assert any("needs information" in t for t in texts(users["sponsor"]))


def test_named_decision_owner_and_accountable_are_told(users, deliver_events):
    initiative = factories.draft_initiative(sponsor=users["sponsor"])
    initiative_services.update_initiative(
        initiative=initiative,
        user=users["sponsor"],
        fields={"decision_owner": users["co_sponsor"], "accountable_person": users["co_sponsor"]},
        expected_version=None,
    )
    # Naming someone lets them see the initiative (issue 15): they are told at once.
    initiative_services.update_initiative(
        initiative=initiative,
        user=users["sponsor"],
        fields={"decision_owner": users["co_sponsor"], "accountable_person": users["sponsor"]},
        expected_version=None,
    )
    initiative_services.update_initiative(
        initiative=initiative,
        user=users["sponsor"],
        fields={"accountable_person": users["co_sponsor"]},
        expected_version=None,
    )
    deliver_events()
    ref = f"{initiative.reference} “{initiative.title}”"
    assert sorted(texts(users["co_sponsor"])) == [
        f"You are named accountable of {ref}",
        f"You are named decision owner and accountable of {ref}",
    ]


def test_hidden_initiative_notifies_nobody_who_cannot_see_it(users, deliver_events):
    confidential = factories.submitted_initiative(sponsor=users["other_sponsor"], confidential=True)
    Follow.objects.create(user=users["sponsor"], initiative=confidential)  # stale follow
    review_services.assign_reviewer(
        initiative=confidential, reviewer=users["reviewer"], user=users["it_lead"]
    )
    factories.design_input(initiative=confidential, raised_by=users["reviewer"])
    deliver_events()
    assert not texts(users["sponsor"])
    assert texts(users["other_sponsor"])


def test_followers_hear_of_the_initiative(users, in_review, deliver_events):
    services.set_following(user=users["other_sponsor"], initiative=in_review, follow=True)
    factories.design_input(initiative=in_review, raised_by=users["reviewer"], title="Backups")
    deliver_events()
    assert any("Backups" in t for t in texts(users["other_sponsor"]))


def test_in_app_only_and_digest_preferences(users, in_review, deliver_events):
    deliver_events()
    mail.outbox.clear()
    services.set_preferences(user=users["sponsor"], modes={EventKind.INPUT_RAISED: Mode.DIGEST})
    factories.design_input(initiative=in_review, raised_by=users["reviewer"], title="Logs")
    deliver_events()
    assert any("Logs" in t for t in texts(users["sponsor"]))
    assert not mail.outbox
    assert services.send_daily_digests() == 1
    assert services.send_daily_digests() == 0  # once a day
    assert "Logs" in mail.outbox[0].body


def test_a_rolled_back_change_notifies_nobody(users, in_review):
    from django.db import transaction

    Message.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.design_input(initiative=in_review, raised_by=users["reviewer"])
        raise RuntimeError
    assert not Message.objects.filter(task=events.TASK).exists()


def test_other_channels_receive_every_event_as_a_dict(users, in_review, deliver_events):
    received = []
    events.subscribe(received.append)
    try:
        factories.design_input(initiative=in_review, raised_by=users["reviewer"], title="X")
        deliver_events()
    finally:
        events._subscribers.remove(received.append)
    raised = [r for r in received if r["kind"] == "input_raised"]
    assert raised and raised[0]["recipient_ids"] == [users["sponsor"].pk]
    assert set(raised[0]) == {
        "kind",
        "key",
        "event_id",
        "initiative_id",
        "actor_id",
        "recipient_ids",
        "title",
        "text",
        "link",
        "occurred_at",
    }


def test_named_person_is_asked_to_acknowledge_and_a_decline_reaches_the_sponsor(
    users, deliver_events
):
    from governance.work.selectors import work_of

    draft = factories.draft_initiative(sponsor=users["sponsor"])
    initiative_services.grant_membership(draft, users["co_sponsor"], can_change=False)
    initiative_services.update_initiative(
        initiative=draft,
        user=users["sponsor"],
        fields={"accountable_person": users["co_sponsor"]},
        expected_version=None,
    )
    deliver_events()
    named = [t for t in texts(users["co_sponsor"]) if "named accountable" in t]
    assert len(named) == 1
    assert Notification.objects.get(text=named[0]).link.endswith("#yours-to-do")
    items = [i for i in work_of(users["co_sponsor"]) if i.kind == "acknowledge_role"]
    assert [i.initiative_id for i in items] == [draft.pk]
    initiative_services.decline_role(
        initiative=draft, role="accountable", user=users["co_sponsor"], reason="Not my plant"
    )
    deliver_events()
    assert any("declines to be accountable" in t for t in texts(users["sponsor"]))
    assert not [i for i in work_of(users["co_sponsor"]) if i.kind == "acknowledge_role"]
