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


def test_preferences_page_saves_and_refuses_nonsense(client, users):
    from governance.notifications.models import Preference

    client.force_login(users["sponsor"])
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "A design input is raised" in page
    response = client.post(
        reverse("notifications:preferences"),
        {"input_raised": "digest"} | {k: "immediately" for k in ("commented", "mentioned")},
    )
    # Every kind must be answered: the form says which, nothing is saved.
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Preference.objects.exists()
    from governance.notifications.models import EventKind

    data = {k: "immediately" for k in EventKind.values} | {"input_raised": "in_app"}
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    assert Preference.objects.get(user=users["sponsor"], kind="input_raised").mode == "in_app"
    bad = data | {"input_raised": "carrier pigeon"}
    response = client.post(reverse("notifications:preferences"), bad)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_unsubscribe_link_works_signed_out_and_only_signed(client, users):
    from governance.notifications import services
    from governance.notifications.models import Preference

    token = services.unsubscribe_token(users["sponsor"], "input_raised")
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 200  # confirm first: link scanners change nothing
    assert not Preference.objects.exists()
    assert "no longer get e-mails" in client.post(url).content.decode()
    assert Preference.objects.get(user=users["sponsor"], kind="input_raised").mode == "in_app"
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 403


def test_follow_and_unfollow_only_what_you_see(client, users, world):
    from governance.notifications.models import Follow

    client.force_login(users["sponsor"])
    public = world["own_submitted"]
    page = client.get(public.get_absolute_url()).content.decode()
    assert 'id="follow-button"' in page and "Follow" in page
    client.post(reverse("notifications:follow", args=[public.pk]), {"follow": "1"})
    assert Follow.objects.filter(user=users["sponsor"], initiative=public).exists()
    assert "Unfollow" in client.get(public.get_absolute_url()).content.decode()
    client.post(reverse("notifications:follow", args=[public.pk]), {"follow": "0"})
    assert not Follow.objects.exists()
    hidden = world["confidential"]
    assert client.post(reverse("notifications:follow", args=[hidden.pk])).status_code == 404
    assert not Follow.objects.exists()


def test_list_hides_notifications_of_initiatives_no_longer_visible(client, users, world):
    Notification.objects.create(
        user=users["sponsor"], text="About a secret", initiative=world["confidential"]
    )
    Notification.objects.create(
        user=users["sponsor"], text="About my own", initiative=world["own_submitted"]
    )
    client.force_login(users["sponsor"])
    html = client.get(reverse("notifications:list")).content.decode()
    assert "About my own" in html and "About a secret" not in html
    assert 'id="unread-count">1<' in html
