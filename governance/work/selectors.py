"""My work: everything, across all initiatives, where the next move is the user's.

One selector feeds the *My work* page, its count in the navigation bar, the API, the sponsor's
*Next step* column, the "yours to do" panel on the initiative page and the summary on each
role's home page, so they never disagree. It costs a fixed number of queries (one per kind of
item), whatever the number of initiatives: each kind is one filtered, joined query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.access import restrict_to_visible
from governance.decisions.models import ChangeRequest, ChangeStatus
from governance.sessions.models import SessionStatus, WorkingSeries, WorkingSession
from initiatives.models import AcknowledgementStatus, Initiative, RoleAcknowledgement, Status
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    ReviewAssignment,
)

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2, "": 3}
# How far ahead *My work* lists working sessions.
SESSION_HORIZON = timedelta(days=7)


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the user."""

    # acknowledge_role, answer_input, confirm_input, assess, give_info, decide_change,
    # attend_session
    kind: str
    action: str  # what to do, in the user's words ("Answer", "Confirm incorporation" …)
    title: str
    initiative_id: int
    initiative_reference: str
    initiative_title: str
    link: str
    since: datetime
    severity: str = ""
    due: date | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def _sponsor_side_ids(user) -> list[int]:
    """Ids of the initiatives the user is sponsor or co-sponsor of (one query)."""
    sponsored = Initiative.objects.filter(sponsor=user).order_by().values_list("pk", flat=True)
    co_sponsored = (
        Initiative.co_sponsors.through.objects.filter(user=user)
        .order_by()
        .values_list("initiative_id", flat=True)
    )
    return list(sponsored.union(co_sponsored))


def _assignments(user) -> tuple[list[int], dict[str, list[int]]]:
    """(ids of initiatives the user reviews, {area: ids} of the area-only assignments)."""
    every: list[int] = []
    by_area: dict[str, list[int]] = {}
    rows = ReviewAssignment.objects.filter(reviewer=user).values_list(
        "initiative_id", "concern_area"
    )
    for initiative_id, area in rows:
        if area:
            by_area.setdefault(area, []).append(initiative_id)
        else:
            every.append(initiative_id)
    return every, by_area


def _visible(user, qs: QuerySet, initiative_ids: Iterable[int] | None) -> QuerySet:
    if initiative_ids is not None:
        qs = qs.filter(initiative_id__in=list(initiative_ids))
    return restrict_to_visible(user, qs, "initiative__").select_related("initiative")


def _url(initiative: Initiative, anchor: str) -> str:
    return f"{initiative.get_absolute_url()}#{anchor}"


def _item(kind, action, title, initiative, anchor, since, severity="", due=None) -> WorkItem:
    return WorkItem(
        kind=kind,
        action=action,
        title=title,
        initiative_id=initiative.pk,
        initiative_reference=initiative.reference,
        initiative_title=initiative.title,
        link=anchor if anchor.startswith("/") else _url(initiative, anchor),
        since=since,
        severity=severity,
        due=due,
    )


def work_of(user, initiative_ids: Iterable[int] | None = None) -> list[WorkItem]:
    """Every item whose next move is the user's, most severe and oldest first. Only items of
    initiatives the user may see; `initiative_ids` narrows to some initiatives."""
    if not user.is_authenticated or not user.is_active:
        return []
    if initiative_ids is not None:
        initiative_ids = list(initiative_ids)
    items: list[WorkItem] = []
    active = [Status.SUBMITTED, Status.IN_REVIEW, Status.READY_FOR_BUILD]
    # Two small reads of plain ids first: the queries below then filter on lists of ids the
    # indexes answer, instead of correlated sub-queries evaluated row by row.
    sponsor_side = _sponsor_side_ids(user)
    reviewing, reviewing_area = _assignments(user)
    all_reviewed = reviewing + [i for ids in reviewing_area.values() for i in ids]

    # Named roles the user has not confirmed yet (a declined one may still be confirmed, but
    # is no longer waiting).
    acknowledgements = _visible(
        user,
        RoleAcknowledgement.objects.filter(
            person=user, status=AcknowledgementStatus.PENDING
        ).exclude(initiative__status=Status.WITHDRAWN),
        initiative_ids,
    )
    for a in acknowledgements:
        items.append(
            _item(
                "acknowledge_role",
                "Confirm or decline your role",
                a.get_role_display(),
                a.initiative,
                f"my-role-{a.role}",
                a.named_at,
                "high",
            )
        )

    # Design inputs: the sponsor side answers open ones; IT confirms incorporated ones.
    inputs = _visible(
        user,
        DesignInput.objects.filter(
            Q(status__in=OPEN_DESIGN_INPUT_STATUSES)
            & (Q(owner=user) | Q(initiative_id__in=sponsor_side))
            | Q(status=DesignInputStatus.INCORPORATED, confirmed_at__isnull=True)
            & (Q(raised_by=user) | Q(initiative_id__in=all_reviewed))
        ).exclude(initiative__status=Status.WITHDRAWN),
        initiative_ids,
    )
    for d in inputs:
        if d.status == DesignInputStatus.INCORPORATED:
            kind, action = "confirm_input", "Confirm incorporation"
        elif d.status == DesignInputStatus.SOLUTION_PROPOSED:
            kind, action = "answer_input", "Incorporate the proposed solution"
        else:
            kind, action = "answer_input", "Answer the design input"
        items.append(
            _item(
                kind,
                action,
                d.title,
                d.initiative,
                reverse("reviews:design_input", args=[d.pk]),
                d.created_at,
                d.severity,
                d.due_date,
            )
        )

    # Assessments: reviewers complete theirs; the sponsor side answers "needs info".
    mine = Q(reviewer=user) | Q(initiative_id__in=reviewing)
    for area, ids in reviewing_area.items():
        mine |= Q(area=area, initiative_id__in=ids)
    assessments = _visible(
        user,
        ConcernAssessment.objects.filter(initiative__status__in=active[:2]).filter(
            Q(status__in=[AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS]) & mine
            | Q(status=AssessmentStatus.NEEDS_INFO, initiative_id__in=sponsor_side)
        ),
        initiative_ids,
    )
    for a in assessments:
        if a.status == AssessmentStatus.NEEDS_INFO:
            kind, action = "give_info", "Give IT the information it needs"
        else:
            kind, action = "assess", "Complete the assessment"
        items.append(
            _item(
                kind,
                action,
                a.get_area_display(),
                a.initiative,
                reverse("reviews:assessment", args=[a.pk]),
                a.updated_at,
            )
        )

    # Change requests: the initiative's IT reviewers decide.
    changes = _visible(
        user,
        ChangeRequest.objects.filter(status=ChangeStatus.OPEN, initiative_id__in=all_reviewed),
        initiative_ids,
    )
    for c in changes:
        items.append(
            _item(
                "decide_change",
                "Decide the change request",
                c.get_kind_display(),
                c.initiative,
                "changes",
                c.requested_at,
            )
        )

    # Working sessions this week, with their agendas.
    now = timezone.now()
    sessions = _visible(
        user,
        WorkingSession.objects.filter(
            status=SessionStatus.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + SESSION_HORIZON,
        ).filter(
            Q(initiative__sponsor=user)
            | Q(series__in=WorkingSeries.objects.filter(participants=user).values("pk"))
        ),
        initiative_ids,
    )
    for s in sessions:
        items.append(
            _item(
                "attend_session",
                "Prepare the working session",
                f"{timezone.localtime(s.starts_at):%a %d %b %H:%M}",
                s.initiative,
                reverse("sessions:session", args=[s.pk]),
                s.starts_at,
            )
        )
    return sorted(items, key=_order)


def _order(item: WorkItem):
    # Sessions by date after the findings; within findings most severe, then oldest.
    session = item.kind == "attend_session"
    return (session, SEVERITY_RANK.get(item.severity, 3), item.since)


def next_steps(user, initiative_ids: Iterable[int]) -> dict[int, WorkItem]:
    """The first item of each initiative (for the sponsor's *Next step* column)."""
    out: dict[int, WorkItem] = {}
    for item in work_of(user, initiative_ids):
        out.setdefault(item.initiative_id, item)
    return out
