"""The reviewer's scoring page (issue 18): the sponsor's answers that matter for the concern,
*Next concern* and *Save and go to next concern*; and the selectors behind them."""

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives.models import VendorCandidate
from reviews import selectors
from reviews.models import AssessmentStatus, ConcernArea, ConcernAssessment
from tests import factories

pytestmark = pytest.mark.django_db

ORDER = list(ConcernArea.values)


def assessment(initiative, area):
    return ConcernAssessment.objects.get(initiative=initiative, area=area)


def satisfy(initiative, *areas):
    ConcernAssessment.objects.filter(initiative=initiative, area__in=areas).update(
        status=AssessmentStatus.SATISFIED, score=2
    )


def page(client, user, item):
    client.force_login(user)
    return client.get(reverse("reviews:assessment", args=[item.pk]))


# --- the selectors -------------------------------------------------------------------------


def test_every_area_has_answers_and_every_answer_is_known():
    assert set(selectors.CONCERN_ANSWERS) == set(ConcernArea.values)
    for keys in selectors.CONCERN_ANSWERS.values():
        assert keys and len(set(keys)) == len(keys)
        assert set(keys) <= set(selectors._ANSWERS)


def test_security_answers_are_the_data_and_the_boundaries(users, reviewed):
    with translation.override("en"):
        answers = selectors.sponsor_answers_for(reviewed, ConcernArea.SECURITY)
    by_key = {a.key: a for a in answers}
    assert list(by_key)[:2] == ["data_assets", "forbidden_actions"]
    assert by_key["data_assets"].lines == ("Camera images — Internal; stored in Plant edge server",)
    assert by_key["data_assets"].step == 3
    assert by_key["forbidden_actions"].lines == ("Never stop the line.",)
    assert by_key["allowed_actions"].lines == ()  # not answered: shown as such
    assert "integrations" not in by_key and "vendors" not in by_key
    with translation.override("de"):
        german = selectors.sponsor_answers_for(reviewed, ConcernArea.SECURITY)
        assert str(german[0].label) == "Daten, auf die sie zugreift"  # lazy: read when shown
    # The classification is a choice: German too.
    assert german[0].lines == ("Camera images — Intern; gespeichert in Plant edge server",)


def test_ownership_names_people_not_usernames(users, reviewed):
    owner = users["sponsor"]
    owner.first_name, owner.last_name = "Sofia", "Berger"
    owner.save()
    reviewed.refresh_from_db()
    answers = {a.key: a for a in selectors.sponsor_answers_for(reviewed, ConcernArea.OWNERSHIP)}
    assert answers["decision_owner"].lines == ("Sofia Berger",)
    assert answers["accountable_person"].lines == ("Sofia Berger",)
    assert answers["override_authority"].lines == ("Shift supervisor",)


def test_vendor_answers_list_the_vendors(users, reviewed):
    VendorCandidate.objects.create(initiative=reviewed, name="Cognex", product="ViDi")
    answers = {a.key: a for a in selectors.sponsor_answers_for(reviewed, ConcernArea.VENDOR)}
    assert answers["vendors"].lines == ("Cognex — ViDi",)
    assert "data_assets" not in answers


def test_an_unknown_area_has_no_answers(users, reviewed):
    assert selectors.sponsor_answers_for(reviewed, "weather") == []


def test_rows_cost_one_query_each_whatever_their_number(users, reviewed, django_assert_num_queries):
    for n in range(5):
        reviewed.data_assets.create(name=f"Set {n}", classification="public", storage_location="EU")
    with django_assert_num_queries(2):  # data assets and integrations, not one per row
        answers = selectors.sponsor_answers_for(reviewed, ConcernArea.ARCHITECTURE)
    assert len({a.key: a for a in answers}["data_assets"].lines) == 6


def test_next_concern_follows_the_area_order_and_skips_assessed_ones(users, reviewed):
    satisfy(reviewed, ORDER[1])
    ConcernAssessment.objects.filter(initiative=reviewed, area=ORDER[2]).update(
        not_applicable_reason="Built in-house"
    )
    first = assessment(reviewed, ORDER[0])
    assert selectors.next_concern_to_assess(first).area == ORDER[3]


def test_next_concern_wraps_round_and_is_none_when_nothing_is_left(users, reviewed):
    last = assessment(reviewed, ORDER[-1])
    assert selectors.next_concern_to_assess(last).area == ORDER[0]
    satisfy(reviewed, *ORDER[:-1])
    assert selectors.next_concern_to_assess(last) is None


def test_next_concern_keeps_to_the_reviewers_areas(users, reviewed):
    first = assessment(reviewed, ORDER[0])
    allowed = {ORDER[0], ORDER[4]}
    assert selectors.next_concern_to_assess(first, allowed).area == ORDER[4]
    assert selectors.next_concern_to_assess(first, {ORDER[0]}) is None


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_the_answers_for_this_concern_and_not_others(client, users, reviewed):
    VendorCandidate.objects.create(initiative=reviewed, name="Cognex")
    html = page(client, users["reviewer"], assessment(reviewed, ConcernArea.SECURITY)).content
    html = html.decode()
    # The answers come first, above the scoring fields.
    panel = html[html.index('id="sponsor-answers"') : html.index('<form method="post" novalidate')]
    assert "Camera images" in panel and "Never stop the line." in panel
    assert 'data-answer="data_assets"' in panel
    assert "Cognex" not in panel and "Opcenter MES" not in panel  # vendor, architecture
    html = page(client, users["reviewer"], assessment(reviewed, ConcernArea.VENDOR)).content
    assert b"Cognex" in html and b"Camera images" not in html


def test_next_concern_links_to_the_next_unassessed_area(client, users, reviewed):
    satisfy(reviewed, ORDER[1])
    response = page(client, users["reviewer"], assessment(reviewed, ORDER[0]))
    following = assessment(reviewed, ORDER[2])
    html = response.content.decode()
    assert f'href="{reverse("reviews:assessment", args=[following.pk])}" id="next-concern"' in html
    assert f'href="{reviewed.get_absolute_url()}#assessments" id="back-to-initiative"' in html
    assert 'id="save-and-next"' in html


def test_no_next_concern_on_the_last_one_left(client, users, reviewed):
    satisfy(reviewed, *ORDER[1:])
    html = page(client, users["reviewer"], assessment(reviewed, ORDER[0])).content.decode()
    assert 'id="next-concern"' not in html and 'id="save-and-next"' not in html
    assert 'id="no-next-concern"' in html and 'id="back-to-initiative"' in html


def form(item, then):
    return {
        "score": "3",
        "status": "satisfied",
        "rationale": "Fine",
        "version": item.version,
        "then": then,
    }


def test_save_and_next_saves_then_opens_the_next_concern(client, users, reviewed):
    item = assessment(reviewed, ORDER[0])
    client.force_login(users["reviewer"])
    url = reverse("reviews:assessment", args=[item.pk])
    response = client.post(url, form(item, "next"))
    following = assessment(reviewed, ORDER[1])
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:assessment", args=[following.pk])
    item.refresh_from_db()
    assert item.status == AssessmentStatus.SATISFIED and item.score == 3
    # The plain save stays on the page.
    response = client.post(
        reverse("reviews:assessment", args=[following.pk]), form(following, "stay")
    )
    assert response["Location"] == reverse("reviews:assessment", args=[following.pk])


def test_save_and_next_on_the_last_goes_back_to_the_initiative(client, users, reviewed):
    satisfy(reviewed, *ORDER[1:])
    item = assessment(reviewed, ORDER[0])
    client.force_login(users["reviewer"])
    response = client.post(reverse("reviews:assessment", args=[item.pk]), form(item, "next"))
    assert response["Location"] == f"{reviewed.get_absolute_url()}#assessments"


def test_a_refused_save_and_next_stays_with_the_error(client, users, reviewed):
    item = assessment(reviewed, ORDER[0])
    client.force_login(users["reviewer"])
    data = {**form(item, "next"), "score": "9"}
    response = client.post(reverse("reviews:assessment", args=[item.pk]), data)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    item.refresh_from_db()
    assert item.score is None


def test_an_area_reviewer_is_led_only_to_their_areas(client, users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        concern_area=ORDER[0],
    )
    from reviews import services

    services.assign_reviewer(
        initiative=initiative,
        reviewer=users["reviewer"],
        user=users["it_lead"],
        concern_area=ORDER[3],
    )
    html = page(client, users["reviewer"], assessment(initiative, ORDER[0])).content.decode()
    target = reverse("reviews:assessment", args=[assessment(initiative, ORDER[3]).pk])
    assert f'href="{target}" id="next-concern"' in html


@pytest.mark.parametrize("who", ["sponsor", "executive"])
def test_readers_see_answers_and_next_but_cannot_save(client, users, reviewed, who):
    item = assessment(reviewed, ORDER[0])
    response = page(client, users[who], item)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sponsor-answers"' in html and 'id="next-concern"' in html
    assert 'id="save-and-next"' not in html
    response = client.post(reverse("reviews:assessment", args=[item.pk]), form(item, "next"))
    assert response.status_code == 403


def test_outsiders_still_get_404_on_a_confidential_initiative(client, users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"],
        it_lead=users["it_lead"],
        reviewer=users["reviewer"],
        confidential=True,
    )
    response = page(client, users["other_sponsor"], assessment(initiative, ORDER[0]))
    assert response.status_code == 404
