"""The multi-step intake form in the browser: save at every step, resume, submit."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from initiatives import services
from initiatives.models import Initiative, Status
from tests import factories


def step1_data(**overrides):
    data = {
        "title": "Visual inspection Line 3",
        "business_problem": "Defect escapes",
        "expected_value": "Fewer escapes",
        "site": "",
        "business_unit": "",
        "phase": "idea",
        "target_decision_date": "",
        "co_sponsors": "",
        "creation_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def formset_management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }


@pytest.fixture
def sponsor_client(client, users):
    client.force_login(users["sponsor"])
    return client


@pytest.mark.django_db
class TestCreate:
    def test_step_one_creates_a_draft_and_continues_to_step_two(self, sponsor_client, users):
        response = sponsor_client.post("/initiatives/new/", {**step1_data(), "continue": "1"})
        initiative = Initiative.objects.get()
        assert response.status_code == 302
        assert response.url == f"/initiatives/{initiative.pk}/edit/2/"
        assert initiative.sponsor == users["sponsor"]
        assert initiative.status == Status.DRAFT

    def test_double_submit_of_create_form_creates_one_initiative(self, sponsor_client):
        data = step1_data()
        sponsor_client.post("/initiatives/new/", data)
        first = Initiative.objects.values().get()
        trail = list(AuditEvent.objects.values_list("seq", flat=True))
        response = sponsor_client.post("/initiatives/new/", {**data, "title": "Typed again"})
        assert response.status_code == 302
        assert "already submitted" in sponsor_client.get(response.url).content.decode()
        # The second post changed nothing: the same row, field by field, and no new event.
        assert list(Initiative.objects.values()) == [first]
        assert list(AuditEvent.objects.values_list("seq", flat=True)) == trail

    def test_missing_title_is_a_field_error(self, sponsor_client):
        response = sponsor_client.post("/initiatives/new/", step1_data(title=""))
        assert response.status_code == 200
        assert response.context["form"].errors["title"] == ["This field is required."]
        assert Initiative.objects.count() == 0

    def test_too_long_text_is_a_field_error_and_keeps_the_input(self, sponsor_client):
        long_text = "x" * 4001
        response = sponsor_client.post("/initiatives/new/", step1_data(business_problem=long_text))
        errors = response.context["form"].errors["business_problem"]
        assert "at most 4000 characters" in errors[0]
        assert long_text in response.content.decode()

    def test_past_decision_date_is_refused(self, sponsor_client):
        past = (timezone.localdate() - timedelta(days=1)).isoformat()
        response = sponsor_client.post("/initiatives/new/", step1_data(target_decision_date=past))
        assert response.context["form"].errors["target_decision_date"] == [
            "The decision date must be in the future."
        ]

    def test_unknown_co_sponsor_is_named_in_the_error(self, sponsor_client):
        response = sponsor_client.post(
            "/initiatives/new/", step1_data(co_sponsors="co_sponsor, ghost")
        )
        assert response.context["form"].errors["co_sponsors"] == ["Unknown portal user(s): ghost."]

    def test_only_sponsors_register_initiatives(self, client, users):
        client.force_login(users["reviewer"])
        assert client.get("/initiatives/new/").status_code == 403


@pytest.mark.django_db
class TestSteps:
    def test_each_step_saves_and_the_draft_can_be_resumed(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Resume me")
        base = f"/initiatives/{initiative.pk}/edit"

        sponsor_client.post(
            f"{base}/2/",
            {
                "version": initiative.version,
                "decision_owner": "sponsor",
                "accountable_person": "sponsor@example.com",
                "output_actors": "Operators",
                "override_authority": "Supervisor",
                "output_explanation": "The drivers of each verdict are shown",
                "operator_view": "Verdict and confidence",
                "override_logged": "yes",
                "save": "1",
            },
        )
        initiative.refresh_from_db()
        assert initiative.decision_owner == users["sponsor"]
        assert initiative.accountable_person == users["sponsor"]
        assert initiative.operator_view == "Verdict and confidence"
        assert initiative.override_logged == "yes"

        response = sponsor_client.post(
            f"{base}/3/",
            {
                "version": initiative.version,
                "allowed_actions": "Flag parts",
                "forbidden_actions": "Stop the line",
                "failure_fallback": "Manual inspection",
                "safety_critical": "no",
                "regulated": "no",
                **formset_management("data"),
                "data-0-name": "Camera images",
                "data-0-classification": "internal",
                "data-0-storage_location": "Edge server",
                "continue": "1",
            },
        )
        assert response.url == f"{base}/4/"
        initiative.refresh_from_db()
        assert initiative.data_assets.get().name == "Camera images"

        # Resuming later shows what was saved.
        page = sponsor_client.get(f"{base}/3/").content.decode()
        assert "Camera images" in page
        assert "Stop the line" in page

    def test_unknown_decision_owner_is_a_field_error_and_nothing_is_lost(
        self, sponsor_client, users
    ):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], output_actors="Operators")
        response = sponsor_client.post(
            f"/initiatives/{initiative.pk}/edit/2/",
            {
                "version": initiative.version,
                "decision_owner": "nobody.here",
                "output_actors": "Changed",
                "save": "1",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["decision_owner"] == [
            "No active portal user with the username or e-mail “nobody.here”."
        ]
        initiative.refresh_from_db()
        assert initiative.output_actors == "Operators"

    def test_explainability_questions_are_asked_saved_and_shown(self, sponsor_client, users):
        """Steps 2 and 5 ask how the people who act on the output understand and override it,
        where the model is documented and how drift is noticed; a bad answer is a field error
        that keeps what was typed and saves nothing."""
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        base = f"/initiatives/{initiative.pk}/edit"
        step2 = sponsor_client.get(f"{base}/2/").content.decode()
        assert "How is an output explained to the people who act on it?" in step2
        assert "What does the operator see, including the confidence?" in step2
        assert "Is every override logged?" in step2

        refused = sponsor_client.post(
            f"{base}/2/",
            {
                "version": initiative.version,
                "operator_view": "Score only",
                "override_logged": "sometimes",
                "save": "1",
            },
        )
        assert refused.status_code == 200
        assert "override_logged" in refused.context["form"].errors
        assert "Score only" in refused.content.decode()
        initiative.refresh_from_db()
        assert initiative.operator_view == ""

        step5 = sponsor_client.get(f"{base}/5/").content.decode()
        assert "Model documentation or model card" in step5
        assert "How does the business know the model drifted?" in step5
        sponsor_client.post(
            f"{base}/5/",
            {
                "version": initiative.version,
                "model_documentation": "Model card v3 in the QMS",
                "drift_detection": "Weekly precision report",
                "save": "1",
            },
        )
        initiative.refresh_from_db()
        assert initiative.drift_detection == "Weekly precision report"
        page = sponsor_client.get(f"/initiatives/{initiative.pk}/").content.decode()
        assert "Model card v3 in the QMS" in page
        assert "Drift noticed by" in page

    def test_formset_row_with_missing_classification_is_an_error(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        response = sponsor_client.post(
            f"/initiatives/{initiative.pk}/edit/3/",
            {
                "version": initiative.version,
                **formset_management("data"),
                "data-0-name": "Images",
                "data-0-storage_location": "Edge",
                "save": "1",
            },
        )
        formset = response.context["formsets"][0][1]
        assert formset.errors[0]["classification"] == ["This field is required."]
        assert initiative.data_assets.count() == 0

    def test_stale_form_is_refused_without_overwriting(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Mine")
        old_version = initiative.version
        sponsor_client.post(
            f"/initiatives/{initiative.pk}/edit/1/",
            step1_data(title="Saved in tab A", version=old_version),
        )
        response = sponsor_client.post(
            f"/initiatives/{initiative.pk}/edit/1/",
            step1_data(title="Saved in tab B", version=old_version),
        )
        assert response.status_code == 200
        assert "saved by someone else" in response.content.decode()
        initiative.refresh_from_db()
        assert initiative.title == "Saved in tab A"

    def test_repeated_identical_post_is_harmless(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Same")
        data = step1_data(title="Same", business_problem="Defect escapes", version=1)
        first = sponsor_client.post(f"/initiatives/{initiative.pk}/edit/1/", data)
        saved = Initiative.objects.filter(pk=initiative.pk).values().get()
        trail = list(AuditEvent.objects.values_list("seq", flat=True))
        second = sponsor_client.post(f"/initiatives/{initiative.pk}/edit/1/", data)
        assert first.status_code == second.status_code == 302
        assert saved["business_problem"] == "Defect escapes"
        assert Initiative.objects.filter(pk=initiative.pk).values().get() == saved
        assert list(AuditEvent.objects.values_list("seq", flat=True)) == trail

    def test_saving_without_a_change_says_so_instead_of_saved(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Same")
        initiative.refresh_from_db()
        data = step1_data(
            title="Same",
            business_problem=initiative.business_problem,
            expected_value=initiative.expected_value,
            phase=initiative.phase,
            version=initiative.version,
            save="1",
        )
        data.pop("creation_token")
        response = sponsor_client.post(f"/initiatives/{initiative.pk}/edit/1/", data, follow=True)
        shown = [str(m) for m in response.context["messages"]]
        assert shown == ["Nothing changed, so nothing was saved."]
        assert Initiative.objects.get(pk=initiative.pk).version == initiative.version

    def test_resume_opens_the_first_step_with_a_missing_answer(self, sponsor_client, users):
        """Everything answered but the fallback of the risk step: Resume opens that step."""
        initiative = factories.complete_initiative(sponsor=users["sponsor"], title="Half done")
        Initiative.objects.filter(pk=initiative.pk).update(failure_fallback="")
        initiative.refresh_from_db()
        page = sponsor_client.get("/initiatives/mine/").content.decode()
        first_missing = min(m.step for m in services.missing_for_submission(initiative))
        assert first_missing > 1
        assert f'href="/initiatives/{initiative.pk}/edit/{first_missing}/">Resume' in page

    def test_a_new_draft_has_no_links_to_nowhere_and_marks_the_current_step(self, sponsor_client):
        page = sponsor_client.get("/initiatives/new/").content.decode()
        assert 'href="#"' not in page
        assert page.count('aria-current="step"') == 1

    def test_step_page_marks_missing_answers(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        page = sponsor_client.get(f"/initiatives/{initiative.pk}/edit/1/").content.decode()
        assert "missing" in page


@pytest.mark.django_db
class TestSubmitPage:
    def test_detail_shows_exactly_what_is_missing(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"], title="Incomplete")
        response = sponsor_client.get(f"/initiatives/{initiative.pk}/")
        labels = [m.label for m in response.context["missing"]]
        assert "Decision owner" in labels
        assert "Who monitors it" in labels
        assert "Title" not in labels

    def test_submit_refused_with_message_when_incomplete(self, sponsor_client, users):
        initiative = factories.draft_initiative(sponsor=users["sponsor"])
        response = sponsor_client.post(f"/initiatives/{initiative.pk}/submit/", follow=True)
        assert "Not ready to submit" in response.content.decode()
        initiative.refresh_from_db()
        assert initiative.status == Status.DRAFT

    def test_complete_draft_is_submitted_and_a_second_submit_is_harmless(
        self, sponsor_client, complete_initiative
    ):
        url = f"/initiatives/{complete_initiative.pk}/submit/"
        sponsor_client.post(url)
        submitted = Initiative.objects.filter(pk=complete_initiative.pk).values().get()
        trail = list(AuditEvent.objects.values_list("seq", flat=True))
        response = sponsor_client.post(url, follow=True)
        assert submitted["status"] == Status.SUBMITTED
        assert "Already submitted" in response.content.decode()
        # The second submit changed nothing: same version and submission time, no new event.
        assert Initiative.objects.filter(pk=complete_initiative.pk).values().get() == submitted
        assert list(AuditEvent.objects.values_list("seq", flat=True)) == trail

    def test_my_initiatives_lists_own_and_co_sponsored(self, client, users):
        own = factories.draft_initiative(sponsor=users["sponsor"], title="Own idea")
        shared = factories.draft_initiative(sponsor=users["other_sponsor"], title="Shared idea")
        shared.co_sponsors.add(users["sponsor"])
        factories.draft_initiative(sponsor=users["other_sponsor"], title="Not mine")
        client.force_login(users["sponsor"])
        body = client.get("/initiatives/mine/").content.decode()
        assert own.title in body and shared.title in body
        assert "Not mine" not in body


@pytest.mark.django_db
def test_list_site_filter_with_an_id_that_cannot_exist_finds_nothing(client, users):
    factories.submitted_initiative(sponsor=users["sponsor"])
    client.force_login(users["it_lead"])
    for site in ("99999999999999999999", "²"):  # were a 500 (OverflowError, ValueError)
        response = client.get("/initiatives/", {"site": site})
        assert response.status_code == 200
    assert (
        client.get("/initiatives/", {"site": "99999999999999999999"})
        .context["page"]
        .paginator.count
        == 0
    )


# --- Acknowledgement of named roles -------------------------------------------------------


@pytest.fixture
def named_confidential(users):
    """A confidential initiative of another team naming `owner` decision owner (pending)."""
    owner = factories.UserFactory(username="owner")
    initiative = factories.submitted_initiative(
        sponsor=users["other_sponsor"],
        confidential=True,
        roles_acknowledged=False,
        decision_owner=owner,
    )
    return initiative, owner


@pytest.mark.django_db
class TestRoleAcknowledgementPages:
    def test_the_named_person_sees_the_initiative_and_confirms_in_one_click(
        self, client, named_confidential
    ):
        initiative, owner = named_confidential
        client.force_login(owner)
        page = client.get(initiative.get_absolute_url())
        assert page.status_code == 200
        assert b'id="acknowledge-decision_owner"' in page.content
        response = client.post(f"/initiatives/{initiative.pk}/roles/decision_owner/acknowledge/")
        assert response.status_code == 302
        page = client.get(initiative.get_absolute_url())
        assert b'data-acknowledgement="decision_owner" data-status="acknowledged"' in page.content
        assert b'id="acknowledge-decision_owner"' not in page.content

    def test_declining_without_a_reason_shows_the_field_error(self, client, named_confidential):
        initiative, owner = named_confidential
        client.force_login(owner)
        response = client.post(
            f"/initiatives/{initiative.pk}/roles/decision_owner/decline/", {"reason": " "}
        )
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        assert initiative.role_acknowledgements.get(role="decision_owner").status == "pending"
        response = client.post(
            f"/initiatives/{initiative.pk}/roles/decision_owner/decline/",
            {"reason": "Not my plant."},
        )
        assert response.status_code == 302
        declined = initiative.role_acknowledgements.get(role="decision_owner")
        assert (declined.status, declined.reason) == ("declined", "Not my plant.")
        page = client.get(initiative.get_absolute_url()).content.decode()
        assert "Not my plant." in page

    @pytest.mark.parametrize(
        "actor, status",
        [
            ("anonymous", 302),
            ("norole", 404),  # confidential: hidden
            ("sponsor", 404),
            ("other_sponsor", 403),
            ("it_lead", 403),
            ("admin", 403),
        ],
    )
    def test_nobody_else_confirms_or_declines(
        self, client, users, named_confidential, actor, status
    ):
        initiative, _ = named_confidential
        if actor != "anonymous":
            client.force_login(users[actor])
        base = f"/initiatives/{initiative.pk}/roles/decision_owner"
        assert client.post(f"{base}/acknowledge/").status_code == status
        assert client.post(f"{base}/decline/", {"reason": "No."}).status_code == status
        assert client.get(f"{base}/decline/").status_code == status
        assert initiative.role_acknowledgements.get(role="decision_owner").status == "pending"

    def test_an_unknown_role_is_404(self, client, named_confidential):
        initiative, owner = named_confidential
        client.force_login(owner)
        assert (
            client.post(f"/initiatives/{initiative.pk}/roles/cfo/acknowledge/").status_code == 404
        )
