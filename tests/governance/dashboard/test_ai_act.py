"""The EU AI Act figure of the dashboard: counts per class, the filter that narrows every
figure, and the drill-down list that has as many rows as the bar says."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def classified(users):
    sponsor = users["sponsor"]
    return {
        "high": [
            factories.submitted_initiative(
                sponsor=sponsor, title="Shift ranking", ai_act_annex_iii=["workers_management"]
            ),
            factories.submitted_initiative(
                sponsor=sponsor,
                title="Press guard vision",
                ai_act_annex_i="safety_component",
                ai_act_third_party_assessment="yes",
            ),
        ],
        "transparency": factories.submitted_initiative(
            sponsor=sponsor, title="FAQ chatbot", ai_act_transparency=["interacts"]
        ),
        "minimal": factories.submitted_initiative(sponsor=sponsor, title="Oven drift"),
        "draft": factories.draft_initiative(sponsor=sponsor, title="Unscreened idea"),
    }


@pytest.mark.django_db
def test_counts_filter_and_drill_down(client, users, classified):
    client.force_login(users["executive"])
    page = client.get(reverse("dashboard:dashboard"))
    assert page.context["data"].funnel.by_ai_act == {
        "prohibited": 0,
        "high_risk": 2,
        "transparency": 1,
        "minimal": 1,
        "none": 1,
    }
    chart = page.context["charts"]["ai_act"]
    assert 'data-key="high_risk"' in chart and "ai_act=high_risk" in chart

    drill = client.get(reverse("dashboard:initiatives"), {"ai_act": "high_risk"})
    titles = {i.title for i in drill.context["page"]}
    assert titles == {"Shift ranking", "Press guard vision"}
    assert "EU AI Act: High-risk" in drill.context["described"]

    filtered = client.get(reverse("dashboard:dashboard"), {"ai_act": "none"})
    assert filtered.context["data"].funnel.total == 1
    assert filtered.context["data"].funnel.by_status["draft"] == 1


@pytest.mark.django_db
def test_api_serves_the_figure_and_refuses_an_unknown_class(api_as, users, classified):
    api = api_as("executive")
    body = api.get("/api/dashboard/", {"ai_act": "transparency"}).json()
    assert body["funnel"]["total"] == 1
    assert body["funnel"]["by_ai_act"]["transparency"] == 1
    assert body["portfolio"][0]["ai_act_class"] == "transparency"
    bad = api.get("/api/dashboard/", {"ai_act": "dangerous"})
    assert bad.status_code == 400 and "ai_act" in bad.json()["errors"]


@pytest.mark.django_db
def test_queue_shows_the_class(client, api_as, users, classified):
    client.force_login(users["it_lead"])
    page = client.get(reverse("reviews:queue"), {"tab": "all"}).content.decode()
    assert "AI Act: High-risk" in page and "AI Act: Transparency obligations" in page
    rows = api_as("it_lead").get("/api/review-queue/", {"tab": "all"}).json()["results"]
    assert {row["title"]: row["ai_act_class"] for row in rows}["FAQ chatbot"] == "transparency"
