"""The OpenAPI schema: valid, generated without a warning, complete (errors, auth, versions),
and its documentation UIs served from vendored assets only."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method.upper(), operation


def test_schema_generates_valid_without_warnings(tmp_path):
    # --fail-on-warn: an unresolvable serializer, an ambiguous enum or a missing type fails here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3.0")


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        public = {} in operation.get("security", [{}])
        expected = set() if public else {"401", "403"}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            expected.add("400")
            if not public:
                expected.add("409")
        if "{" in path:
            expected.add("404")
        assert expected <= set(responses), (method, path, sorted(responses))
        for code, response in responses.items():
            if code >= "400":
                content = response["content"]["application/json"]["schema"]
                assert content == {"$ref": ERROR_REF}, (method, path, code)
                assert response["description"], (method, path, code)
        assert any(code < "300" for code in responses), (method, path)


def test_versioned_writes_document_if_match_and_412(schema):
    put = schema["paths"]["/api/initiatives/{id}/"]["put"]
    assert "412" in put["responses"]
    assert {"name": "If-Match", "in": "header"}.items() <= next(
        p for p in put["parameters"] if p["name"] == "If-Match"
    ).items()
    get = schema["paths"]["/api/initiatives/{id}/"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]
    submit = schema["paths"]["/api/initiatives/{id}/submit/"]["post"]
    assert {"409", "412"} <= set(submit["responses"])
    # Creating has no version to be stale; reading changes nothing.
    assert "412" not in schema["paths"]["/api/initiatives/"]["post"]["responses"]
    assert not {"409", "412"} & set(get["responses"])


def test_error_component_has_detail_code_and_field_errors(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}
    assert set(error["properties"]) == {"detail", "code", "errors"}


def test_every_request_field_and_response_field_is_typed(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            typed = {"type", "$ref", "allOf", "oneOf", "anyOf", "enum"} & set(spec)
            assert typed, (name, field, spec)


def test_choice_sets_have_stable_names(schema):
    # Named after the TextChoices class, not after whichever field used it first.
    names = set(schema["components"]["schemas"])
    expected = {"PhaseEnum", "StatusEnum", "YesNoEnum", "DataClassificationEnum", "SystemTypeEnum"}
    assert expected <= names


# Uploading a file is the one body JSON cannot carry.
FILE_UPLOADS = {("POST", "/api/evidence/")}


def test_only_json_is_documented_for_request_bodies(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            expected = (
                {"multipart/form-data"} if (method, path) in FILE_UPLOADS else {"application/json"}
            )
            assert set(operation["requestBody"]["content"]) == expected, (method, path)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_docs_pages_use_only_vendored_assets(client, users, name):
    from django.urls import reverse

    client.force_login(users["norole"])
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert not re.search(r"https?://", body), re.findall(r"https?://\S+", body)
    assets = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert any(asset.startswith("/static/drf_spectacular_sidecar/") for asset in assets)
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
            continue
        # Anything else is served by the portal itself (Swagger UI's init script).
        assert asset.startswith("/") and not asset.startswith("//"), asset
        script = client.get(asset.replace("&amp;", "&"))
        assert script.status_code == 200, asset
        text = script.content.decode()
        assert not re.search(r"https?://(?!localhost|127\.0\.0\.1|testserver)", text), asset


def test_only_collections_are_documented_as_pages(schema):
    # An action answering a plain list (history, defaults) was documented as a page: clients
    # reading `results` got nothing (found by schemathesis on /api/vendor-criteria/defaults/).
    for path, method, operation in operations(schema):
        ok = operation["responses"].get("200", {})
        ref = ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        if ref.startswith("#/components/schemas/Paginated"):
            assert method == "GET" and path.count("/") == 3 and "{" not in path, (method, path)
