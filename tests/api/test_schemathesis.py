"""Property-based run of every API operation against the generated OpenAPI schema.

Schemathesis loads /api/schema/ from the Django WSGI app (with a token) and, for every
operation of every app, sends generated requests — valid and invalid — checking that the
answer is never a server error and always conforms to the schema (status code, content
type, headers, body). The caller is an IT lead who also sponsors initiatives, so reads see
the whole portfolio and writes on their own drafts succeed; path ids are pointed at real
objects most of the time so that operations answer with real bodies, not only 404s.

Bounded for CI (2 cores): a few examples per operation, no shrinking, no example database;
`make fuzz` (FUZZ_EXAMPLES=200) runs the same test deeper.
"""

import functools
import itertools
import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, assume, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from werkzeug.test import Client

from initiatives.roles import Role
from tests import factories

# A few examples per operation keep `make test` quick; `make fuzz` raises it for a deep run.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Every other check runs (no 5xx; status code, content type, headers and body as documented;
# auth not ignored; …). Not these two: business rules legitimately refuse schema-valid input
# (404 for a hidden id, 409 for an illegal transition, 412 for a stale version), and DRF's
# lenient parsing (trimmed whitespace, ignored unknown filter values) accepts some invalid input.
NOT_CHECKED = [positive_data_acceptance, negative_data_rejection]


@pytest.fixture
def in_process_wsgi():
    """Keep the test's database connection (and transaction) across WSGI requests.

    Django closes connections when a request ends; the test client avoids that the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, users):
    """A caller with broad rights and a small portfolio of real objects."""
    lead = factories.UserFactory(username="lead_sponsor", role=Role.IT_LEAD)
    lead.groups.add(users["sponsor"].groups.get())
    own = [factories.complete_initiative(sponsor=lead, title=f"Own draft {i}") for i in range(3)]
    own.append(factories.submitted_initiative(sponsor=lead, title="Own submitted"))
    others = [
        factories.submitted_initiative(sponsor=users["other_sponsor"], confidential=True),
        factories.draft_initiative(sponsor=users["other_sponsor"]),
    ]
    token = Token.objects.create(user=lead)
    return {
        "headers": {"Authorization": f"Token {token.key}"},
        "ids": [i.pk for i in own + others],
    }


@functools.cache
def generated_schema() -> dict:
    """The schema /api/schema/ serves, generated once for the whole module: generating it
    takes seconds, and every operation's test would otherwise fetch it again."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


@pytest.fixture
def api_schema(in_process_wsgi):
    schema = schemathesis.openapi.from_dict(generated_schema())
    schema.app = in_process_wsgi
    return schema


def test_the_served_schema_is_the_one_fuzzed(api_as):
    """The module generates the schema itself; it must be what the API serves."""
    served = api_as("it_lead").get("/api/schema/?format=json")
    assert served.status_code == 200
    assert served.json()["paths"] == generated_schema()["paths"]


def operation_cases() -> list:
    """(label, mode) for every operation the schema documents, e.g. "GET /api/initiatives/".

    Valid (positive) requests for all; invalid (negative) ones where there is input to break.
    """
    cases = []
    for path, item in generated_schema()["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            cases.append(pytest.param(label, GenerationMode.POSITIVE, id=f"{label} valid"))
            if operation.get("parameters") or operation.get("requestBody"):
                cases.append(pytest.param(label, GenerationMode.NEGATIVE, id=f"{label} invalid"))
    return cases


_turns = itertools.count()


def point_at_real_objects(case, ids: list[int]) -> bool:
    """Four in five generated numeric ids become ids of existing objects; the rest stay."""
    pointed = False
    for name, value in (case.path_parameters or {}).items():
        turn = next(_turns)
        if str(value).isdigit() and turn % 5:
            case.path_parameters[name] = ids[turn % len(ids)]
            pointed = True
    return pointed


def send_current_version(case, app, headers: dict) -> None:
    """For a versioned write on a real object, send the ETag just read (so writes can succeed).

    The object is read from the operation's path, or its parent for an action (…/{id}/submit/).
    """
    documented = {p.name for p in case.operation.headers} if case.operation.headers else set()
    if "If-Match" not in documented:
        return
    path = case.formatted_path
    # Through the same WSGI app (Django's test client would reconnect the signals that close
    # the test's database connection after each request).
    client = Client(app)
    for candidate in (path, path.rstrip("/").rsplit("/", 1)[0] + "/"):
        response = client.get(candidate, headers=headers)
        if response.status_code == 200 and "ETag" in response.headers:
            case.headers = {**(case.headers or {}), "If-Match": response.headers["ETag"]}
            return


def names_a_sibling_route(api_schema, case) -> bool:
    """Whether a path parameter's value is the literal segment of another route under the
    same prefix (e.g. `similar` for `/api/initiatives/{id}/`)."""
    path = case.operation.path
    if "{" not in path:
        return False
    prefix = path.split("{")[0]
    siblings = {
        other[len(prefix) :].split("/")[0]
        for other in api_schema.raw_schema["paths"]
        if other.startswith(prefix) and not other[len(prefix) :].startswith("{")
    }
    values = (case.path_parameters or {}).values()
    return any(str(value).strip("/") in siblings - {""} for value in values)


@pytest.mark.parametrize("label, mode", operation_cases())
def test_operation_conforms_to_the_schema(api_schema, fuzz_world, label, mode):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # An invalid id that spells the name of a route beside it (`/api/initiatives/similar/`)
        # reaches that route, which rightly answers 405 to another method: not this operation.
        assume(not names_a_sibling_route(api_schema, case))
        if point_at_real_objects(case, fuzz_world["ids"]) and mode == GenerationMode.POSITIVE:
            send_current_version(case, api_schema.app, fuzz_world["headers"])
        case.call_and_validate(headers=fuzz_world["headers"], excluded_checks=NOT_CHECKED)

    run()
