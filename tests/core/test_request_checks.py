"""Bad input answers 4xx with a clear message, never 5xx (core.request_checks and the
middleware that runs it). Table-driven: every write operation of the API schema gets every
bad JSON body, and every page of the portal every bad form body and query parameter."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.request_checks import MAX_JSON_DEPTH
from initiatives.models import Initiative
from tests import factories

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _nested(depth: int) -> bytes:
    return (b'{"a": ' * depth) + b"1" + (b"}" * depth)


# name → (body, status, code, field named in `errors` or None)
JSON_BODIES = {
    "nested 1000 deep (list)": (b"[" * 1000 + b"]" * 1000, 400, "parse_error", None),
    "nested 1000 deep (object)": (_nested(1000), 400, "parse_error", None),
    f"nested {MAX_JSON_DEPTH + 1} deep": (_nested(MAX_JSON_DEPTH + 1), 400, "parse_error", None),
    "NUL in a value": (b'{"title": "Weld\\u0000seams"}', 400, "invalid", "title"),
    "NUL in a nested value": (
        b'{"data_assets": [{"name": "a\\u0000"}]}',
        400,
        "invalid",
        "data_assets",
    ),
    "NUL in a key": (b'{"ti\\u0000tle": "x"}', 400, "invalid", "non_field_errors"),
    "unpaired surrogate": (b'{"title": "\\ud800"}', 400, "invalid", "title"),
    "not JSON": (b'{"title": ', 400, "parse_error", None),
    "over the size limit": (
        b'{"title": "' + b"x" * LIMIT + b'"}',
        413,
        "too_large",
        None,
    ),
}
FORM_BODIES = {
    "NUL in a form field": ({"reason": "a\x00b"}, 400),
    "NUL in a field name": ({"rea\x00son": "x"}, 400),
    "form over the size limit": ({"reason": "x" * LIMIT}, 413),
}


def _api_writes() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    )


API_WRITES = _api_writes()


def _pages(patterns=None, prefix="") -> list[str]:
    """Every page of the portal (not the API, not Django's admin), ids filled in."""
    urls = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(("api/", "admin/")):
            continue
        if isinstance(pattern, URLResolver):
            urls += _pages(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            urls.append(
                "/" + re.sub(r"<(int|str):\w+>", lambda m: "1" if m[1] == "int" else "x", route)
            )
    return sorted(set(urls))


PAGES = _pages()


def test_the_tables_reach_every_write_of_the_api_and_every_page():
    assert len(API_WRITES) >= 35 and ("PATCH", "/api/initiatives/1/") in API_WRITES
    assert {"/initiatives/1/edit/1/", "/reviews/assessments/1/", "/login/"} <= set(PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("method, url", API_WRITES)
@pytest.mark.parametrize("case", JSON_BODIES)
def test_every_api_write_refuses_bad_json_with_4xx(method, url, case):
    body, status, code, field = JSON_BODIES[case]
    response = APIClient().generic(method, url, body, content_type="application/json")
    assert response.status_code == status, response.content[:300]
    error = response.json()
    assert error["code"] == code and error["detail"]
    if field:
        assert list(error["errors"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, *sorted({u for _, u in API_WRITES})])
@pytest.mark.parametrize("case", FORM_BODIES)
def test_every_page_and_api_write_refuses_bad_form_bodies_with_4xx(client, url, case):
    data, status = FORM_BODIES[case]
    response = client.post(url, data)
    assert response.status_code == status, response.content[:300]
    if url.startswith("/api/"):
        assert response.json()["code"] in ("invalid", "too_large")
    else:
        assert response.content.decode().startswith(("Invalid input", "The request body"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/initiatives/?q=%00",  # was a 500 on PostgreSQL
        "/initiatives/?status=draft&q=weld%00",
        "/reviews/?site=%00",
        "/governance/dashboard/?site=1%00",
        "/api/initiatives/?search=a%00b",
        "/api/design-inputs/?status=%00",
        "/api/audit-events/?action%00=x",
    ],
)
def test_nul_in_a_query_parameter_is_a_400(client, users, url):
    client.force_login(users["it_lead"])
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        error = response.json()
        assert error["code"] == "invalid" and error["errors"]


@pytest.mark.django_db
def test_a_surrogate_sent_in_a_query_string_is_read_as_a_replacement_character(client, users):
    """Percent-encoded, a lone surrogate is invalid UTF-8: Django reads U+FFFD, which any
    database stores, so the search just finds nothing."""
    client.force_login(users["it_lead"])
    assert client.get("/initiatives/?q=%ED%A0%80").status_code == 200
    api = APIClient()
    api.force_authenticate(users["it_lead"])
    assert api.get("/api/initiatives/?search=%ED%A0%80").json()["count"] == 0


@pytest.mark.django_db
def test_the_issues_deep_patch_of_an_initiative_is_a_400_and_changes_nothing(api_as, users):
    initiative = factories.complete_initiative(sponsor=users["sponsor"])
    body = b'{"title": ' + b"[" * 1000 + b"]" * 1000 + b', "version": 1}'
    response = api_as("sponsor").generic(
        "PATCH", f"/api/initiatives/{initiative.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON parse error - nested too deeply."
    assert Initiative.objects.get(pk=initiative.pk).version == initiative.version


@pytest.mark.django_db
def test_good_input_passes_the_checks_and_reaches_the_view(api_as, users):
    sponsor = api_as("sponsor")
    body = {"title": "Ünïcode and emoji 🔧", "data_assets": [], "business_problem": "x" * 4000}
    created = sponsor.post("/api/initiatives/", body, format="json")
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    assert Initiative.objects.get(pk=pk).title == body["title"]
    patched = sponsor.patch(
        f"/api/initiatives/{pk}/", {"failure_fallback": "Manual", "version": version}, format="json"
    )
    assert patched.status_code == 200
    assert Initiative.objects.get(pk=pk).failure_fallback == "Manual"
