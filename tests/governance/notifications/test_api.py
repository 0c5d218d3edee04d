"""`/api/notifications/`: private to their user, marked read in bulk."""

from rest_framework.test import APIClient

from governance.notifications.models import Notification
from tests.conftest import api


def test_notifications_are_private_and_can_be_marked_read(users):
    Notification.objects.create(user=users["reviewer"], text="One")
    Notification.objects.create(user=users["reviewer"], text="Two")
    Notification.objects.create(user=users["sponsor"], text="Not yours")
    client = api(users["reviewer"])
    listing = client.get("/api/notifications/").data
    assert [n["text"] for n in listing["results"]] == ["Two", "One"]
    first_id = listing["results"][0]["id"]
    other_id = Notification.objects.get(user=users["sponsor"]).pk
    response = client.post(
        "/api/notifications/mark-read/", {"ids": [first_id, other_id]}, format="json"
    )
    assert response.data == {"marked": 1, "unread": 1}
    assert client.get("/api/notifications/?read_at__isnull=true").data["count"] == 1
    assert client.post("/api/notifications/mark-read/", {}, format="json").data["marked"] == 1
    assert Notification.objects.get(pk=other_id).read_at is None
    assert APIClient().get("/api/notifications/").status_code in (401, 403)


def test_mark_read_refuses_ids_that_cannot_exist(users):
    # 2**64 made SQLite raise OverflowError inside the query: a 500 (found by schemathesis).
    Notification.objects.create(user=users["reviewer"], text="One")
    response = api(users["reviewer"]).post(
        "/api/notifications/mark-read/", {"ids": [2**64, 0]}, format="json"
    )
    assert response.status_code == 400 and set(response.data["errors"]["ids"]) == {0, 1}
    assert Notification.objects.get().read_at is None


def test_preferences_over_the_api(users):
    client = api(users["sponsor"])
    listing = client.get("/api/notifications/preferences/").data
    assert {p["kind"]: p["mode"] for p in listing}["input_raised"] == "immediately"
    response = client.post(
        "/api/notifications/preferences/", {"modes": {"input_raised": "digest"}}, format="json"
    )
    assert {p["kind"]: p["mode"] for p in response.data}["input_raised"] == "digest"
    bad = client.post(
        "/api/notifications/preferences/", {"modes": {"nonsense": "digest"}}, format="json"
    )
    assert bad.status_code == 400 and "modes" in bad.data["errors"]
    bad = client.post(
        "/api/notifications/preferences/", {"modes": {"input_raised": "never"}}, format="json"
    )
    assert bad.status_code == 400
    assert APIClient().get("/api/notifications/preferences/").status_code in (401, 403)


def test_follow_over_the_api_hides_what_you_cannot_see(users, world):
    from governance.notifications.models import Follow

    client = api(users["sponsor"])
    ok = client.post(
        "/api/notifications/follow/", {"initiative": world["own_submitted"].pk}, format="json"
    )
    assert ok.status_code == 200 and ok.data["follow"] is True
    hidden = client.post(
        "/api/notifications/follow/", {"initiative": world["confidential"].pk}, format="json"
    )
    assert hidden.status_code == 400
    assert hidden.json()["errors"]["initiative"] == ["No such initiative."]
    assert list(Follow.objects.values_list("initiative_id", flat=True)) == [
        world["own_submitted"].pk
    ]


def test_api_list_hides_notifications_of_hidden_initiatives(users, world):
    Notification.objects.create(
        user=users["sponsor"], text="Secret", initiative=world["confidential"]
    )
    assert api(users["sponsor"]).get("/api/notifications/").data["count"] == 0
