"""The seventh concern area arrives on a running portal: every initiative that already has
its assessments gets a *not started* explainability one (and nothing else changes), the area's
checklist is seeded, and the framework references point at its questions."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.compliance.catalogue import load_catalogue
from governance.compliance.models import FrameworkReference
from reviews.models import ChecklistQuestion, ConcernArea, ConcernAssessment
from tests.conftest import need_service

BEFORE = [("reviews", "0006_not_applicable_and_fallback_tests")]
SIX = ["security", "ownership", "architecture", "governance", "vendor", "performance"]


def _migrate(targets, state_with=()):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([*targets, *state_with]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_initiatives_get_a_not_started_explainability_assessment():
    need_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    latest = _latest()
    # Earlier transactional tests may have flushed what the data migrations loaded: the
    # catalogue comes back as a fresh portal has it (the ownership question linked to Art. 14).
    ChecklistQuestion.objects.get_or_create(
        area="ownership", text="Who may override the AI, and how is that recorded?"
    )
    load_catalogue(FrameworkReference, ChecklistQuestion)
    # The other apps stay where they are: their models as the database has them.
    old = _migrate(BEFORE, [node for node in latest if node[0] == "initiatives"])
    try:
        User = old.get_model("auth", "User")
        Initiative = old.get_model("initiatives", "Initiative")
        Assessment = old.get_model("reviews", "ConcernAssessment")
        sponsor = User.objects.create(username="sponsor-before-upgrade")
        reviewed = Initiative.objects.create(title="Visual inspection", sponsor=sponsor)
        draft = Initiative.objects.create(title="Still a draft", sponsor=sponsor)
        for area in SIX:
            Assessment.objects.create(
                initiative=reviewed, area=area, status="satisfied", score=2, readiness=100
            )
        # Going back retired the area's questions (framework references may point at them).
        assert not ChecklistQuestion.objects.filter(area="explainability", active=True).exists()
    finally:
        _migrate(latest)

    rows = {a.area: a for a in ConcernAssessment.objects.filter(initiative_id=reviewed.pk)}
    assert set(rows) == set(ConcernArea.values)
    new = rows["explainability"]
    assert (new.status, new.score, new.readiness, new.version) == ("not_started", None, None, 1)
    assert all(rows[a].status == "satisfied" and rows[a].readiness == 100 for a in SIX)
    # An initiative without assessments gets all seven when IT first assigns a reviewer.
    assert not ConcernAssessment.objects.filter(initiative_id=draft.pk).exists()

    questions = ChecklistQuestion.objects.filter(area="explainability").order_by("position")
    assert [(q.position, q.active) for q in questions] == [(n, True) for n in range(1, 6)]
    assert "override" in questions[2].text
    art14 = FrameworkReference.objects.get(framework="eu_ai_act", code="Art. 14")
    assert art14.questions.filter(area="explainability").count() == 3
    assert art14.questions.filter(area="ownership").exists()  # the other links kept


@pytest.mark.django_db(transaction=True)
def test_the_review_queue_facts_of_existing_initiatives_are_filled():
    """reviews.0010 computes the queue facts of initiatives whose assessments and design inputs
    were written before the facts were kept (historical models send no signal to keep them)."""
    from initiatives.models import Initiative
    from reviews.services.queue_facts import stale_queue_facts

    need_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")
    latest = _latest()
    old = _migrate(
        [("reviews", "0009_design_inputs_awaiting_confirmation")],
        [node for node in latest if node[0] == "initiatives"],
    )
    try:
        User = old.get_model("auth", "User")
        OldInitiative = old.get_model("initiatives", "Initiative")
        sponsor = User.objects.create(username="sponsor-before-queue-facts")
        waiting = OldInitiative.objects.create(
            title="Waits for the sponsor", sponsor=sponsor, status="in_review"
        )
        started = OldInitiative.objects.create(
            title="Being assessed", sponsor=sponsor, status="in_review"
        )
        old.get_model("reviews", "ConcernAssessment").objects.create(
            initiative=waiting, area="security", status="needs_info"
        )
        old.get_model("reviews", "ConcernAssessment").objects.create(
            initiative=started, area="security", status="in_progress"
        )
        old.get_model("reviews", "DesignInput").objects.create(
            initiative=waiting,
            area="security",
            title="Residency",
            severity="high",
            raised_by=sponsor,
        )
        assert stale_queue_facts() == sorted([waiting.pk, started.pk])
    finally:
        _migrate(latest)

    assert stale_queue_facts() == []
    facts = Initiative.objects.get(pk=waiting.pk)
    assert (facts.queue_sponsor_has_work, facts.queue_open_high_inputs) == (True, 1)
    assert Initiative.objects.get(pk=started.pk).queue_it_has_work
