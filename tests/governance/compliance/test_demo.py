"""The demo shows the AI Act at work: a high-risk workers-management case with evidence on its
obligations, and an Annex I safety component."""

import pytest

from governance.compliance.models import EvidenceFile, Obligation

pytestmark = pytest.mark.django_db


def test_demo_has_the_workers_management_and_annex_i_cases():
    import governance.demo
    import initiatives.demo
    import reviews.demo

    context: dict = {}
    for part in (initiatives.demo, reviews.demo, governance.demo):
        part.load(context)
    shift, cobot = context["initiatives"]["shift"], context["initiatives"]["cobot"]

    assert shift.ai_act.level == "high_risk"
    assert any("Annex III 4(b)" in reason for reason in shift.ai_act.reasons)
    states = dict(Obligation.objects.filter(initiative=shift).values_list("code", "status"))
    assert states == {
        "human_oversight": "open",
        "log_retention": "open",
        "workers_informed": "closed",
        "ai_literacy": "open",
    }
    assert cobot.ai_act.level == "high_risk"
    assert any("Art. 6(1)" in reason for reason in cobot.ai_act.reasons)
    assert "provider_conformity" in set(
        Obligation.objects.filter(initiative=cobot).values_list("code", flat=True)
    )
    assert EvidenceFile.objects.filter(initiative__in=[shift, cobot]).count() == 2
    supplier = context["initiatives"]["supplier"]
    assert supplier.ai_act.level == "transparency"
