"""The initiative page (issue 18): a summary bar and its sections behind a table of contents,
which portal.js turns into tabs. Served without JavaScript, every section is on the page."""

import re

import pytest
from django.utils import translation

from reviews.models import AssessmentStatus, ConcernAssessment
from tests import factories

pytestmark = pytest.mark.django_db

SECTIONS = ["overview", "answers", "review", "sessions-decisions", "discussion", "history"]


def html_of(client, user, initiative):
    client.force_login(user)
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def summary(html):
    start = html.index('id="initiative-summary"')
    return html[start : html.index("</h1>", start) + 2000]


def test_every_section_is_on_the_page_in_order_with_a_table_of_contents(client, users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    html = html_of(client, users["sponsor"], initiative)
    toc = html[html.index('data-tabs="initiative"') : html.index("</nav>", html.index("data-tabs"))]
    assert re.findall(r'href="#([a-z-]+)"', toc) == SECTIONS
    positions = [html.index(f'<section class="initiative-section" id="{s}">') for s in SECTIONS]
    assert positions == sorted(positions)
    sections = dict(zip(SECTIONS, positions[1:] + [len(html)], strict=True))

    def inside(section, anchor):
        start = html.index(f'id="{section}"')
        return start < html.index(f'id="{anchor}"') < sections[section]

    assert inside("overview", "answers-summary")
    assert inside("answers", "step-1") and inside("answers", "ai-act")
    assert inside("review", "assessments") and inside("review", "design-inputs")
    assert inside("review", "reviewers")
    assert inside("sessions-decisions", "decisions")
    assert inside("sessions-decisions", "working-sessions")
    assert inside("discussion", "thread")
    assert inside("history", "it-involvement") and inside("history", "milestones")


def test_the_summary_shows_status_risk_readiness_and_what_is_yours(client, users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    areas = list(
        ConcernAssessment.objects.filter(initiative=initiative).values_list("area", flat=True)
    )
    ConcernAssessment.objects.filter(initiative=initiative, area__in=areas[:4]).update(
        status=AssessmentStatus.SATISFIED, score=2
    )
    ConcernAssessment.objects.filter(initiative=initiative, area=areas[4]).update(
        not_applicable_reason="In-house"
    )
    factories.design_input(initiative=initiative, raised_by=users["reviewer"], title="Encrypt")
    bar = summary(html_of(client, users["sponsor"], initiative))
    assert initiative.title in bar and initiative.reference in bar
    assert "badge-status-in_review" in bar and "badge-risk-" in bar
    assert "5 of 7 concerns assessed" in bar
    assert re.search(r'href="#yours-to-do" id="summary-yours">.*1 thing yours to do', bar)
    # The other sponsor sees the public initiative with nothing to do on it.
    bar = summary(html_of(client, users["other_sponsor"], initiative))
    assert 'id="summary-yours">Nothing yours to do' in bar


def test_a_draft_shows_not_assessed_and_no_review_panels(client, users):
    draft = factories.complete_initiative(sponsor=users["sponsor"])
    html = html_of(client, users["sponsor"], draft)
    assert "Not assessed yet" in summary(html)
    assert 'id="review-not-started"' in html and 'id="assessments"' not in html
    assert 'id="working-sessions"' not in html  # as before: no sessions on a draft
    assert 'id="thread"' in html


def test_the_page_does_not_cost_more_queries_for_the_summary(
    client, users, django_assert_max_num_queries
):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    factories.design_input(initiative=initiative, raised_by=users["reviewer"])
    client.force_login(users["reviewer"])
    client.get(initiative.get_absolute_url())
    # As many as before the page had a summary and sections (44 with My work's 9, see
    # tests/reviews/test_views.py): the summary reads what the panels and navigation read.
    with django_assert_max_num_queries(44):
        assert client.get(initiative.get_absolute_url()).status_code == 200


def test_the_page_is_translated_to_german(client, users):
    initiative = factories.in_review_initiative(
        sponsor=users["sponsor"], it_lead=users["it_lead"], reviewer=users["reviewer"]
    )
    client.force_login(users["sponsor"])
    with translation.override("en"):  # the request's German ends with it
        response = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()
    assert ">Übersicht</a>" in html and ">Sitzungen & Entscheidungen</a>" in html
    assert "von 7 Themenfeldern bewertet" in html
