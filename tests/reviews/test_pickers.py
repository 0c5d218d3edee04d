"""The IT side's people pickers: assigning reviewers and component owners by name, accepting
risk on a design input, with names (never usernames) in what the pages say."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from reviews.models import ReviewAssignment
from tests import factories


@pytest.fixture
def initiative(users):
    for key, first, last in [
        ("reviewer", "Ravi", "Kumar"),
        ("sponsor", "Sam", "Sponsor"),
        ("it_lead", "Lena", "Lead"),
    ]:
        users[key].first_name, users[key].last_name = first, last
        users[key].save(update_fields=["first_name", "last_name"])
    return factories.submitted_initiative(sponsor=users["sponsor"])


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
class TestAssignReviewer:
    def test_page_offers_it_people_by_name(self, client, users, initiative):
        client.force_login(users["it_lead"])
        page = client.get(initiative.get_absolute_url()).content.decode()
        assert 'id="assign-reviewer"' in page
        assert '<option value="reviewer">Ravi Kumar</option>' in page
        assert '<option value="sponsor">' not in page
        assert f"/api/people/?role=it&amp;initiative={initiative.pk}" in page
        assert 'list="it-people"' not in page

    def test_flash_names_the_reviewer_never_the_username(self, client, users, initiative):
        client.force_login(users["it_lead"])
        url = reverse("reviews:assign", args=[initiative.pk])
        response = client.post(url, {"reviewer": "reviewer", "concern_area": ""})
        assert flashes(response) == ["Ravi Kumar assigned."]
        assert ReviewAssignment.objects.filter(initiative=initiative).count() == 1

    def test_someone_outside_it_is_refused_and_nothing_saved(self, client, users, initiative):
        client.force_login(users["it_lead"])
        url = reverse("reviews:assign", args=[initiative.pk])
        response = client.post(url, {"reviewer": "sponsor", "concern_area": ""})
        assert flashes(response) == [
            "Sam Sponsor is not an IT reviewer or IT lead; only IT people can be chosen here."
        ]
        assert not ReviewAssignment.objects.exists()

    def test_only_it_leads_assign(self, client, users, initiative):
        client.force_login(users["sponsor"])
        url = reverse("reviews:assign", args=[initiative.pk])
        assert client.post(url, {"reviewer": "reviewer"}).status_code == 403
        assert not ReviewAssignment.objects.exists()


@pytest.mark.django_db
def test_risk_acceptance_offers_and_checks_risk_authorities(client, users, initiative):
    item = factories.design_input(initiative=initiative, raised_by=users["it_lead"])
    client.force_login(users["it_lead"])
    url = reverse("reviews:design_input", args=[item.pk])
    page = client.get(url).content.decode()
    assert 'name="accepted_by"' in page
    assert '<option value="it_lead">Lena Lead</option>' in page
    assert '<option value="reviewer">' not in page
    assert f"/api/people/?role=risk&amp;initiative={initiative.pk}" in page
    status = item.status
    response = client.post(
        url,
        {
            "action": "accept_risk",
            "text": "Latency allows it",
            "accepted_by": "reviewer",
            "version": item.version,
        },
    )
    assert response.status_code == 200
    assert "Ravi Kumar may not accept risk for this initiative" in response.content.decode()
    item.refresh_from_db()
    assert item.status == status
