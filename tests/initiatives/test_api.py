"""The initiatives API: each endpoint × each role, with the pages' own permission matrix.

The expected answers are those of tests/initiatives/test_permissions.py (DETAIL, EDIT), with
the API's 401 where the pages redirect an anonymous visitor to the login page.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from initiatives import selectors
from initiatives.models import Initiative, Status
from tests import factories
from tests.initiatives.test_permissions import ACTORS, DETAIL, EDIT

pytestmark = pytest.mark.django_db


def api_status(page_status: int) -> int:
    return 401 if page_status == 302 else page_status


def url(initiative=None, suffix: str = "") -> str:
    if initiative is None:
        return "/api/initiatives/"
    pk = initiative if isinstance(initiative, int) else initiative.pk
    return f"/api/initiatives/{pk}/{suffix}"


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str)
    if code:
        assert body["code"] == code
    return body


# --- each endpoint × each role ----------------------------------------------------------------


@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(DETAIL))
def test_retrieve(api_as, world, key, actor_index, actor):
    response = api_as(actor).get(url(world[key]))
    expected = api_status(DETAIL[key][actor_index])
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["title"] == world[key].title
        assert response["ETag"] == f'"{world[key].version}"'
    else:
        assert world[key].title not in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_list_shows_what_the_pages_show(api_as, users, world, actor):
    response = api_as(actor).get(url(), {"page_size": 100})
    if actor == "anonymous":
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"
        return
    assert response.status_code == 200
    titles = {row["title"] for row in response.json()["results"]}
    expected = set(selectors.visible_initiatives(users[actor]).values_list("title", flat=True))
    index = ACTORS.index(actor)
    assert titles == expected == {w.title for k, w in world.items() if DETAIL[k][index] == 200}


@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(EDIT))
def test_update(api_as, world, key, actor_index, actor):
    initiative = world[key]
    response = api_as(actor).patch(
        url(initiative),
        {"expected_value": "Edited over the API"},
        format="json",
        HTTP_IF_MATCH=f'"{initiative.version}"',
    )
    expected = api_status(EDIT[key][actor_index])
    assert response.status_code == expected, response.content
    initiative.refresh_from_db()
    assert (initiative.expected_value == "Edited over the API") == (expected == 200)
    if expected != 200:
        assert initiative.title not in response.content.decode()


@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
def test_submit(api_as, world, actor_index, actor):
    initiative = world["own_draft"]
    response = api_as(actor).post(url(initiative, "submit/"), format="json")
    initiative.refresh_from_db()
    if actor in ("sponsor", "co_sponsor"):
        assert response.status_code == 200
        assert response.json()["status"] == initiative.status == Status.SUBMITTED
    else:
        seen = api_status(DETAIL["own_draft"][actor_index])
        assert response.status_code == (403 if seen == 200 else seen)
        assert initiative.status == Status.DRAFT


@pytest.mark.parametrize("action", ["withdraw", "reopen"])
@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
def test_sponsor_side_transitions(api_as, world, actor_index, actor, action):
    initiative = world["own_submitted"]
    response = api_as(actor).post(url(initiative, f"{action}/"), {"reason": "x"}, format="json")
    initiative.refresh_from_db()
    if actor in ("sponsor", "co_sponsor"):
        assert response.status_code == 200
        assert initiative.status == {"withdraw": "withdrawn", "reopen": "draft"}[action]
    else:
        expected = api_status(DETAIL["own_submitted"][actor_index])
        assert response.status_code == (403 if expected == 200 else expected)
        assert initiative.status == Status.SUBMITTED


@pytest.mark.parametrize("actor_index, actor", list(enumerate(ACTORS)))
@pytest.mark.parametrize("key", list(DETAIL))
def test_missing(api_as, world, key, actor_index, actor):
    response = api_as(actor).get(url(world[key], "missing/"))
    assert response.status_code == api_status(DETAIL[key][actor_index])


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("sponsor", 201),
        ("admin", 201),
        ("reviewer", 403),
        ("it_lead", 403),
        ("executive", 403),
        ("norole", 403),
        ("anonymous", 401),
    ],
)
def test_create_is_for_sponsors(api_as, users, actor, expected):
    response = api_as(actor).post(url(), {"title": "Chatbot for shift handover"}, format="json")
    assert response.status_code == expected
    assert Initiative.objects.filter(title="Chatbot for shift handover").exists() == (
        expected == 201
    )


# --- hidden looks missing -----------------------------------------------------------------------


def test_hidden_initiative_answers_exactly_like_a_missing_one(api_as, world):
    client = api_as("other_reviewer")
    hidden = client.get(url(world["confidential"]))
    missing = client.get(url(999_999))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    for suffix in ("submit/", "withdraw/", "reopen/"):
        assert client.post(url(world["confidential"], suffix)).content == missing.content
    assert client.patch(url(world["confidential"]), {"version": 1}, format="json").content == (
        missing.content
    )


def test_filters_do_not_reveal_confidential_initiatives(api_as, world):
    body = api_as("sponsor").get(url(), {"search": "Secret", "confidential": "true"}).json()
    assert body["count"] == 0
    assert "Secret supplier risk" not in str(body)


# --- create and update with sections -------------------------------------------------------------


def full_payload(**overrides) -> dict:
    site = factories.SiteFactory(name="Augsburg Plant")
    unit = factories.BusinessUnitFactory(name="Quality")
    data = {
        "title": "Weld seam inspection",
        "business_problem": "Manual checks miss porosity.",
        "expected_value": "Fewer reworks.",
        "site": site.pk,
        "business_unit": unit.pk,
        "phase": "design",
        "target_decision_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "co_sponsors": ["co_sponsor"],
        "decision_owner": "norole",
        "accountable_person": "norole@example.com",
        "output_actors": "Welders",
        "override_authority": "Shift lead",
        "forbidden_actions": "Never stop the robot cell.",
        "failure_fallback": "Manual checks.",
        "safety_critical": "no",
        "regulated": "no",
        "sso_requirements": "Entra ID",
        "maintained_by": "Plant digital",
        "monitored_by": "Plant IT",
        "update_process": "CAB",
        **factories.MINIMAL_SCREENING,
        "data_assets": [
            {
                "name": "Weld images",
                "classification": "internal",
                "personal_data": False,
                "storage_location": "Edge server",
            }
        ],
        "integrations": [{"system_type": "mes", "name": "Opcenter", "description": ""}],
        "vendors": [{"name": "Acme Vision", "product": "Seam AI", "notes": ""}],
    }
    data.update(overrides)
    return data


def test_create_with_sections_then_submit(api_as, users):
    client = api_as("sponsor")
    response = client.post(url(), full_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    initiative = Initiative.objects.get(pk=body["id"])
    assert body["sponsor"] == "sponsor"
    assert body["co_sponsors"] == ["co_sponsor"]
    assert body["accountable_person"] == "norole"
    assert [a["name"] for a in body["data_assets"]] == ["Weld images"]
    assert [v.name for v in initiative.vendors.all()] == ["Acme Vision"]
    assert response["ETag"] == f'"{initiative.version}"'
    assert client.get(url(initiative, "missing/")).json() == []
    submitted = client.post(url(initiative, "submit/"), format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    # Every change was audited once, as coming from the API.
    actions = list(AuditEvent.objects.filter(initiative=initiative).values_list("action", "source"))
    assert actions == [
        ("initiative.created", "api"),
        ("initiative.updated", "api"),
        ("initiative.submitted", "api"),
    ]


def test_sections_are_replaced_and_read_back(api_as, world):
    initiative = world["own_draft"]
    client = api_as("sponsor")
    response = client.patch(
        url(initiative),
        {
            "version": initiative.version,
            "integrations": [
                {"system_type": "erp", "name": "SAP S/4HANA"},
                {"system_type": "historian", "name": "PI"},
            ],
            "vendors": [],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [i["name"] for i in response.json()["integrations"]] == ["SAP S/4HANA", "PI"]
    assert list(initiative.integrations.values_list("name", flat=True)) == ["SAP S/4HANA", "PI"]
    # Sections not sent are kept.
    assert [a["name"] for a in response.json()["data_assets"]] == ["Camera images"]


EXPLAINABILITY_ANSWERS = {
    "output_explanation": "The three inputs that drove the verdict are highlighted.",
    "operator_view": "Verdict, confidence 0–100 % and the defect overlay.",
    "override_logged": "yes",
    "model_documentation": "Vendor model card, validation report in the QMS.",
    "drift_detection": "Weekly precision against supervisor overrides.",
}


def test_explainability_answers_are_written_and_read_back(api_as, world):
    initiative = world["own_draft"]
    response = api_as("sponsor").patch(
        url(initiative), {"version": initiative.version, **EXPLAINABILITY_ANSWERS}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert {name: body[name] for name in EXPLAINABILITY_ANSWERS} == EXPLAINABILITY_ANSWERS
    initiative.refresh_from_db()
    assert initiative.override_logged == "yes"
    event = AuditEvent.objects.filter(initiative=initiative).latest("seq")
    assert event.changes["override_logged"] == ["", "yes"]


@pytest.mark.parametrize(
    "payload, field, message",
    [
        ({"title": ""}, "title", "may not be blank"),
        ({"title": "x" * 201}, "title", "no more than 200 characters"),
        ({"business_problem": "x" * 4001}, "business_problem", "no more than 4000"),
        ({"phase": "someday"}, "phase", "is not a valid choice"),
        ({"safety_critical": "maybe"}, "safety_critical", "is not a valid choice"),
        ({"override_logged": "sometimes"}, "override_logged", "is not a valid choice"),
        ({"drift_detection": "x" * 2001}, "drift_detection", "no more than 2000"),
        ({"decision_owner": "nobody"}, "decision_owner", "No active portal user"),
        ({"co_sponsors": ["sponsor", "ghost"]}, "co_sponsors", "No active portal user"),
        ({"site": 999_999}, "site", "does not exist"),
        ({"target_decision_date": "2001-01-01"}, "target_decision_date", "in the future"),
        ({"target_decision_date": "soon"}, "target_decision_date", "wrong format"),
        ({"vendors": [{"name": "A"}, {"name": "A"}]}, "vendors", "listed once"),
    ],
)
def test_bad_input_is_a_field_error(api_as, world, payload, field, message):
    initiative = world["own_draft"]
    response = api_as("sponsor").patch(
        url(initiative), {"version": initiative.version, **payload}, format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert message in str(body["errors"][field])
    refreshed = Initiative.objects.get(pk=initiative.pk)
    assert refreshed.version == initiative.version


def test_nested_row_errors_point_at_the_row(api_as, world):
    initiative = world["own_draft"]
    response = api_as("sponsor").patch(
        url(initiative),
        {
            "version": initiative.version,
            "data_assets": [
                {"name": "ok", "classification": "internal", "storage_location": "EU"},
                {"name": "bad", "classification": "secret"},
            ],
        },
        format="json",
    )
    errors = assert_error(response, 400)["errors"]["data_assets"]
    # Row by row: only the second row has errors (even in a PATCH, rows must be complete).
    second = errors[1] if isinstance(errors, list) else errors["1"]
    assert set(second) == {"classification", "storage_location"}
    assert not (errors[0] if isinstance(errors, list) else errors.get("0"))
    assert initiative.data_assets.count() == 1


def test_too_many_rows_is_refused(api_as, world):
    initiative = world["own_draft"]
    rows = [{"name": f"V{i}"} for i in range(21)]
    response = api_as("sponsor").patch(
        url(initiative), {"version": initiative.version, "vendors": rows}, format="json"
    )
    assert "vendors" in assert_error(response, 400)["errors"]


def test_unchanged_decision_date_in_the_past_is_kept(api_as, users):
    initiative = factories.draft_initiative(sponsor=users["sponsor"])
    past = timezone.localdate() - timedelta(days=3)
    Initiative.objects.filter(pk=initiative.pk).update(target_decision_date=past)
    response = api_as("sponsor").patch(
        url(initiative),
        {"version": 1, "target_decision_date": past.isoformat(), "title": "Renamed"},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_read_only_fields_are_ignored(api_as, world):
    initiative = world["own_draft"]
    response = api_as("sponsor").patch(
        url(initiative),
        {"version": initiative.version, "status": "ready_for_build", "risk_level": "blocked"},
        format="json",
    )
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert (initiative.status, initiative.risk_level) == ("draft", "on_track")


# --- versions: never a silent overwrite ---------------------------------------------------------


def test_update_without_a_version_is_refused_with_428(api_as, world):
    response = api_as("sponsor").patch(url(world["own_draft"]), {"title": "x"}, format="json")
    assert assert_error(response, 428, "version_required")["detail"].startswith("Send the version")
    assert Initiative.objects.get(pk=world["own_draft"].pk).title == "Own draft"


@pytest.mark.parametrize("how", ["if-match", "body"])
def test_stale_update_is_refused_with_412(api_as, world, how):
    initiative = world["own_draft"]
    read = api_as("sponsor").get(url(initiative))
    etag = read["ETag"]
    # The co-sponsor saves first.
    first = api_as("co_sponsor").patch(
        url(initiative), {"title": "Co-sponsor's title"}, format="json", HTTP_IF_MATCH=etag
    )
    assert first.status_code == 200
    assert first["ETag"] != etag
    stale = {"title": "Sponsor's title"}
    headers = {}
    if how == "if-match":
        headers["HTTP_IF_MATCH"] = etag
    else:
        stale["version"] = read.json()["version"]
    response = api_as("sponsor").patch(url(initiative), stale, format="json", **headers)
    assert_error(response, 412, "stale")
    initiative.refresh_from_db()
    assert initiative.title == "Co-sponsor's title"


def test_weak_and_bare_etags_are_understood(api_as, world):
    initiative = world["own_draft"]
    client = api_as("sponsor")
    first = client.patch(
        url(initiative), {"title": "A"}, format="json", HTTP_IF_MATCH=f'W/"{initiative.version}"'
    )
    assert first.status_code == 200
    second = client.patch(
        url(initiative), {"title": "B"}, format="json", HTTP_IF_MATCH=str(initiative.version + 1)
    )
    assert second.status_code == 200
    bad = client.patch(url(initiative), {"title": "C"}, format="json", HTTP_IF_MATCH="*x")
    assert "If-Match" in assert_error(bad, 400)["errors"]


def test_stale_transition_is_refused(api_as, world):
    initiative = world["own_draft"]
    response = api_as("sponsor").post(
        url(initiative, "submit/"), format="json", HTTP_IF_MATCH=f'"{initiative.version - 1}"'
    )
    assert_error(response, 412, "stale")
    initiative.refresh_from_db()
    assert initiative.status == Status.DRAFT


# --- transitions ------------------------------------------------------------------------------


def test_illegal_transition_is_409_with_the_reason(api_as, world):
    response = api_as("sponsor").post(url(world["own_submitted"], "submit/"), format="json")
    body = assert_error(response, 409, "conflict")
    assert "cannot move to submitted" in body["detail"]


def test_incomplete_submission_lists_each_missing_field(api_as, users):
    initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Half done")
    response = api_as("sponsor").post(url(initiative, "submit/"), format="json")
    body = assert_error(response, 400, "rule")
    assert body["detail"].startswith("Not ready to submit")
    assert {"business_problem", "data_assets", "update_process"} <= set(body["errors"])
    assert "step 1" in body["errors"]["business_problem"][0]


def test_editing_a_submitted_initiative_says_reopen_first(api_as, world):
    initiative = world["own_submitted"]
    response = api_as("sponsor").patch(
        url(initiative), {"title": "x", "version": initiative.version}, format="json"
    )
    assert "Reopen" in assert_error(response, 403, "permission_denied")["detail"]


def test_transition_reason_is_validated_and_audited(api_as, world):
    initiative = world["own_submitted"]
    client = api_as("sponsor")
    too_long = client.post(url(initiative, "withdraw/"), {"reason": "x" * 501}, format="json")
    assert "reason" in assert_error(too_long, 400)["errors"]
    done = client.post(url(initiative, "withdraw/"), {"reason": "Vendor dropped"}, format="json")
    assert done.status_code == 200
    event = AuditEvent.objects.filter(initiative=initiative).latest("id")
    assert (event.action, event.source) == ("initiative.withdrawn", "api")
    assert event.changes["reason"] == "Vendor dropped"


# --- list: filter, search, order, paginate -------------------------------------------------------


def test_list_filters_orders_and_paginates(api_as, world):
    client = api_as("it_lead")
    body = client.get(url(), {"status": ["draft"], "ordering": "title"}).json()
    assert [r["title"] for r in body["results"]] == ["Other draft", "Own draft"]
    body = client.get(url(), {"status": ["draft", "submitted"], "ordering": "-title"}).json()
    assert body["count"] == 4
    assert body["results"][0]["title"] == "Secret supplier risk"
    assert client.get(url(), {"sponsor": "other_sponsor"}).json()["count"] == 2
    assert client.get(url(), {"search": "supplier"}).json()["count"] == 1
    page = client.get(url(), {"page_size": 3, "ordering": "id"}).json()
    assert page["count"] == 4 and len(page["results"]) == 3 and page["next"]
    assert client.get(url(), {"page_size": 3, "page": 2}).json()["previous"]
    assert_error(client.get(url(), {"page": 99}), 404, "not_found")
    assert "status" in assert_error(client.get(url(), {"status": "nonsense"}), 400)["errors"]
    assert "search" in assert_error(client.get(url(), {"search": "a\x00b"}), 400)["errors"]


def test_list_query_count_does_not_grow_with_rows(api_as, users, django_assert_max_num_queries):
    for i in range(6):
        factories.submitted_initiative(sponsor=users["sponsor"], title=f"Row {i}")
    client = api_as("it_lead")
    with django_assert_max_num_queries(14):
        response = client.get(url())
    assert response.json()["count"] == 6


def test_error_detail_names_the_fields(api_as, world):
    initiative = world["own_draft"]
    response = api_as("sponsor").patch(
        url(initiative), {"version": initiative.version, "title": "", "phase": "x"}, format="json"
    )
    assert assert_error(response, 400)["detail"] == "Invalid input: title, phase."
    not_a_dict = api_as("sponsor").patch(
        url(initiative), ["x"], format="json", HTTP_IF_MATCH=f'"{initiative.version}"'
    )
    body = assert_error(not_a_dict, 400, "invalid")
    assert body["detail"] == body["errors"]["non_field_errors"][0]


def test_pages_never_overlap_when_the_order_has_ties(api_as, users):
    for _ in range(5):
        factories.submitted_initiative(sponsor=users["sponsor"], title="Same title")
    client = api_as("it_lead")
    seen = []
    for page in range(1, 6):
        body = client.get(url(), {"ordering": "title", "page_size": 1, "page": page}).json()
        seen += [row["id"] for row in body["results"]]
    assert sorted(seen) == sorted(Initiative.objects.values_list("id", flat=True))


def test_date_time_filters_accept_any_offset_python_accepts(api_as, world):
    # PostgreSQL refuses offsets beyond ±15:59; the API moves values to UTC first.
    client = api_as("it_lead")
    response = client.get(url(), {"updated_after": "2001-06-07T14:15:14-22:18"})
    assert response.status_code == 200 and response.json()["count"] == 4
    assert client.get(url(), {"updated_after": "2999-01-01T00:00+23:00"}).json()["count"] == 0
    too_early = client.get(url(), {"updated_after": "0001-01-01T00:00+05:00"})
    assert "updated_after" in assert_error(too_early, 400)["errors"]


def test_username_with_a_null_character_is_a_field_error(api_as):
    # PostgreSQL refuses NUL in a query: it was a 500 there (found by schemathesis).
    response = api_as("sponsor").post(
        "/api/initiatives/", {"title": "Vision QA", "decision_owner": "lena\x00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["decision_owner"] == ["Null characters are not allowed."]


# --- Acknowledgement of named roles -------------------------------------------------------


@pytest.fixture
def named(users):
    owner = factories.UserFactory(username="owner")
    initiative = factories.submitted_initiative(
        sponsor=users["sponsor"], roles_acknowledged=False, decision_owner=owner
    )
    return initiative, owner


def test_the_initiative_lists_its_role_acknowledgements(api_as, named):
    initiative, _ = named
    body = api_as("it_lead").get(url(initiative)).json()
    assert [(a["role"], a["person"], a["status"]) for a in body["role_acknowledgements"]] == [
        ("accountable", "sponsor", "pending"),
        ("decision_owner", "owner", "pending"),
    ]


def test_the_named_person_confirms_and_declines_through_the_api(named):
    from tests.conftest import api

    initiative, owner = named
    client = api(owner)
    response = client.post(url(initiative, "acknowledge-role/"), {"role": "decision_owner"})
    assert response.status_code == 200
    acks = {a["role"]: a["status"] for a in response.json()["role_acknowledgements"]}
    assert acks["decision_owner"] == "acknowledged"
    response = client.post(url(initiative, "decline-role/"), {"role": "decision_owner"})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(
        url(initiative, "decline-role/"), {"role": "decision_owner", "reason": "Moved on."}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action__startswith="role.").count() == 2


@pytest.mark.parametrize(
    "actor, status",
    [("anonymous", 401), ("sponsor", 403), ("it_lead", 403), ("admin", 403), ("norole", 403)],
)
def test_nobody_else_confirms_through_the_api(api_as, named, actor, status):
    initiative, _ = named
    client = api_as(actor)
    assert (
        client.post(url(initiative, "acknowledge-role/"), {"role": "decision_owner"}).status_code
        == status
    )
    assert (
        client.post(
            url(initiative, "decline-role/"), {"role": "decision_owner", "reason": "No."}
        ).status_code
        == status
    )
    assert initiative.role_acknowledgements.get(role="decision_owner").status == "pending"
