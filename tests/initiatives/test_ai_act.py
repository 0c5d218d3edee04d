"""The EU AI Act classification, table-driven: each category and their combinations, with the
reasons in words; prohibited use blocks submission; IT reviews the screening."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from core.errors import StaleEdit
from initiatives import ai_act, services
from initiatives.ai_act import Screening, classify
from initiatives.models import Initiative, Status
from tests import factories

BASE = {
    "role": "deployer",
    "prohibited": ("none",),
    "annex_i": "no",
    "annex_iii": ("none",),
    "transparency": ("none",),
    "gpai": "no",
}


def screening(**answers) -> Screening:
    return Screening(**{**BASE, **answers})


# (case, answers, class, words every reason list must contain, duty codes)
CASES = [
    ("nothing applies", {}, "minimal", ["minimal risk", "Art. 4"], []),
    *[
        (
            f"prohibited: {practice}",
            {"prohibited": (practice,)},
            "prohibited",
            [f"Prohibited practice: {ai_act.ProhibitedPractice(practice).label}", "Art. 5"],
            [],
        )
        for practice in ai_act.ProhibitedPractice.values
        if practice != "none"
    ],
    (
        "Annex I safety component, third-party assessment",
        {"annex_i": "safety_component", "third_party_assessment": "yes"},
        "high_risk",
        ["Art. 6(1)", "safety component of a product", "Machinery Regulation"],
        ["human_oversight", "log_retention", "workers_informed", "ai_literacy"],
    ),
    (
        "Annex I product, assessment not known (conservative)",
        {"annex_i": "product"},
        "high_risk",
        ["itself a product", "treated as requiring one until that is confirmed"],
        ["human_oversight", "log_retention", "workers_informed", "ai_literacy"],
    ),
    (
        "Annex I without third-party assessment",
        {"annex_i": "safety_component", "third_party_assessment": "no"},
        "minimal",
        ["Art. 6(1) does not make it high-risk"],
        [],
    ),
    *[
        (
            f"Annex III: {use}",
            {"annex_iii": (use,)},
            "high_risk",
            [f"Annex III: {ai_act.AnnexIII(use).label}"],
            ["human_oversight", "log_retention", "workers_informed"]
            + (["fria"] if use == "essential_services" else [])
            + ["ai_literacy"],
        )
        for use in ai_act.AnnexIII.values
        if use != "none"
    ],
    *[
        (
            f"transparency: {case}",
            {"transparency": (case,)},
            "transparency",
            [f"Transparency obligation: {ai_act.Transparency(case).label}"],
            [],
        )
        for case in ai_act.Transparency.values
        if case != "none"
    ],
    (
        "uses a GPAI model: no class of its own",
        {"gpai": "uses"},
        "minimal",
        ["general-purpose AI model", "Art. 53"],
        [],
    ),
    (
        "provides a GPAI model",
        {"gpai": "provides", "transparency": ("generates_content",)},
        "transparency",
        ["Art. 55", "Art. 50(2)"],
        [],
    ),
    (
        "prohibited wins over high-risk and transparency",
        {
            "prohibited": ("workplace_emotion",),
            "annex_iii": ("workers_management",),
            "transparency": ("emotion_or_biometric",),
        },
        "prohibited",
        ["Art. 5(1)(f)"],
        [],
    ),
    (
        "high-risk with transparency duties on top",
        {"annex_iii": ("emotion_recognition",), "transparency": ("emotion_or_biometric",)},
        "high_risk",
        ["Annex III 1(c)", "Transparency obligation", "Art. 50(3)"],
        ["human_oversight", "log_retention", "workers_informed", "ai_literacy"],
    ),
    (
        "Annex I and Annex III together: both reasons",
        {
            "annex_i": "safety_component",
            "third_party_assessment": "yes",
            "annex_iii": ("workers_management",),
        },
        "high_risk",
        ["Art. 6(1)", "Annex III 4(b)"],
        ["human_oversight", "log_retention", "workers_informed", "ai_literacy"],
    ),
    (
        "provider of a high-risk system",
        {"role": "provider", "annex_iii": ("recruitment",)},
        "high_risk",
        ["Annex III 4(a)", "Art. 16"],
        ["provider_conformity", "ai_literacy"],
    ),
    (
        "both provider and deployer",
        {"role": "both", "annex_iii": ("critical_infrastructure",)},
        "high_risk",
        ["Annex III 2"],
        [
            "human_oversight",
            "log_retention",
            "workers_informed",
            "provider_conformity",
            "ai_literacy",
        ],
    ),
]


@pytest.mark.parametrize(
    ("answers", "level", "words", "duties"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_classification(answers, level, words, duties):
    result = classify(screening(**answers))
    text = " ".join(result.reasons)
    assert result.level == level, text
    for word in words:
        assert word in text
    assert [d.code for d in result.duties] == duties
    # Every reason is a sentence a person can read.
    assert all(r[0].isupper() and r.endswith(".") for r in result.reasons)


def test_high_risk_reasons_name_every_duty_with_its_article():
    result = classify(screening(annex_iii=("workers_management",)))
    assert result.reasons[-1].startswith("As a high-risk system it needs: human oversight")
    for article in ("Art. 26(2)", "Art. 26(6)", "Art. 26(7)", "Art. 4"):
        assert article in result.reasons[-1]


@pytest.mark.parametrize("missing", ["role", "annex_i", "gpai"])
def test_unanswered_question_is_not_screened(missing):
    result = classify(screening(**{missing: ""}))
    assert (result.level, result.complete, result.label) == ("", False, "Not screened")
    assert result.reasons == ["The EU AI Act screening is not complete yet."]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (["none"], None),
        (["social_scoring", "manipulation"], None),
        (["none", "social_scoring"], "cannot be combined"),
        (["weather"], "Unknown choice(s): weather"),
        (["manipulation", "manipulation"], "once"),
        ("manipulation", "Send a list"),
    ],
)
def test_answer_lists_are_validated(values, problem):
    result = ai_act.validate_choice_list(ai_act.ProhibitedPractice, values)
    assert (result is None) if problem is None else (problem in result)


# --- Intake: stored class, blocking of prohibited use, IT review ------------------------------


def post_step_six(client, user, initiative, **answers):
    """Post step 6 of the intake as the browser does: the minimal answers, with `answers` on
    top; follows the redirect of a successful save."""
    client.force_login(user)
    data = {"version": initiative.version, "save": "1", **factories.MINIMAL_SCREENING, **answers}
    return client.post(reverse("initiatives:edit", args=[initiative.pk, 6]), data, follow=True)


@pytest.mark.django_db
class TestIntake:
    def test_class_is_derived_on_save_and_audited(self, users, complete_initiative):
        assert complete_initiative.ai_act_class == "minimal"
        updated = services.update_initiative(
            initiative=complete_initiative,
            user=users["sponsor"],
            fields={"ai_act_annex_iii": ["workers_management"]},
            expected_version=complete_initiative.version,
        )
        assert updated.ai_act_class == "high_risk"
        event = AuditEvent.objects.filter(initiative=updated).last()
        assert event.changes["ai_act_class"] == ["minimal", "high_risk"]
        assert event.changes["ai_act_annex_iii"] == [["none"], ["workers_management"]]

    def test_prohibited_use_blocks_submission_with_the_reason(self, users):
        initiative = factories.complete_initiative(
            sponsor=users["sponsor"], ai_act_prohibited=["workplace_emotion"]
        )
        assert initiative.ai_act_class == "prohibited"
        version = initiative.version
        with pytest.raises(services.ProhibitedUse) as refused:
            services.submit_initiative(initiative=initiative, user=users["sponsor"])
        assert "Art. 5(1)(f)" in str(refused.value)
        assert "ai_act_prohibited" in refused.value.field_errors
        initiative.refresh_from_db()
        assert (initiative.status, initiative.version) == (Status.DRAFT, version)
        assert not AuditEvent.objects.filter(action="initiative.submitted").exists()

    def test_prohibited_use_refused_in_the_browser(self, client, users):
        initiative = factories.complete_initiative(
            sponsor=users["sponsor"], ai_act_prohibited=["social_scoring"]
        )
        client.force_login(users["sponsor"])
        response = client.post(reverse("initiatives:submit", args=[initiative.pk]), follow=True)
        assert (
            "Cannot be submitted: Prohibited practice: Social scoring" in response.content.decode()
        )
        assert Initiative.objects.get(pk=initiative.pk).status == Status.DRAFT

    def test_prohibited_use_refused_in_the_api(self, api_as, users):
        initiative = factories.complete_initiative(
            sponsor=users["sponsor"], ai_act_prohibited=["facial_scraping"]
        )
        response = api_as("sponsor").post(f"/api/initiatives/{initiative.pk}/submit/")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "rule"
        assert "Art. 5(1)(e)" in body["errors"]["ai_act_prohibited"][0]
        assert Initiative.objects.get(pk=initiative.pk).status == Status.DRAFT

    def test_step_six_refuses_none_with_others_beside_the_field(self, client, users):
        initiative = factories.complete_initiative(sponsor=users["sponsor"])
        response = post_step_six(
            client, users["sponsor"], initiative, ai_act_prohibited=["none", "social_scoring"]
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "ai_act_prohibited": ["“None of these” cannot be combined with other answers."]
        }
        assert Initiative.objects.get(pk=initiative.pk).ai_act_prohibited == ["none"]

    def test_step_six_saves_and_the_page_shows_the_reasons(self, client, users):
        initiative = factories.complete_initiative(sponsor=users["sponsor"])
        response = post_step_six(
            client,
            users["sponsor"],
            initiative,
            ai_act_annex_i="safety_component",
            ai_act_third_party_assessment="yes",
            ai_act_gpai="uses",
            review="1",
        )
        page = response.content.decode()
        assert Initiative.objects.get(pk=initiative.pk).ai_act_class == "high_risk"
        assert 'data-class="high_risk"' in page
        assert "High-risk under Art. 6(1)" in page

    def test_it_reviews_and_corrects_the_screening(self, users):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        reviewed = services.review_screening(
            initiative=initiative,
            user=users["reviewer"],
            answers={"ai_act_annex_iii": ["workers_management"]},
            note="It allocates shifts by individual performance: Annex III 4(b).",
            expected_version=initiative.version,
        )
        assert reviewed.ai_act_class == "high_risk"
        assert reviewed.ai_act_reviewed_by == users["reviewer"]
        event = AuditEvent.objects.get(action="initiative.ai_act_reviewed")
        assert event.changes["ai_act_class"] == ["minimal", "high_risk"]

    def test_review_refusals_change_nothing(self, users):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        version = initiative.version
        with pytest.raises(PermissionDenied):
            services.review_screening(
                initiative=initiative,
                user=users["sponsor"],
                answers={},
                note="Fine.",
                expected_version=version,
            )
        with pytest.raises(StaleEdit):
            services.review_screening(
                initiative=initiative,
                user=users["it_lead"],
                answers={"ai_act_gpai": "uses"},
                note="Fine.",
                expected_version=version - 1,
            )
        with pytest.raises(services.FieldRuleError):
            services.review_screening(
                initiative=initiative,
                user=users["it_lead"],
                answers={},
                note="  ",
                expected_version=version,
            )
        initiative.refresh_from_db()
        assert (initiative.version, initiative.ai_act_gpai) == (version, "no")
        assert initiative.ai_act_reviewed_at is None

    def test_api_review_and_classification(self, api_as, users):
        initiative = factories.in_review_initiative(
            sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
        )
        client = api_as("reviewer")
        bad = client.post(
            f"/api/initiatives/{initiative.pk}/review-screening/",
            {"ai_act_annex_iii": ["none", "recruitment"], "note": "x"},
            format="json",
        )
        assert bad.status_code == 400
        assert "cannot be combined" in bad.json()["errors"]["ai_act_annex_iii"][0]
        ok = client.post(
            f"/api/initiatives/{initiative.pk}/review-screening/",
            {"ai_act_annex_iii": ["recruitment"], "note": "Filters applicants."},
            format="json",
            HTTP_IF_MATCH=f'"{initiative.version}"',
        )
        assert ok.status_code == 200, ok.content
        body = ok.json()
        assert body["ai_act_class"] == "high_risk"
        assert body["ai_act_classification"]["label"] == "High-risk"
        assert any("Annex III 4(a)" in r for r in body["ai_act_classification"]["reasons"])
        assert [d["code"] for d in body["ai_act_classification"]["duties"]][0] == (
            "human_oversight"
        )
        listed = client.get("/api/initiatives/?ai_act_class=high_risk").json()
        assert [row["id"] for row in listed["results"]] == [initiative.pk]
