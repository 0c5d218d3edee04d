"""My work: everything, across all initiatives, where the next move is the user's.

One selector feeds the *My work* page, its count in the navigation bar, the API, the sponsor's
*Next step* column, the "yours to do" panel on the initiative page and the summary on each
role's home page, so they never disagree. It costs a fixed number of queries (one per kind of
item), whatever the number of initiatives: each kind is one filtered, joined query.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.access import restrict_to_visible
from core.lookups import among as _among
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

from . import cache as work_cache

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
# The rows are sorted here (`_Pending`), so no query sorts: the models' default orderings
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


class _Initiatives:
    """{id: (title, status)} of the initiatives the user may see and that are not withdrawn,
    among those asked about; each id is asked of the database once (the count and the list
    of one request ask about the same initiatives)."""

    def __init__(self, user) -> None:
        self.user = user
        self.asked: set[int] = set()
        self.shown: dict[int, tuple[str, str]] = {}

    def among(self, ids: set[int]) -> dict[int, tuple[str, str]]:
        missing = ids - self.asked
        if missing:
            self.shown.update(_visible_initiatives(self.user, missing))
            self.asked |= missing
        return self.shown


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
            user, Initiative.objects.filter(_among(ids, "pk")).exclude(status=Status.WITHDRAWN)
        )
        .order_by()
        .values_list("pk", "title", "status")
    )
    return {pk: (title, status) for pk, title, status in rows}


@dataclass(frozen=True)
class _Sources:
    """The five kinds of item as filtered querysets, columns not chosen yet: the list reads
    their rows, the count counts them, so both apply the same rules."""

    acknowledgements: QuerySet
    inputs: QuerySet
    assessments: QuerySet
    changes: QuerySet
    sessions: QuerySet

    def each(self) -> tuple[QuerySet, ...]:
        return (self.acknowledgements, self.inputs, self.assessments, self.changes, self.sessions)


@dataclass(frozen=True)
class _UserIds:
    """Two small reads of plain ids, first: the queries of `_sources` then filter on lists of
    ids the indexes answer, instead of correlated sub-queries evaluated row by row."""

    sponsor_side: list[int]  # initiatives the user sponsors or co-sponsors
    reviewing: list[int]  # initiatives the user reviews, every concern
    reviewing_area: dict[str, list[int]]  # {area: initiatives} of the area-only assignments

    @classmethod
    def of(cls, user) -> _UserIds:
        return cls(_sponsor_side_ids(user), *_assignments(user))


def _sources(user, initiative_ids: Iterable[int] | None, user_ids: _UserIds) -> _Sources:
    """What waits for the user, kind by kind, before the visibility rule (applied afterwards
    to the initiatives the rows belong to, by `_visible_initiatives`)."""
    narrow = Q() if initiative_ids is None else _among(initiative_ids)
    sponsor_side = user_ids.sponsor_side
    reviewing, reviewing_area = user_ids.reviewing, user_ids.reviewing_area
    all_reviewed = reviewing + [i for ids in reviewing_area.values() for i in ids]

    # Assessments: reviewers complete theirs; the sponsor side answers "needs info".
    mine = Q(reviewer=user) | _among(reviewing)
    for area, ids in reviewing_area.items():
        mine |= _among(ids) & Q(area=area)
    now = timezone.now()
    return _Sources(
        # Named roles the user has not confirmed yet (a declined one may still be confirmed,
        # but is no longer waiting).
        acknowledgements=RoleAcknowledgement.objects.filter(
            narrow, person=user, status=AcknowledgementStatus.PENDING
        ).order_by(),
        # Design inputs: the sponsor side answers open ones; IT confirms incorporated ones.
        inputs=DesignInput.objects.filter(narrow)
        .order_by()
        .filter(
            Q(status__in=OPEN_DESIGN_INPUT_STATUSES) & (Q(owner=user) | _among(sponsor_side))
            | Q(status=DesignInputStatus.INCORPORATED, confirmed_at__isnull=True)
            & (Q(raised_by=user) | _among(all_reviewed))
        ),
        assessments=ConcernAssessment.objects.filter(narrow)
        .order_by()
        .filter(
            Q(status__in=[AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS]) & mine
            | _among(sponsor_side) & Q(status=AssessmentStatus.NEEDS_INFO)
        ),
        # Change requests: the initiative's IT reviewers decide.
        changes=ChangeRequest.objects.filter(
            narrow, _among(all_reviewed), status=ChangeStatus.OPEN
        ).order_by(),
        # Working sessions this week.
        sessions=WorkingSession.objects.filter(
            narrow,
            status=SessionStatus.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + SESSION_HORIZON,
        )
        .filter(
            Q(initiative__sponsor=user)
            | Q(series__in=WorkingSeries.objects.filter(participants=user).values("pk"))
        )
        .order_by(),
    )


def _waits(status: str, assessment: bool) -> bool:
    """Does a row of a visible initiative in this status wait for the user? Assessments wait
    only while the initiative is under review."""
    return not assessment or status in UNDER_REVIEW


class _Pending:
    """The rows of every kind that wait for the user, each with its place in the order, read
    but not yet made into `WorkItem`s: the list makes all of them, the home summary only its
    first few (a reviewer has a thousand; making one is most of what an item costs)."""

    def __init__(self, sources: _Sources, initiatives: _Initiatives) -> None:
        acknowledgements = list(
            sources.acknowledgements.values("role", "named_at", "initiative_id")
        )
        inputs = list(
            sources.inputs.values(
                "pk", "status", "title", "created_at", "severity", "due_date", "initiative_id"
            )
        )
        assessments = list(
            sources.assessments.values("pk", "status", "area", "updated_at", "initiative_id")
        )
        changes = list(sources.changes.values("kind", "requested_at", "initiative_id"))
        sessions = list(sources.sessions.values("pk", "starts_at", "initiative_id"))
        kinds_of_rows = (acknowledgements, inputs, assessments, changes, sessions)
        self.initiatives = initiatives.among(
            {row["initiative_id"] for rows in kinds_of_rows for row in rows}
        )
        self.link = _Links()
        seen = self.initiatives
        high, no_severity = SEVERITY_RANK["high"], SEVERITY_RANK[""]
        # (sort key, maker, row). Sessions by date after the findings; within findings most
        # severe, then oldest.
        self.entries: list[tuple[tuple, object, dict]] = []
        add = self.entries.append
        for a in acknowledgements:
            if a["initiative_id"] in seen:
                add(((False, high, a["named_at"]), self._acknowledgement, a))
        for d in inputs:
            if d["initiative_id"] in seen:
                rank = SEVERITY_RANK.get(d["severity"], 3)
                add(((False, rank, d["created_at"]), self._input, d))
        for a in assessments:
            shown = seen.get(a["initiative_id"])
            if shown is not None and _waits(shown[1], assessment=True):
                add(((False, no_severity, a["updated_at"]), self._assessment, a))
        for c in changes:
            if c["initiative_id"] in seen:
                add(((False, no_severity, c["requested_at"]), self._change, c))
        for s in sessions:
            if s["initiative_id"] in seen:
                add(((True, no_severity, s["starts_at"]), self._session, s))
        self._roles = _labels(RoleAcknowledgement, "role")
        self._areas = _labels(ConcernAssessment, "area")
        self._change_kinds = _labels(ChangeRequest, "kind")
        self._input_actions = {
            DesignInputStatus.INCORPORATED: ("confirm_input", gettext("Confirm incorporation")),
            DesignInputStatus.SOLUTION_PROPOSED: (
                "answer_input",
                gettext("Incorporate the proposed solution"),
            ),
        }
        self._answer = ("answer_input", gettext("Answer the design input"))
        self._give_info = ("give_info", gettext("Give IT the information it needs"))
        self._assess = ("assess", gettext("Complete the assessment"))

    def __len__(self) -> int:
        return len(self.entries)

    def first(self, limit: int | None = None) -> list[WorkItem]:
        """The items in order, most severe and oldest first; only the first `limit` made."""
        if limit is None:
            chosen = sorted(self.entries, key=_entry_order)
        else:  # `nsmallest` is stable like `sorted`: the same first items as the whole list
            chosen = heapq.nsmallest(limit, self.entries, key=_entry_order)
        return [make(row) for _, make, row in chosen]

    def _item(self, row, kind, action, title, url, since, severity="", due=None) -> WorkItem:
        return WorkItem(
            kind=kind,
            action=action,
            title=title,
            initiative_id=row["initiative_id"],
            initiative_reference=Initiative.reference_of(row["initiative_id"]),
            initiative_title=self.initiatives[row["initiative_id"]][0],
            link=url,
            since=since,
            severity=severity,
            due=due,
        )

    def _acknowledgement(self, a) -> WorkItem:
        return self._item(
            a,
            "acknowledge_role",
            gettext("Confirm or decline your role"),
            self._roles.get(a["role"], a["role"]),
            self.link("initiatives:detail", a["initiative_id"], f"my-role-{a['role']}"),
            a["named_at"],
            "high",
        )

    def _input(self, d) -> WorkItem:
        kind, action = self._input_actions.get(d["status"], self._answer)
        return self._item(
            d,
            kind,
            action,
            d["title"],
            self.link("reviews:design_input", d["pk"]),
            d["created_at"],
            d["severity"],
            d["due_date"],
        )

    def _assessment(self, a) -> WorkItem:
        kind, action = (
            self._give_info if a["status"] == AssessmentStatus.NEEDS_INFO else self._assess
        )
        return self._item(
            a,
            kind,
            action,
            self._areas.get(a["area"], a["area"]),
            self.link("reviews:assessment", a["pk"]),
            a["updated_at"],
        )

    def _change(self, c) -> WorkItem:
        return self._item(
            c,
            "decide_change",
            gettext("Decide the change request"),
            self._change_kinds.get(c["kind"], c["kind"]),
            self.link("initiatives:detail", c["initiative_id"], "changes"),
            c["requested_at"],
        )

    def _session(self, s) -> WorkItem:
        return self._item(
            s,
            "attend_session",
            gettext("Prepare the working session"),
            date_format(timezone.localtime(s["starts_at"]), "D j M H:i"),
            self.link("sessions:session", s["pk"]),
            s["starts_at"],
        )


def _entry_order(entry) -> tuple:
    return entry[0]


def _count(sources: _Sources, initiatives: _Initiatives) -> dict[int, int]:
    """{initiative: how many rows of `sources` wait for the user on it}, counted by the
    database: each kind's rows counted per initiative (one query for all kinds), then the
    visibility rule applied to those initiatives as the list applies it. No row is read, no
    item made."""
    assessments = sources.assessments

    def per_initiative(queryset: QuerySet) -> QuerySet:
        return queryset.values("initiative_id").annotate(
            n=Count("pk"), assessment=Value(queryset is assessments)
        )

    first, *rest = (per_initiative(q) for q in sources.each())
    counted = list(first.union(*rest, all=True).values_list("initiative_id", "n", "assessment"))
    shown = initiatives.among({initiative_id for initiative_id, _, _ in counted})
    by_initiative: dict[int, int] = {}
    for initiative_id, n, assessment in counted:
        if initiative_id in shown and _waits(shown[initiative_id][1], assessment=assessment):
            by_initiative[initiative_id] = by_initiative.get(initiative_id, 0) + n
    return by_initiative


class WorkOf:
    """One user's work, each part read at most once: the count in the navigation bar (counted
    by the database), the first few items of a home page's summary, the whole list.

    Pages keep one per request (`templatetags`): the navigation, rendered first, counts; a
    summary or list further down then reuses the count's reads (the user's ids and the
    initiatives they may see), and a count asked after the list is the list's length."""

    def __init__(
        self, user, initiative_ids: Iterable[int] | None = None, *, _shared: WorkOf | None = None
    ) -> None:
        self.user = user
        self.initiative_ids = None if initiative_ids is None else list(initiative_ids)
        self.active = user.is_authenticated and user.is_active
        self._sources: _Sources | None = None
        self._shared = _shared or self  # who holds the user's ids and initiatives
        self._user_ids: _UserIds | None = None
        self._initiatives = _shared._initiatives if _shared else _Initiatives(user)
        self._pending: _Pending | None = None
        self._count: dict[int, int] | None = None  # per initiative
        self._items: list[WorkItem] | None = None

    def on(self, initiative_ids: Iterable[int]) -> WorkOf:
        """The same user's work on some initiatives only (the initiative page's card), reusing
        what this reader has read of the user's ids and initiatives."""
        return WorkOf(self.user, initiative_ids, _shared=self)

    def _read_user_ids(self) -> _UserIds:
        shared = self._shared
        if shared._user_ids is None:
            shared._user_ids = _UserIds.of(self.user)
        return shared._user_ids

    def _read_sources(self) -> _Sources:
        if self._sources is None:
            self._sources = _sources(self.user, self.initiative_ids, self._read_user_ids())
        return self._sources

    def _read_pending(self) -> _Pending:
        if self._pending is None:
            self._pending = _Pending(self._read_sources(), self._initiatives)
        return self._pending

    def count(self) -> int:
        """`len(self.items())`, without making the items."""
        if not self.active:
            return 0
        if self._pending is not None:
            return len(self._pending)
        return sum(self._counts().values())

    def _counts(self) -> dict[int, int]:
        if self._count is None:

            def compute() -> dict[int, int]:
                return _count(self._read_sources(), self._initiatives)

            # The whole list's counts (the navigation's) are kept in the cache per user.
            self._count = (
                compute()
                if self.initiative_ids is not None
                else work_cache.cached(self.user, "counts", compute)
            )
        return self._count

    def count_on(self, initiative_id: int) -> int:
        """How many of the items are on one initiative, from the count (or the list) already
        read: the initiative page asks for its card's items only when there are some."""
        if not self.active:
            return 0
        if self._pending is not None:
            return sum(
                1 for _, _, row in self._pending.entries if row["initiative_id"] == initiative_id
            )
        return self._counts().get(initiative_id, 0)

    def items(self) -> list[WorkItem]:
        """Every item, most severe and oldest first."""
        if not self.active or self._nothing_counted():
            return []
        if self._items is None:
            self._items = self._read_pending().first()
        return self._items

    def _nothing_counted(self) -> bool:
        """Counted already, and nothing: no rows to read (the IT lead's home page)."""
        return self._pending is None and self._count is not None and not self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[WorkItem]:
        """A page of the list (Django's and DRF's paginators slice): only the items up to the
        page's end are made."""
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            return self.items()[index]
        return self.first(index.stop)[index.start or 0 :]

    def first(self, limit: int) -> list[WorkItem]:
        """`self.items()[:limit]`, making only those items unless the list is made anyway."""
        if not self.active or self._nothing_counted():
            return []
        if self._items is not None:
            return self._items[:limit]
        return self._read_pending().first(limit)


def work_of(user, initiative_ids: Iterable[int] | None = None) -> list[WorkItem]:
    """Every item whose next move is the user's, most severe and oldest first. Only items of
    initiatives the user may see; `initiative_ids` narrows to some initiatives."""
    return WorkOf(user, initiative_ids).items()


def work_count(user, initiative_ids: Iterable[int] | None = None) -> int:
    """`len(work_of(user, initiative_ids))`, counted by the database (the navigation bar's
    count): a reviewer's thousand items cost a few hundred tiny rows instead."""
    return WorkOf(user, initiative_ids).count()


def next_steps(user, initiative_ids: Iterable[int]) -> dict[int, WorkItem]:
    """The first item of each initiative (for the sponsor's *Next step* column)."""
    out: dict[int, WorkItem] = {}
    for item in work_of(user, initiative_ids):
        out.setdefault(item.initiative_id, item)
    return out
