"""Comments: audit events, @mentions only of people who see the initiative, the edit window,
sanitised Markdown, and who is told."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import FieldRuleError, StaleEdit
from governance.notifications.models import Notification
from governance.threads import selectors, services
from governance.threads.models import Comment
from governance.threads.rendering import render
from tests import factories

pytestmark = pytest.mark.django_db


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_comment_is_audited_and_mentions_only_people_who_see_it(users, world, deliver_events):
    deliver_events()
    Notification.objects.all().delete()
    secret = world["confidential"]  # the reviewer is a member; the sponsor is not
    comment = services.add_comment(
        initiative=secret,
        user=users["other_sponsor"],
        body="@reviewer please check, and @sponsor too",
    )
    assert [u.username for u in comment.mentions.all()] == ["reviewer"]
    event = AuditEvent.objects.get(action="comment.added")
    assert event.changes["mentions"] == ["reviewer"] and event.initiative_id == secret.pk
    deliver_events()
    assert any("mentioned you" in t for t in texts(users["reviewer"]))
    assert not texts(users["sponsor"])
    assert not texts(users["other_sponsor"])  # never the author


def test_people_who_cannot_see_cannot_comment_or_read_or_pick(users, world):
    secret = world["confidential"]
    with pytest.raises(PermissionDenied):
        services.add_comment(initiative=secret, user=users["sponsor"], body="hi")
    services.add_comment(initiative=secret, user=users["reviewer"], body="secret")
    assert not selectors.thread(users["sponsor"], secret).exists()
    assert not selectors.comments_visible_to(users["sponsor"]).exists()
    assert selectors.people_for_mention(users["sponsor"], secret, "") == []
    picked = {u.username for u in selectors.people_for_mention(users["reviewer"], secret, "")}
    assert "sponsor" not in picked and {"reviewer", "other_sponsor", "it_lead"} <= picked
    public = {
        u.username
        for u in selectors.people_for_mention(users["sponsor"], world["own_submitted"], "spons")
    }
    assert {"sponsor", "other_sponsor", "co_sponsor"} <= public


def test_design_input_thread_tells_its_people_and_a_mention_once(users, deliver_events):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    item = factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    deliver_events()
    Notification.objects.all().delete()
    services.add_comment(
        initiative=initiative, user=users["sponsor"], body="Why? @reviewer", design_input=item
    )
    deliver_events()
    assert len(texts(users["reviewer"])) == 1 and "mentioned you" in texts(users["reviewer"])[0]
    services.add_comment(
        initiative=initiative, user=users["reviewer"], body="Because.", design_input=item
    )
    deliver_events()
    assert any("commented on design input" in t for t in texts(users["sponsor"]))


def test_edit_window_and_visible_edit(users, world):
    comment = services.add_comment(
        initiative=world["own_submitted"], user=users["sponsor"], body="Frist"
    )
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment=comment, user=users["co_sponsor"], body="x")
    with pytest.raises(StaleEdit):
        services.edit_comment(comment=comment, user=users["sponsor"], body="x", expected_version=9)
    edited = services.edit_comment(comment=comment, user=users["sponsor"], body="First")
    assert edited.edited_at is not None and edited.body == "First" and edited.version == 2
    assert AuditEvent.objects.get(action="comment.edited").changes["body"] == ["Frist", "First"]
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - services.EDIT_WINDOW - timedelta(seconds=1)
    )
    with pytest.raises(FieldRuleError):
        services.edit_comment(comment=comment, user=users["sponsor"], body="Later")
    with pytest.raises(FieldRuleError):
        services.add_comment(initiative=world["own_submitted"], user=users["sponsor"], body="  ")


def test_markdown_is_rendered_and_sanitised():
    html = str(render("**bold** <script>alert(1)</script> [x](javascript:alert(1)) @ann", {"ann"}))
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert '<span class="mention">@ann</span>' in html
