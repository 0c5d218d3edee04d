"""Permission matrix: each role × each initiative page, allowed or denied.

404 hides an initiative the user may not see (no leak that it exists); 403 refuses an action
on one the user may see; 302 sends anonymous visitors to the login page.
"""

import pytest

from initiatives import selectors, services
from tests import factories

ACTORS = (
    "sponsor",
    "co_sponsor",
    "other_sponsor",
    "reviewer",
    "other_reviewer",
    "it_lead",
    "executive",
    "admin",
    "norole",
    "anonymous",
)

# Detail page: expected status for each initiative, in ACTORS order.
DETAIL = {
    "own_draft": (200, 200, 404, 404, 404, 200, 200, 200, 404, 302),
    "own_submitted": (200, 200, 200, 200, 200, 200, 200, 200, 200, 302),
    "confidential": (404, 404, 200, 200, 404, 200, 200, 200, 404, 302),
    "other_draft": (404, 404, 200, 404, 404, 200, 200, 200, 404, 302),
}
# Edit page (step 1).
EDIT = {
    "own_draft": (200, 200, 404, 404, 404, 403, 403, 403, 404, 302),
    "own_submitted": (403, 403, 403, 403, 403, 403, 403, 403, 403, 302),
    "confidential": (404, 404, 403, 403, 404, 403, 403, 403, 404, 302),
}


@pytest.fixture
def world(users):
    own_draft = factories.complete_initiative(sponsor=users["sponsor"], title="Own draft")
    services.update_initiative(
        initiative=own_draft,
        user=users["sponsor"],
        fields={"co_sponsors": [users["co_sponsor"]]},
        expected_version=None,
    )
    own_submitted = factories.submitted_initiative(sponsor=users["sponsor"], title="Own public")
    own_submitted.co_sponsors.add(users["co_sponsor"])
    services.grant_membership(own_submitted, users["co_sponsor"], can_change=True)
    confidential = factories.submitted_initiative(
        sponsor=users["other_sponsor"], title="Secret supplier risk", confidential=True
    )
    services.grant_membership(confidential, users["reviewer"], can_review=True)
    other_draft = factories.draft_initiative(sponsor=users["other_sponsor"], title="Other draft")
    return {
        "own_draft": own_draft,
        "own_submitted": own_submitted,
        "confidential": confidential,
        "other_draft": other_draft,
    }


def _client_for(client, users, actor):
    if actor != "anonymous":
        client.force_login(users[actor])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(DETAIL))
def test_detail_page(client, users, world, key, actor_index, actor):
    response = _client_for(client, users, actor).get(f"/initiatives/{world[key].pk}/")
    assert response.status_code == DETAIL[key][actor_index]
    if response.status_code == 404:
        assert world[key].title not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(EDIT))
def test_edit_page(client, users, world, key, actor_index, actor):
    response = _client_for(client, users, actor).get(f"/initiatives/{world[key].pk}/edit/1/")
    assert response.status_code == EDIT[key][actor_index]


@pytest.mark.django_db
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
def test_submit_is_only_for_the_sponsor_side(client, users, world, actor_index, actor):
    initiative = world["own_draft"]
    response = _client_for(client, users, actor).post(f"/initiatives/{initiative.pk}/submit/")
    initiative.refresh_from_db()
    if actor in ("sponsor", "co_sponsor"):
        assert response.status_code == 302 and initiative.status == "submitted"
    else:
        # Hidden from them: 404; visible but not theirs: 403; anonymous: to the login page.
        seen = DETAIL["own_draft"][actor_index]
        assert response.status_code == (403 if seen == 200 else seen)
        assert initiative.status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_portfolio_list_matches_detail_visibility(users, world, actor):
    visible = set(selectors.visible_initiatives(users[actor]).values_list("title", flat=True))
    index = ACTORS.index(actor)
    expected = {world[k].title for k, row in DETAIL.items() if row[index] == 200}
    assert visible == expected


@pytest.mark.django_db
def test_confidential_title_never_appears_in_the_list_of_an_outsider(client, users, world):
    client.force_login(users["sponsor"])
    body = client.get("/initiatives/?q=Secret").content.decode()
    assert "Secret supplier risk" not in body
