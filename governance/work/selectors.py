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

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

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


# Each kind of item is read as plain columns (`values()`) without its initiative, then one
# query reads the initiatives those rows belong to, restricted to the ones the user may see.
# A reviewer's list holds a thousand items: building two model instances per item (the
# initiative with its JSON answers decoded) was most of its time, and joining every kind to
# the initiatives table made PostgreSQL scan the whole portfolio for the visibility rule.
# The rows are sorted here (`_order`), so no query sorts: the models' default orderings
# would join the initiatives table again.
_PLACEHOLDER = 987654321
UNDER_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW)


class _Links:
    """Links to objects by primary key, with reverse() run once per URL name instead of once
    per item (a quarter of a reviewer's list time went to reverse())."""

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int, anchor: str = "") -> str:
        pattern = self._patterns.get(name)
        if pattern is None:
            head, _, tail = reverse(name, args=[_PLACEHOLDER]).rpartition(str(_PLACEHOLDER))
            pattern = self._patterns[name] = (head, tail)
        return f"{pattern[0]}{pk}{pattern[1]}" + (f"#{anchor}" if anchor else "")


def _labels(model, field: str) -> dict[str, str]:
    """A choice field's labels, in the active language."""
    return {key: str(label) for key, label in model._meta.get_field(field).flatchoices}


def _visible_initiatives(user, ids: set[int]) -> dict[int, tuple[str, str]]:
    """{id: (title, status)} of those of `ids` the user may see and that are not withdrawn
    (one query, by primary key)."""
    if not ids:
        return {}
    rows = (
        restrict_to_visible(
            user, Initiative.objects.filter(pk__in=ids).exclude(status=Status.WITHDRAWN)
        )
        .order_by()
        .values_list("pk", "title", "status")
    )
    return {pk: (title, status) for pk, title, status in rows}


def work_of(user, initiative_ids: Iterable[int] | None = None) -> list[WorkItem]:
    """Every item whose next move is the user's, most severe and oldest first. Only items of
    initiatives the user may see; `initiative_ids` narrows to some initiatives."""
    if not user.is_authenticated or not user.is_active:
        return []
    narrow = Q() if initiative_ids is None else Q(initiative_id__in=list(initiative_ids))
    # Two small reads of plain ids first: the queries below then filter on lists of ids the
    # indexes answer, instead of correlated sub-queries evaluated row by row.
    sponsor_side = _sponsor_side_ids(user)
    reviewing, reviewing_area = _assignments(user)
    all_reviewed = reviewing + [i for ids in reviewing_area.values() for i in ids]

    # Named roles the user has not confirmed yet (a declined one may still be confirmed, but
    # is no longer waiting).
    acknowledgements = list(
        RoleAcknowledgement.objects.filter(
            narrow, person=user, status=AcknowledgementStatus.PENDING
        ).values("role", "named_at", "initiative_id")
    )
    # Design inputs: the sponsor side answers open ones; IT confirms incorporated ones.
    inputs = list(
        DesignInput.objects.filter(narrow)
        .order_by()
        .filter(
            Q(status__in=OPEN_DESIGN_INPUT_STATUSES)
            & (Q(owner=user) | Q(initiative_id__in=sponsor_side))
            | Q(status=DesignInputStatus.INCORPORATED, confirmed_at__isnull=True)
            & (Q(raised_by=user) | Q(initiative_id__in=all_reviewed))
        )
        .values("pk", "status", "title", "created_at", "severity", "due_date", "initiative_id")
    )
    # Assessments: reviewers complete theirs; the sponsor side answers "needs info".
    mine = Q(reviewer=user) | Q(initiative_id__in=reviewing)
    for area, ids in reviewing_area.items():
        mine |= Q(area=area, initiative_id__in=ids)
    assessments = list(
        ConcernAssessment.objects.filter(narrow)
        .order_by()
        .filter(
            Q(status__in=[AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS]) & mine
            | Q(status=AssessmentStatus.NEEDS_INFO, initiative_id__in=sponsor_side)
        )
        .values("pk", "status", "area", "updated_at", "initiative_id")
    )
    # Change requests: the initiative's IT reviewers decide.
    changes = list(
        ChangeRequest.objects.filter(
            narrow, status=ChangeStatus.OPEN, initiative_id__in=all_reviewed
        )
        .order_by()
        .values("kind", "requested_at", "initiative_id")
    )
    # Working sessions this week, with their agendas.
    now = timezone.now()
    sessions = list(
        WorkingSession.objects.filter(
            narrow,
            status=SessionStatus.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + SESSION_HORIZON,
        )
        .filter(
            Q(initiative__sponsor=user)
            | Q(series__in=WorkingSeries.objects.filter(participants=user).values("pk"))
        )
        .order_by()
        .values("pk", "starts_at", "initiative_id")
    )

    kinds_of_rows = (acknowledgements, inputs, assessments, changes, sessions)
    initiatives = _visible_initiatives(
        user, {row["initiative_id"] for rows in kinds_of_rows for row in rows}
    )
    link = _Links()
    items: list[WorkItem] = []

    def add(row, kind, action, title, url, since, severity="", due=None) -> None:
        title_and_status = initiatives.get(row["initiative_id"])
        if title_and_status is None:  # hidden from the user, or withdrawn
            return
        items.append(
            WorkItem(
                kind=kind,
                action=action,
                title=title,
                initiative_id=row["initiative_id"],
                initiative_reference=Initiative.reference_of(row["initiative_id"]),
                initiative_title=title_and_status[0],
                link=url,
                since=since,
                severity=severity,
                due=due,
            )
        )

    roles = _labels(RoleAcknowledgement, "role")
    for a in acknowledgements:
        add(
            a,
            "acknowledge_role",
            gettext("Confirm or decline your role"),
            roles.get(a["role"], a["role"]),
            link("initiatives:detail", a["initiative_id"], f"my-role-{a['role']}"),
            a["named_at"],
            "high",
        )

    actions = {
        DesignInputStatus.INCORPORATED: ("confirm_input", gettext("Confirm incorporation")),
        DesignInputStatus.SOLUTION_PROPOSED: (
            "answer_input",
            gettext("Incorporate the proposed solution"),
        ),
    }
    answer = ("answer_input", gettext("Answer the design input"))
    for d in inputs:
        kind, action = actions.get(d["status"], answer)
        add(
            d,
            kind,
            action,
            d["title"],
            link("reviews:design_input", d["pk"]),
            d["created_at"],
            d["severity"],
            d["due_date"],
        )

    areas = _labels(ConcernAssessment, "area")
    give_info = ("give_info", gettext("Give IT the information it needs"))
    assess = ("assess", gettext("Complete the assessment"))
    for a in assessments:
        # Assessments wait only while the initiative is under review.
        if initiatives.get(a["initiative_id"], ("", ""))[1] not in UNDER_REVIEW:
            continue
        kind, action = give_info if a["status"] == AssessmentStatus.NEEDS_INFO else assess
        add(
            a,
            kind,
            action,
            areas.get(a["area"], a["area"]),
            link("reviews:assessment", a["pk"]),
            a["updated_at"],
        )

    change_kinds = _labels(ChangeRequest, "kind")
    for c in changes:
        add(
            c,
            "decide_change",
            gettext("Decide the change request"),
            change_kinds.get(c["kind"], c["kind"]),
            link("initiatives:detail", c["initiative_id"], "changes"),
            c["requested_at"],
        )

    for s in sessions:
        add(
            s,
            "attend_session",
            gettext("Prepare the working session"),
            date_format(timezone.localtime(s["starts_at"]), "D j M H:i"),
            link("sessions:session", s["pk"]),
            s["starts_at"],
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
