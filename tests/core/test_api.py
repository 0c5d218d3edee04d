"""Every API update of a versioned object is version-checked (core.api.require_version):
without a version it is refused with 428, with a stale one 412, and either way nothing is
overwritten; the schema documents both. One row per PUT/PATCH the schema marks versioned."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.api import PreconditionRequired
from governance.compliance.api import ReferenceSerializer
from governance.compliance.models import FrameworkReference
from governance.threads.models import Comment
from initiatives import services as initiative_services
from initiatives.api import InitiativeSerializer
from initiatives.models import Initiative, Status
from landscape.models import EnterpriseSystem
from reviews import services as review_services
from reviews.models import ComponentOwnership, ConcernAssessment, DesignInput
from tests.core.conftest import (
    SAVED_IN_BETWEEN,
    edit_comment,
    edit_design_input,
    edit_reference,
    edit_system,
    state_of,
)

pytestmark = pytest.mark.django_db

CHANGED = "Changed over the API"


@dataclass
class Update:
    """A versioned update: who sends it where, what someone else saves in between, and the
    state (version, value) that must not change when the update is refused."""

    method: str
    path: str  # the schema's path
    actor: str
    url: Callable[[dict], str]
    body: Callable[[dict], dict]
    save_in_between: Callable[[dict, dict], None]
    state: Callable[[dict], tuple]


def _complete(serializer_class, field: str):
    """The body of a PUT: everything writable that GET answered, with `field` changed."""

    def body(read: dict) -> dict:
        fields = serializer_class().fields
        writable = {k: v for k, v in read.items() if not fields[k].read_only and k != "version"}
        return {**writable, field: CHANGED}

    return body


def _edit_draft(objects, users):
    initiative_services.update_initiative(
        initiative=objects["draft"],
        user=users["sponsor"],
        fields={"title": SAVED_IN_BETWEEN},
        expected_version=None,
    )


def _mark_ready_and_back(objects, users):
    from tests.factories import satisfied_assessments

    satisfied_assessments(objects["reviewed"])  # the rest of the rule holds
    review_services.mark_ready_for_build(initiative=objects["reviewed"], user=users["it_lead"])
    initiative_services.transition_initiative(
        initiative=objects["reviewed"], user=users["it_lead"], to_status=Status.IN_REVIEW
    )


UPDATES = [
    Update(
        "PATCH",
        "/api/initiatives/{id}/",
        "sponsor",
        lambda o: f"/api/initiatives/{o['draft'].pk}/",
        lambda read: {"title": CHANGED},
        _edit_draft,
        state_of(Initiative, "draft", "title"),
    ),
    Update(
        "PUT",
        "/api/initiatives/{id}/",
        "sponsor",
        lambda o: f"/api/initiatives/{o['draft'].pk}/",
        _complete(InitiativeSerializer, "title"),
        _edit_draft,
        state_of(Initiative, "draft", "title"),
    ),
    Update(
        "PATCH",
        "/api/assessments/{id}/",
        "reviewer",
        lambda o: f"/api/assessments/{o['assessment'].pk}/",
        lambda read: {"rationale": CHANGED},
        lambda o, u: review_services.update_assessment(
            assessment=o["assessment"], user=u["it_lead"], rationale=SAVED_IN_BETWEEN
        ),
        state_of(ConcernAssessment, "assessment", "rationale"),
    ),
    Update(
        "PATCH",
        "/api/design-inputs/{id}/",
        "reviewer",
        lambda o: f"/api/design-inputs/{o['design_input'].pk}/",
        lambda read: {"description": CHANGED},
        edit_design_input,
        state_of(DesignInput, "design_input", "description"),
    ),
    Update(
        "PATCH",
        "/api/components/{id}/",
        "reviewer",
        lambda o: f"/api/components/{o['component'].pk}/",
        lambda read: {"design_notes": CHANGED},
        lambda o, u: review_services.update_component_notes(
            component=o["component"], user=u["it_lead"], design_notes=SAVED_IN_BETWEEN
        ),
        state_of(ComponentOwnership, "component", "design_notes"),
    ),
    Update(
        "PUT",
        "/api/ready-for-build/{id}/",
        "reviewer",
        lambda o: f"/api/ready-for-build/{o['reviewed'].pk}/",
        lambda read: {},
        _mark_ready_and_back,
        state_of(Initiative, "reviewed", "status"),
    ),
    Update(
        "PATCH",
        "/api/framework-references/{id}/",
        "it_lead",
        lambda o: f"/api/framework-references/{o['reference'].pk}/",
        lambda read: {"note": CHANGED},
        edit_reference,
        state_of(FrameworkReference, "reference", "note"),
    ),
    Update(
        "PUT",
        "/api/framework-references/{id}/",
        "it_lead",
        lambda o: f"/api/framework-references/{o['reference'].pk}/",
        _complete(ReferenceSerializer, "note"),
        edit_reference,
        state_of(FrameworkReference, "reference", "note"),
    ),
    Update(
        "PATCH",
        "/api/systems/{id}/",
        "it_lead",
        lambda o: f"/api/systems/{o['system'].pk}/",
        lambda read: {"description": CHANGED},
        edit_system,
        state_of(EnterpriseSystem, "system", "description"),
    ),
    Update(
        "PATCH",
        "/api/comments/{id}/",
        "reviewer",
        lambda o: f"/api/comments/{o['comment'].pk}/",
        lambda read: {"body": CHANGED},
        edit_comment,
        state_of(Comment, "comment", "body"),
    ),
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda u: f"{u.method} {u.path}")
def test_a_missing_or_stale_version_cannot_overwrite(update, api_as, users, objects):
    client = api_as(update.actor)
    url = update.url(objects)
    send = getattr(client, update.method.lower())
    read = client.get(url)
    etag = read["ETag"]
    body = update.body(read.json())
    update.save_in_between(objects, users)  # someone else saves: what was read is stale
    before = update.state(objects)

    refusals = [
        ({"HTTP_IF_MATCH": etag}, body, 412, "stale"),
        ({}, {**body, "version": int(etag.strip('"'))}, 412, "stale"),
        ({}, body, 428, "version_required"),
    ]
    for headers, payload, status, code in refusals:
        response = send(url, payload, format="json", **headers)
        assert response.status_code == status, response.content
        error = response.json()
        assert error["code"] == code and error["detail"]
        assert update.state(objects) == before, "a refused update changed the object"

    fresh = client.get(url)["ETag"]
    done = send(url, body, format="json", HTTP_IF_MATCH=fresh)
    assert done.status_code == 200, done.content
    assert update.state(objects)[0] == before[0] + 1
    assert update.state(objects) != before
    assert done["ETag"] == f'"{before[0] + 1}"'


def test_the_table_covers_every_versioned_update_of_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    versioned = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "428" in operation.get("responses", {})
    }
    assert versioned == {(u.method, u.path) for u in UPDATES}
    for method, path in versioned:
        operation = schema["paths"][path][method.lower()]
        assert "412" in operation["responses"]
        assert any(p["name"] == "If-Match" for p in operation["parameters"])
        assert operation["responses"]["428"]["description"].startswith("The update did not say")


def test_the_428_answer_is_the_standard_error_body(api_as, objects):
    response = api_as("sponsor").patch(
        f"/api/initiatives/{objects['draft'].pk}/", {"title": "x"}, format="json"
    )
    assert response.status_code == 428
    assert response.json() == {
        "detail": str(PreconditionRequired.default_detail),
        "code": "version_required",
    }
