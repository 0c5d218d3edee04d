"""Threads in the browser pages and the API: permission, bad input keeps the text, the people
picker, the session agenda."""

import pytest
from django.urls import reverse

from governance.threads import services
from governance.threads.models import Comment
from tests import factories
from tests.conftest import api

pytestmark = pytest.mark.django_db


def test_comment_on_the_initiative_page(client, users, world):
    initiative = world["own_submitted"]
    client.force_login(users["co_sponsor"])
    response = client.post(
        reverse("threads:add", args=[initiative.pk]),
        {"body": "Hello **team** @sponsor", "next": initiative.get_absolute_url()},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "<strong>team</strong>" in page and 'class="mention">@sponsor' in page
    # Empty text: refused on the form, nothing saved.
    response = client.post(reverse("threads:add", args=[initiative.pk]), {"body": ""})
    assert response.status_code == 400 and Comment.objects.count() == 1
    # Too long: refused, the text is kept in the form.
    long = "x" * 4001
    response = client.post(reverse("threads:add", args=[initiative.pk]), {"body": long})
    assert response.status_code == 400 and long in response.content.decode()


def test_hidden_initiative_threads_and_picker_are_404(client, users, world):
    secret = world["confidential"]
    services.add_comment(initiative=secret, user=users["reviewer"], body="confidential stuff")
    client.force_login(users["sponsor"])
    assert client.post(reverse("threads:add", args=[secret.pk]), {"body": "x"}).status_code == 404
    assert client.get(reverse("threads:people", args=[secret.pk])).status_code == 404
    comment = Comment.objects.get()
    assert client.get(reverse("threads:edit", args=[comment.pk])).status_code == 404
    client.force_login(users["reviewer"])
    people = client.get(reverse("threads:people", args=[secret.pk]), {"q": "spons"}).json()
    assert "sponsor" not in [p["username"] for p in people["people"]]


def test_edit_page_marks_the_comment_edited(client, users, world):
    comment = services.add_comment(
        initiative=world["own_submitted"], user=users["sponsor"], body="Typo"
    )
    client.force_login(users["sponsor"])
    assert (
        client.post(reverse("threads:edit", args=[comment.pk]), {"body": "Fixed"}).status_code
        == 302
    )
    page = client.get(world["own_submitted"].get_absolute_url()).content.decode()
    assert "Fixed" in page and 'class="comment-edited"' in page
    client.force_login(users["co_sponsor"])
    assert client.get(reverse("threads:edit", args=[comment.pk])).status_code == 404


def test_api_comments(users, world):
    own, secret = world["own_submitted"], world["confidential"]
    client = api(users["sponsor"])
    created = client.post("/api/comments/", {"initiative": own.pk, "body": "Hi @co_sponsor"})
    assert created.status_code == 201 and created.data["mentions"] == ["co_sponsor"]
    assert client.post("/api/comments/", {"initiative": secret.pk, "body": "x"}).status_code == 400
    services.add_comment(initiative=secret, user=users["reviewer"], body="hidden")
    listing = client.get("/api/comments/").data
    assert [c["body"] for c in listing["results"]] == ["Hi @co_sponsor"]
    url = f"/api/comments/{created.data['id']}/"
    assert client.patch(url, {"body": "Hi"}, format="json").status_code == 428
    edited = client.patch(url, {"body": "Hi"}, format="json", HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200 and edited.data["edited_at"]
    assert client.patch(url, {"body": "Hi!"}, format="json", HTTP_IF_MATCH='"1"').status_code == 412
    people = client.get("/api/comments/people/", {"initiative": own.pk, "q": "co_"}).data
    assert [p["username"] for p in people] == ["co_sponsor"]
    hidden = client.get("/api/comments/people/", {"initiative": secret.pk})
    assert hidden.status_code == 400
    assert hidden.json()["errors"]["initiative"] == ["No such initiative."]
    assert client.get("/api/comments/people/").status_code == 400


def test_session_agenda_lists_threads_since_the_last_session(client, users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    item = factories.design_input(initiative=initiative, raised_by=users["reviewer"], title="TLS")
    series = factories.working_series(
        initiative=initiative, user=users["sponsor"], participants=[users["reviewer"]]
    )
    services.add_comment(
        initiative=initiative, user=users["sponsor"], body="Which cipher?", design_input=item
    )
    session = series.sessions.order_by("starts_at").first()
    client.force_login(users["reviewer"])
    page = client.get(reverse("sessions:session", args=[session.pk])).content.decode()
    assert "Design input “TLS”" in page
    agenda = api(users["reviewer"]).get(f"/api/working-sessions/{session.pk}/agenda/").data
    assert agenda["threads"][0]["design_input_title"] == "TLS"
