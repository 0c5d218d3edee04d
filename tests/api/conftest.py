"""Fixtures of the API tests: clients per role (session or token) and the permission world."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from initiatives import services
from tests import factories


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(users):
    """api_as("sponsor") → an APIClient authenticated with that user's token."""

    def make(actor: str) -> APIClient:
        client = APIClient()
        if actor != "anonymous":
            token, _ = Token.objects.get_or_create(user=users[actor])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def world(users):
    """The initiatives of tests/initiatives/test_permissions.py, built the same way."""
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
    world = {
        "own_draft": own_draft,
        "own_submitted": own_submitted,
        "confidential": confidential,
        "other_draft": other_draft,
    }
    for initiative in world.values():
        initiative.refresh_from_db()
    return world
