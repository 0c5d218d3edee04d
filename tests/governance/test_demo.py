"""The governance demo shows issue 14: a conversation with mentions, a follower, delivered
hand-off notifications and everybody's *My work*."""

import pytest

from governance import demo
from governance.notifications.models import Follow, Notification
from governance.threads.models import Comment
from governance.work.selectors import work_of
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
