"""Messages that gather a person's open work: the weekly reviewer digest and the daily nudge
about overdue design inputs. Each is delivered at most once per person and period."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from core.people import speaking_to
from initiatives.models import Status
from initiatives.roles import Role
from reviews.models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    ReviewAssignment,
)

from .events import make_event, publish
from .models import DeliveryKind, OwnEventKind
from .services import deliver


def reviewer_queue(user) -> QuerySet[ConcernAssessment]:
    """Open assessments of the initiatives the reviewer is assigned to, or that they hold."""
    assigned = ReviewAssignment.objects.filter(reviewer=user)
    area_q = Q(reviewer=user)
    for initiative_id, area in assigned.values_list("initiative_id", "concern_area"):
        area_q |= Q(initiative_id=initiative_id, **({"area": area} if area else {}))
    return (
        ConcernAssessment.objects.filter(area_q)
        .filter(initiative__status__in=[Status.SUBMITTED, Status.IN_REVIEW])
        .exclude(status=AssessmentStatus.SATISFIED)
        .select_related("initiative")
        .order_by("initiative_id", "area")
    )


def send_reviewer_digests(now: datetime | None = None) -> int:
    """One digest per reviewer per ISO week, listing their open assessments."""
    now = now or timezone.now()
    year, week, _ = timezone.localdate(now).isocalendar()
    key = f"{year}-W{week:02d}"
    reviewers = (
        get_user_model()
        .objects.filter(
            Q(groups__name=Role.REVIEWER) | Q(review_assignments__isnull=False), is_active=True
        )
        .distinct()
    )
    sent = 0
    for reviewer in reviewers:
        queue = list(reviewer_queue(reviewer))
        if not queue:
            continue
        with speaking_to(reviewer):
            lines = [
                f"- {a.initiative.reference} {a.initiative.title}: {a.get_area_display()} "
                f"({a.get_status_display()})"
                for a in queue
            ]
            subject = ngettext(
                "Your review queue this week: %(count)s open assessment",
                "Your review queue this week: %(count)s open assessments",
                len(queue),
            ) % {"count": len(queue)}
            body = gettext("Open assessments waiting for you:") + "\n" + "\n".join(lines)
        sent += len(
            deliver(
                user=reviewer,
                kind=DeliveryKind.REVIEWER_DIGEST,
                key=key,
                subject=subject,
                body=body,
                link=reverse("initiatives:list"),
            )
        )
    return sent


def send_overdue_nudges(now: datetime | None = None) -> int:
    """At most one nudge per owner per day, listing their overdue open design inputs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = (
        DesignInput.objects.filter(
            status__in=OPEN_DESIGN_INPUT_STATUSES,
            due_date__lt=today,
            owner__isnull=False,
            owner__is_active=True,
        )
        .select_related("owner", "initiative")
        .order_by("owner_id", "due_date")
    )
    by_owner: dict = defaultdict(list)
    for item in overdue:
        by_owner[item.owner].append(item)
    sent = 0
    for owner, items in by_owner.items():
        with speaking_to(owner):
            lines = [f"- {i.initiative.reference}: {i.title} ({_due(i)})" for i in items]
            subject = ngettext(
                "%(count)s design input overdue on you",
                "%(count)s design inputs overdue on you",
                len(items),
            ) % {"count": len(items)}
            body = gettext("These design inputs are past their due date:") + "\n" + "\n".join(lines)
        sent += len(
            deliver(
                user=owner,
                kind=DeliveryKind.OVERDUE_NUDGE,
                key=today.isoformat(),
                subject=subject,
                body=body,
                link=items[0].initiative.get_absolute_url(),
            )
        )
    by_initiative: dict = defaultdict(list)
    for item in overdue:
        by_initiative[item.initiative].append(item)
    for initiative, items in by_initiative.items():
        # Chat and webhook channels: one event per initiative and day.
        publish(
            make_event(
                kind=OwnEventKind.OVERDUE_NUDGE,
                key=f"design_input.overdue:{initiative.pk}:{today.isoformat()}",
                initiative_id=initiative.pk,
                title=ngettext(
                    "%(reference)s: %(count)s design input overdue",
                    "%(reference)s: %(count)s design inputs overdue",
                    len(items),
                )
                % {"reference": initiative.reference, "count": len(items)},
                text="\n".join(f"- {i.title} ({_due(i)})" for i in items),
                link=initiative.get_absolute_url(),
            )
        )
    return sent


def _due(item: DesignInput) -> str:
    return gettext("due %(date)s") % {"date": formats.date_format(item.due_date, "d M Y")}
