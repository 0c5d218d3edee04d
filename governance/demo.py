"""Demo data of the governance app. Each part lives in its own function; `load` calls them:
working sessions first, then decisions and change control, then reminders and risk status last
(risk reads everything the other parts created)."""

from datetime import time, timedelta

from django.utils import timezone

from initiatives.models import ACTIVE_STATUSES, Initiative
from reviews.models import AssessmentStatus, ConcernAssessment
from reviews.services import update_assessment

from .channels import demo as channels_demo
from .compliance import demo as compliance_demo
from .dashboard import demo as dashboard_demo
from .decisions.models import ChangeKind, ChangeStatus, DecisionKind
from .decisions.services import (
    decide_change,
    raise_concern_for_next_session,
    record_decision,
    record_release,
    request_change,
)
from .handoff import demo as handoff_demo
from .risk.services import recompute
from .sessions import reminders
from .sessions.models import Cadence, SessionStatus, WorkingSession
from .sessions.services import cancel_session, record_session, set_series, slot_datetimes


def load(context: dict) -> None:
    load_working_sessions(context)
    load_decisions_and_change_control(context)
    compliance_demo.load(context)
    load_conversations(context)
    send_demo_reminders(context)
    deliver_demo_notifications(context)
    compute_demo_risk(context)
    dashboard_demo.load(context)
    # Last: the demo's own workflow moves are not posted to the channels' (fake) addresses.
    channels_demo.load(context)
    handoff_demo.load(context)


def _vendor(initiative: Initiative, name: str):
    return initiative.vendors.filter(name=name).first()


def load_decisions_and_change_control(context: dict) -> None:
    """Decision logs, production versions and change requests that tell a story: vendor
    chosen with IT, a risk accepted by the accountable plant manager, an escalation, and a
    new model version that re-opened the assessments of a pilot already in production."""
    users, initiatives = context["users"], context["initiatives"]
    lena, helen, tom = users["lena"], users["helen"], users["tom"]

    vqi = initiatives["vqi"]
    record_decision(
        initiative=vqi,
        user=lena,
        kind=DecisionKind.ARCHITECTURE,
        summary="Inference on the line's edge GPU; only verdicts go to the MES",
        rationale="Keeps images in the plant and the line running when the WAN is down.",
    )
    record_decision(
        initiative=vqi,
        user=lena,
        kind=DecisionKind.VENDOR_SELECTION,
        summary="Cognex VisionPro Deep Learning selected",
        rationale="Runs on-premises on supported hardware; plant IT already operates Cognex "
        "cameras; exportable models reduce lock-in.",
        vendor=_vendor(vqi, "Cognex"),
    )
    record_decision(
        initiative=vqi,
        user=lena,
        kind=DecisionKind.RISK_ACCEPTANCE,
        summary="False rejects up to 1.5 % during the first three months",
        rationale="Rejected parts are re-inspected manually; cost is lower than today's escapes.",
        accountable=tom,
    )

    dfc = initiatives["dfc"]
    record_decision(
        initiative=dfc,
        user=users["priya"],
        kind=DecisionKind.ESCALATION,
        summary="Vendor shortlist stalled on data residency of the installed base",
        rationale="Two working sessions without agreement whether Salesforce data may leave "
        "the EU tenant; needs an executive call on the customer-data policy.",
        partnership_declined=True,
        discussed_in_session="yes",
    )
    # The partnership route taken instead of an escalation: on the next session's agenda.
    raise_concern_for_next_session(
        initiative=vqi,
        user=users["sofia"],
        area="architecture",
        title="Who pays for the edge GPUs after the pilot?",
        description="Plant budget or central IT: we would rather settle it together than escalate.",
    )
    # "Tool chosen before IT was involved", caught as it happened: IT has not scored it yet.
    ppe = initiatives["ppe"]
    record_decision(
        initiative=ppe,
        user=users["marco"],
        kind=DecisionKind.VENDOR_SELECTION,
        summary="Protex AI selected for the press-shop pilot",
        rationale="Works with the existing press-shop cameras.",
        unscored_rationale="The EHS budget for this year must be committed by the end of the "
        "month; IT's scoring follows in the next session.",
        vendor=_vendor(ppe, "Protex AI"),
    )

    paint = initiatives["paint"]
    record_decision(
        initiative=paint,
        user=helen,
        kind=DecisionKind.APPROVAL,
        summary="Approved for the Querétaro paint line pilot",
        conditions="Operators confirm every rework suggestion for the first 8 weeks; "
        "monthly drift report to plant IT.",
    )
    first = record_release(
        initiative=paint,
        user=lena,
        model_name="Paint defect classifier",
        model_version="1.3",
        vendor_name="Azure ML managed endpoint",
        vendor_version="2025-10",
        notes="Pilot release after the CAB of week 40.",
    )
    change = request_change(
        initiative=paint,
        user=users["sofia"],
        kind=ChangeKind.NEW_MODEL_VERSION,
        description="Retrained on six months of pilot images; adds orange-peel defects.",
    )
    decide_change(change=change, user=lena, to_status=ChangeStatus.APPROVED)
    record_release(
        initiative=paint,
        user=lena,
        model_name=first.model_name,
        model_version="1.4",
        vendor_name=first.vendor_name,
        vendor_version=first.vendor_version,
        change_request=change,
        notes="Shadow-mode comparison passed: recall +6 points, no new false rejects.",
    )
    decide_change(change=change, user=lena, to_status=ChangeStatus.IMPLEMENTED)
    # The change re-opened concerns; the reviewer assessed them again after the shadow-mode
    # comparison, so the initiative is still ready for build by the rule.
    for assessment in ConcernAssessment.objects.filter(initiative=paint):
        if not assessment.counts_as_assessed:
            update_assessment(
                assessment=assessment,
                user=users["ravi"],
                score=2,
                status=AssessmentStatus.SATISFIED,
                rationale="Re-assessed after release 1.4: shadow-mode comparison passed.",
            )

    request_change(
        initiative=initiatives["pdm"],
        user=users["marco"],
        kind=ChangeKind.NEW_DATA_SOURCE,
        description="Add oil-analysis lab results (LIMS export) as a model feature.",
    )
    air = initiatives["air"]
    change = request_change(
        initiative=air,
        user=users["marco"],
        kind=ChangeKind.NEW_INTEGRATION,
        description="Write setpoint recommendations to the building management system.",
    )
    record_decision(
        initiative=air,
        user=lena,
        kind=DecisionKind.ARCHITECTURE,
        summary="Recommendations only: the BMS integration is read-only plus a ticket",
        rationale="The forbidden actions exclude changing setpoints; a ticket keeps a human "
        "in the loop.",
    )
    decide_change(change=change, user=lena, to_status=ChangeStatus.REJECTED)


# key: (cadence, weekday, hour, weeks since the series started, held recently?, location)
WORKING_SERIES = {
    "vqi": (Cadence.WEEKLY, 1, 10, 10, True, "Augsburg, Line 3 meeting room / Teams"),
    "pdm": (Cadence.BIWEEKLY, 2, 14, 12, True, "https://teams.example.com/l/pdm-working-session"),
    "dfc": (Cadence.BIWEEKLY, 3, 9, 12, False, "Brno plant, room B2"),
    "air": (Cadence.WEEKLY, 0, 15, 8, False, "https://teams.example.com/l/air-compressors"),
    "weld": (Cadence.MONTHLY, 4, 11, 16, True, "Querétaro, quality lab"),
    "sched": (Cadence.MONTHLY, 2, 16, 20, True, "https://teams.example.com/l/scheduling"),
}

NOTES = (
    "Walked through the open design inputs. Vendor to confirm where images are processed; "
    "plant IT to check edge server capacity before the pilot.",
    "Agreed the integration pattern: read-only MES access through the integration layer, "
    "no direct database connection. Security review of the vendor's SOC 2 report next time.",
    "Reviewed the support model with plant IT operations; monitoring alerts go to the "
    "24/7 desk. Model update process to be written down by the sponsor team.",
)


def load_working_sessions(context: dict) -> None:
    """Standing sessions for the initiatives IT works on, with some history: some have met
    regularly (notes, attendance), others have not met for weeks and show as at risk."""
    users = context["users"]
    lead = users["lena"]
    participants = [users["ravi"], users["jonas"], lead]
    now = timezone.now()
    today = timezone.localdate()
    for key, (cadence, weekday, hour, weeks, held_recently, location) in WORKING_SERIES.items():
        initiative = context["initiatives"].get(key)
        if initiative is None or initiative.status not in ACTIVE_STATUSES:
            continue
        series = set_series(
            initiative=initiative,
            user=lead,
            fields={
                "cadence": cadence,
                "weekday": weekday,
                "start_time": time(hour, 0),
                "time_zone": "Europe/Berlin" if key != "weld" else "America/Mexico_City",
                "duration_minutes": 60,
                "location": location,
                "starts_on": today - timedelta(weeks=weeks),
            },
            participants=participants,
        )
        past = [
            s
            for s in slot_datetimes(series, series.starts_on, today)
            if s < now - timedelta(hours=2)
        ]
        WorkingSession.objects.bulk_create(
            [
                WorkingSession(
                    series=series,
                    initiative=initiative,
                    scheduled_for=s,
                    starts_at=s,
                    duration_minutes=series.duration_minutes,
                    location=series.location,
                )
                for s in past
            ],
            ignore_conflicts=True,
        )
        # Sessions that met: all of them for regular series, only the first two otherwise.
        to_record = past if held_recently else past[:2]
        rows = WorkingSession.objects.filter(series=series, scheduled_for__in=to_record)
        for n, session in enumerate(rows.order_by("starts_at")):
            record_session(
                session=session,
                user=lead,
                notes=NOTES[n % len(NOTES)],
                decisions="Design input owners confirmed; due dates kept." if n % 2 else "",
                attendees=[initiative.sponsor, *participants[: 2 + n % 2]],
            )
        if held_recently:
            # One recent occurrence was cancelled for a plant shutdown; the series goes on.
            upcoming = series.sessions.filter(status=SessionStatus.PLANNED, starts_at__gt=now)
            second = upcoming.order_by("starts_at")[1:2].first()
            if second:
                cancel_session(session=second, user=lead, reason="Plant shutdown week")


def load_conversations(context: dict) -> None:
    """A discussion on the Line 3 inspection's first design input, with @mentions, and an
    executive who follows the initiative. Idempotent: skipped when the thread has comments."""
    from reviews.models import DesignInput

    from .notifications.services import set_following
    from .threads.models import Comment
    from .threads.services import add_comment

    users, vqi = context["users"], context["initiatives"]["vqi"]
    finding = DesignInput.objects.filter(initiative=vqi).order_by("id").first()
    if finding is None or Comment.objects.filter(initiative=vqi).exists():
        return
    add_comment(
        initiative=vqi,
        user=users["sofia"],
        design_input=finding,
        body="@ravi would an **edge server in the plant** satisfy this, or does it also need "
        "the images encrypted at rest?",
    )
    add_comment(
        initiative=vqi,
        user=users["ravi"],
        design_input=finding,
        body="Edge inference is enough if the server sits in the OT zone. @lena can the plant "
        "team host it?\n\n- no images leave the site\n- retention 30 days",
    )
    add_comment(
        initiative=vqi,
        user=users["lena"],
        body="Yes — the Augsburg OT team has capacity. Let's confirm in Tuesday's session.",
    )
    set_following(user=users["helen"], initiative=vqi, follow=True)


def deliver_demo_notifications(context: dict) -> None:
    """Deliver the hand-off and system-owner notifications the demo's writes enqueued, as the relay and worker
    would, so the bell, *My work* and the console e-mail show them without a worker running."""
    from outbox.models import Message

    from .notifications.events import TASK
    from .notifications.services import notify_event, notify_system_owner

    handlers = {
        TASK: notify_event,
        "governance.notifications.tasks.notify_system_owner": notify_system_owner,
    }
    for message in Message.objects.filter(task__in=handlers).order_by("id"):
        handlers[message.task](**message.kwargs)
        message.delete()


def send_demo_reminders(context: dict) -> None:
    """Reminders due now, so the bell and the console e-mail show something at once."""
    for pk in reminders.due_reminder_session_ids():
        reminders.send_session_reminder(pk)


def compute_demo_risk(context: dict) -> None:
    """Risk status of every initiative, after everything else is loaded."""
    recompute()
