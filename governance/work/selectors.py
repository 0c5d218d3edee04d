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

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
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


# Items are read as plain columns (`values()`), never as model instances: a reviewer's list
# holds thousands of items, and building two models per item (the initiative with its JSON
# answers decoded) was most of its time. The list is one ordered UNION ALL of every kind
# (`_ordered_rows`), cut to the page by the database; the visibility rule is then applied to
# the initiatives of the rows read (`_visible_page`, by primary key), as the count applies it
# to the initiatives it counted (`_count`), so the two always agree.
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
    if initiative_ids is not None:
        # Narrowed (the initiative page's card): the user's id lists cut to those initiatives
        # here, so the SQL carries a few ids instead of a reviewer's thousands (planning the
        # query with them cost more than running it).
        wanted = set(initiative_ids)
        sponsor_side = [i for i in sponsor_side if i in wanted]
        reviewing = [i for i in reviewing if i in wanted]
        reviewing_area = {
            area: kept for area, ids in reviewing_area.items() if (kept := wanted.intersection(ids))
        }
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


# Every kind's rows as the same columns, so that one UNION ALL orders the whole list and the
# database returns only a page of it (a reviewer's list holds thousands of items: reading all
# of them to show fifty was most of the page's time at 100,000 initiatives).
_COLUMNS = (
    "w_late",  # sessions come after the findings
    "w_rank",  # most severe first
    "w_since",  # oldest first
    "w_kind",  # then by kind (ACKNOWLEDGEMENT … SESSION) and row: the same order on every page
    "w_pk",
    "w_initiative",
    "w_text",  # role, design input title, concern area, change kind
    "w_status",
    "w_severity",
    "w_due",
)
_ORDER = ("w_late", "w_rank", "w_since", "w_kind", "w_pk")
ACKNOWLEDGEMENT, INPUT, ASSESSMENT, CHANGE, SESSION = range(5)


def _severity_rank(field: str = "severity") -> Case:
    return Case(
        *(When(**{field: key}, then=Value(rank)) for key, rank in SEVERITY_RANK.items() if key),
        default=Value(SEVERITY_RANK[""]),
        output_field=IntegerField(),
    )


def _as_columns(queryset: QuerySet, kind: int, **columns) -> QuerySet:
    """`queryset` as the rows of `_COLUMNS` (absent columns empty)."""
    empty = {
        "w_late": Value(False),
        "w_rank": Value(SEVERITY_RANK[""]),
        "w_text": Value("", output_field=CharField()),
        "w_status": Value("", output_field=CharField()),
        "w_severity": Value("", output_field=CharField()),
        "w_due": Value(None, output_field=DateField()),
    }
    given = {
        "w_kind": Value(kind),
        "w_pk": F("pk"),
        "w_initiative": F("initiative_id"),
        **empty,
        **columns,
    }
    return queryset.annotate(**{name: given[name] for name in _COLUMNS}).values(*_COLUMNS)


def _ordered_rows(sources: _Sources) -> QuerySet:
    """Every kind's rows in the list's order, as one query, before the visibility rule (each
    kind reads its own indexes; joining the initiatives made PostgreSQL hash the whole
    portfolio for a reviewer's thousands of rows). `_visible_page` applies the rule to the
    initiatives of the rows it reads, as `_count` applies it to those it counted."""

    high = SEVERITY_RANK["high"]
    kinds = (
        _as_columns(
            sources.acknowledgements,
            ACKNOWLEDGEMENT,
            w_rank=Value(high),
            w_since=F("named_at"),
            w_text=F("role"),
        ),
        _as_columns(
            sources.inputs,
            INPUT,
            w_rank=_severity_rank(),
            w_since=F("created_at"),
            w_text=F("title"),
            w_status=F("status"),
            w_severity=F("severity"),
            w_due=F("due_date"),
        ),
        _as_columns(
            sources.assessments,
            ASSESSMENT,
            w_since=F("updated_at"),
            w_text=F("area"),
            w_status=F("status"),
        ),
        _as_columns(
            sources.changes,
            CHANGE,
            w_since=F("requested_at"),
            w_text=F("kind"),
        ),
        _as_columns(
            sources.sessions,
            SESSION,
            w_late=Value(True),
            w_since=F("starts_at"),
        ),
    )
    first, *rest = kinds
    return first.union(*rest, all=True).order_by(*_ORDER)


def _visible_page(
    rows: QuerySet, initiatives: _Initiatives, start: int, stop: int | None
) -> tuple[list[dict], dict[int, tuple[str, str]]]:
    """Rows `start` to `stop` (None: to the end) of the ordered `rows` that wait for the user
    once the visibility rule is applied to their initiatives, with those initiatives'
    (title, status).

    A quarter more than `stop` rows are read and their initiatives checked (one query by
    primary key; a few rows are usually hidden: assessments of initiatives no longer under
    review); if that was not enough, twice as many are read, until `stop` visible rows are
    found or the rows end. The order is total (kind and primary key break ties), so the first
    `stop` visible rows among the first n rows are the first `stop` of the whole list."""
    n = None if stop is None else stop + stop // 4 + 5
    while True:
        read = list(rows if n is None else rows[:n])
        shown = initiatives.among({row["w_initiative"] for row in read})
        kept = []
        for row in read:
            initiative = shown.get(row["w_initiative"])
            if initiative is not None and _waits(initiative[1], row["w_kind"] == ASSESSMENT):
                kept.append(row)
        if n is None or len(read) < n or len(kept) >= stop:
            return kept[start:stop], shown
        n *= 2


class _Maker:
    """Makes `WorkItem`s of the rows of `_ordered_rows`, with the labels and links of the
    active language made once per list, not once per item."""

    def __init__(self, initiatives: dict[int, tuple[str, str]]) -> None:
        self.initiatives = initiatives  # {id: (title, status)} of the rows' initiatives
        self.link = _Links()
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
        self._make = (
            self._acknowledgement,
            self._input,
            self._assessment,
            self._change,
            self._session,
        )

    def __call__(self, rows: Iterable[dict]) -> list[WorkItem]:
        return [self._make[row["w_kind"]](row) for row in rows]

    def _item(self, row, kind, action, title, url, severity="", due=None) -> WorkItem:
        return WorkItem(
            kind=kind,
            action=action,
            title=title,
            initiative_id=row["w_initiative"],
            initiative_reference=Initiative.reference_of(row["w_initiative"]),
            initiative_title=self.initiatives[row["w_initiative"]][0],
            link=url,
            since=row["w_since"],
            severity=severity,
            due=due,
        )

    def _acknowledgement(self, a) -> WorkItem:
        role = a["w_text"]
        return self._item(
            a,
            "acknowledge_role",
            gettext("Confirm or decline your role"),
            self._roles.get(role, role),
            self.link("initiatives:detail", a["w_initiative"], f"my-role-{role}"),
            "high",
        )

    def _input(self, d) -> WorkItem:
        kind, action = self._input_actions.get(d["w_status"], self._answer)
        return self._item(
            d,
            kind,
            action,
            d["w_text"],
            self.link("reviews:design_input", d["w_pk"]),
            d["w_severity"],
            d["w_due"],
        )

    def _assessment(self, a) -> WorkItem:
        kind, action = (
            self._give_info if a["w_status"] == AssessmentStatus.NEEDS_INFO else self._assess
        )
        return self._item(
            a,
            kind,
            action,
            self._areas.get(a["w_text"], a["w_text"]),
            self.link("reviews:assessment", a["w_pk"]),
        )

    def _change(self, c) -> WorkItem:
        return self._item(
            c,
            "decide_change",
            gettext("Decide the change request"),
            self._change_kinds.get(c["w_text"], c["w_text"]),
            self.link("initiatives:detail", c["w_initiative"], "changes"),
        )

    def _session(self, s) -> WorkItem:
        return self._item(
            s,
            "attend_session",
            gettext("Prepare the working session"),
            date_format(timezone.localtime(s["w_since"]), "D j M H:i"),
            self.link("sessions:session", s["w_pk"]),
        )


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
    by the database), the first few items of a home page's summary, a page of the list, the
    whole list.

    Pages keep one per request (`templatetags`): the navigation, rendered first, counts; a
    summary or list further down then reuses the count's reads (the user's ids), and a count
    asked after the whole list is the list's length."""

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
        self._count: dict[int, int] | None = None  # per initiative
        self._items: list[WorkItem] | None = None  # the whole list, once read
        self._pages: dict[tuple[int, int], list[WorkItem]] = {}  # (start, stop): items

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

    def _read(self, start: int = 0, stop: int | None = None) -> list[WorkItem]:
        """Items `start` to `stop` of the list, ordered and cut by the database."""
        rows, shown = _visible_page(
            _ordered_rows(self._read_sources()), self._initiatives, start, stop
        )
        return _Maker(shown)(rows)

    def count(self) -> int:
        """`len(self.items())`, without making the items."""
        if not self.active:
            return 0
        if self._items is not None:
            return len(self._items)
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
        if self._items is not None:
            return sum(1 for item in self._items if item.initiative_id == initiative_id)
        return self._counts().get(initiative_id, 0)

    def items(self) -> list[WorkItem]:
        """Every item, most severe and oldest first."""
        if not self.active or self._nothing_counted():
            return []
        if self._items is None:
            self._items = self._read()
        return self._items

    def _nothing_counted(self) -> bool:
        """Counted already, and nothing: no rows to read (the IT lead's home page)."""
        return self._items is None and self._count is not None and not self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[WorkItem]:
        """A page of the list (Django's and DRF's paginators slice): only that page is read."""
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            return self.items()[index]
        return self.page(index.start or 0, index.stop)

    def page(self, start: int, stop: int) -> list[WorkItem]:
        """`self.items()[start:stop]`, reading only those items unless the list is read."""
        if not self.active or self._nothing_counted() or stop <= start:
            return []
        if self._items is not None:
            return self._items[start:stop]
        if (start, stop) not in self._pages:
            self._pages[start, stop] = self._read(start, stop)
        return self._pages[start, stop]

    def first(self, limit: int) -> list[WorkItem]:
        """`self.items()[:limit]`, reading only those items unless the list is read anyway."""
        return self.page(0, limit)


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
