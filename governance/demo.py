"""Demo data of the governance app.

`load_decisions_and_change_control` is the audit/decision/change-control part; the working
sessions part lives in its own function, and `load` calls each of them.
"""

from initiatives.models import Initiative

from . import decisions
from .models import ChangeKind, ChangeStatus, DecisionKind


def load(context: dict) -> None:
    load_decisions_and_change_control(context)


def _vendor(initiative: Initiative, name: str):
    return initiative.vendors.filter(name=name).first()


def load_decisions_and_change_control(context: dict) -> None:
    """Decision logs, production versions and change requests that tell a story: vendor
    chosen with IT, a risk accepted by the accountable plant manager, an escalation, and a
    new model version that re-opened the assessments of a pilot already in production."""
    users, initiatives = context["users"], context["initiatives"]
    lena, helen, tom = users["lena"], users["helen"], users["tom"]

    vqi = initiatives["vqi"]
    decisions.record_decision(
        initiative=vqi,
        user=lena,
        kind=DecisionKind.ARCHITECTURE,
        summary="Inference on the line's edge GPU; only verdicts go to the MES",
        rationale="Keeps images in the plant and the line running when the WAN is down.",
    )
    decisions.record_decision(
        initiative=vqi,
        user=lena,
        kind=DecisionKind.VENDOR_SELECTION,
        summary="Cognex VisionPro Deep Learning selected",
        rationale="Runs on-premises on supported hardware; plant IT already operates Cognex "
        "cameras; exportable models reduce lock-in.",
        vendor=_vendor(vqi, "Cognex"),
    )
    decisions.record_decision(
        initiative=vqi,
        user=lena,
        kind=DecisionKind.RISK_ACCEPTANCE,
        summary="False rejects up to 1.5 % during the first three months",
        rationale="Rejected parts are re-inspected manually; cost is lower than today's escapes.",
        accountable=tom,
    )

    dfc = initiatives["dfc"]
    decisions.record_decision(
        initiative=dfc,
        user=users["priya"],
        kind=DecisionKind.ESCALATION,
        summary="Vendor shortlist stalled on data residency of the installed base",
        rationale="Two working sessions without agreement whether Salesforce data may leave "
        "the EU tenant; needs an executive call on the customer-data policy.",
    )

    paint = initiatives["paint"]
    decisions.record_decision(
        initiative=paint,
        user=helen,
        kind=DecisionKind.APPROVAL,
        summary="Approved for the Querétaro paint line pilot",
        conditions="Operators confirm every rework suggestion for the first 8 weeks; "
        "monthly drift report to plant IT.",
    )
    first = decisions.record_release(
        initiative=paint,
        user=lena,
        model_name="Paint defect classifier",
        model_version="1.3",
        vendor_name="Azure ML managed endpoint",
        vendor_version="2025-10",
        notes="Pilot release after the CAB of week 40.",
    )
    change = decisions.request_change(
        initiative=paint,
        user=users["sofia"],
        kind=ChangeKind.NEW_MODEL_VERSION,
        description="Retrained on six months of pilot images; adds orange-peel defects.",
    )
    decisions.decide_change(change=change, user=lena, to_status=ChangeStatus.APPROVED)
    decisions.record_release(
        initiative=paint,
        user=lena,
        model_name=first.model_name,
        model_version="1.4",
        vendor_name=first.vendor_name,
        vendor_version=first.vendor_version,
        change_request=change,
        notes="Shadow-mode comparison passed: recall +6 points, no new false rejects.",
    )
    decisions.decide_change(change=change, user=lena, to_status=ChangeStatus.IMPLEMENTED)

    decisions.request_change(
        initiative=initiatives["pdm"],
        user=users["marco"],
        kind=ChangeKind.NEW_DATA_SOURCE,
        description="Add oil-analysis lab results (LIMS export) as a model feature.",
    )
    air = initiatives["air"]
    change = decisions.request_change(
        initiative=air,
        user=users["marco"],
        kind=ChangeKind.NEW_INTEGRATION,
        description="Write setpoint recommendations to the building management system.",
    )
    decisions.record_decision(
        initiative=air,
        user=lena,
        kind=DecisionKind.ARCHITECTURE,
        summary="Recommendations only: the BMS integration is read-only plus a ticket",
        rationale="The forbidden actions exclude changing setpoints; a ticket keeps a human "
        "in the loop.",
    )
    decisions.decide_change(change=change, user=lena, to_status=ChangeStatus.REJECTED)
