"""The notification list and marking a notification read."""

from django.urls import reverse

from governance.notifications.models import Notification
from governance.sessions.tasks import send_session_reminder
from tests.governance.conftest import soon


def test_notification_list_bell_and_mark_read(client, series, users, django_assert_max_num_queries):
    send_session_reminder(soon(series).pk)
    Notification.objects.create(user=users["other_sponsor"], text="Not yours")
    client.force_login(users["reviewer"])
    page = client.get(reverse("notifications:list"))
    html = page.content.decode()
    assert "Working session for" in html and "Not yours" not in html
    assert 'id="unread-count">1<' in html

    note = Notification.objects.get(user=users["reviewer"])
    response = client.post(reverse("notifications:read"), {"id": note.pk, "next": note.link})
    assert response.status_code == 302 and response["Location"] == note.link
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="unread-count"' not in client.get(reverse("notifications:list")).content.decode()
    # Someone else cannot mark it (or anything of another user).
    other = Notification.objects.get(user=users["other_sponsor"])
    client.post(reverse("notifications:read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_an_id_that_cannot_exist_marks_nothing(client, users):
    note = Notification.objects.create(user=users["reviewer"], text="One")
    client.force_login(users["reviewer"])
    for raw in ("99999999999999999999", "²"):  # were a 500 (OverflowError, ValueError)
        response = client.post(reverse("notifications:read"), {"id": raw})
        assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is None
