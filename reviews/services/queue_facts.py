"""The review queue's facts kept on the initiative (issue 19).

The queue's tabs ask, for every open initiative, whether an assessment has started and who
has work (IT or the sponsor), and its rows show how many design inputs are open. Asked of the
assessments and design inputs at every page view, that grows with the portfolio; kept on the
initiative, the four tab counts are one index-only scan of plain columns.

`refresh_queue_facts` recomputes one initiative's facts from its rows. The model signals in
`reviews.signals` call it on every save and delete of an assessment or design input, in the
transaction of the change, so no write path can forget it; code that writes those rows without
signals (bulk_create, queryset.update) calls it itself. `rebuild_queue_facts` recomputes many
at once (the data migration, the benchmark loader, `manage.py queue_facts`), and
`stale_queue_facts` finds the initiatives whose stored facts differ from their rows.
"""

from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from initiatives.models import Initiative

from ..models import (
    OPEN_DESIGN_INPUT_STATUSES,
    AssessmentStatus,
    ConcernAssessment,
    DesignInput,
    DesignInputStatus,
    Severity,
)


def fact_expressions(assessments=ConcernAssessment, inputs=DesignInput) -> dict:
    """Each queue fact as an expression over the initiative's rows (OuterRef("pk")).

    The models are parameters so the data migration can pass its historical ones.
    """

    def of(model):
        return model.objects.filter(initiative=OuterRef("pk"))

    def count(qs):
        counted = qs.order_by().values("initiative").annotate(n=Count("pk")).values("n")[:1]
        return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)

    open_inputs = of(inputs).filter(status__in=OPEN_DESIGN_INPUT_STATUSES)
    return {
        "queue_assessment_started": Exists(
            of(assessments).exclude(status=AssessmentStatus.NOT_STARTED)
        ),
        # IT's turn: an assessment to do, a solution proposed to accept, or an incorporated
        # input whose design change IT has not confirmed yet.
        "queue_it_has_work": Exists(
            of(assessments).filter(
                status__in=[AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS]
            )
        )
        | Exists(
            of(inputs).filter(
                Q(status=DesignInputStatus.SOLUTION_PROPOSED)
                | Q(status=DesignInputStatus.INCORPORATED, confirmed_at__isnull=True)
            )
        ),
        # The sponsor's turn: information IT asked for, or a design input to answer.
        "queue_sponsor_has_work": Exists(of(assessments).filter(status=AssessmentStatus.NEEDS_INFO))
        | Exists(of(inputs).filter(status=DesignInputStatus.RAISED)),
        "queue_open_inputs": count(open_inputs),
        "queue_open_high_inputs": count(open_inputs.filter(severity=Severity.HIGH)),
    }


def refresh_queue_facts(initiative_id: int | None) -> None:
    """Recompute one initiative's queue facts from its assessments and design inputs.

    Two statements: the initiative's row is locked first, so the recomputation that follows
    sees every change committed before it. (A single UPDATE that waited for a concurrent
    writer's lock would still compute from the rows of its own, older snapshot and could
    leave out that writer's design input.) The lock is the one an edit of the initiative
    takes, so writers of one initiative queue up behind each other in the same order.
    """
    if initiative_id is None:
        return
    rows = Initiative.objects.filter(pk=initiative_id)
    # Within the change's transaction (no savepoint); a write in autocommit mode gets one.
    with transaction.atomic(savepoint=False):
        if not list(rows.select_for_update(no_key=True).values_list("pk", flat=True)):
            return  # deleted (a cascade delete of the initiative removes its rows first)
        rows.update(**fact_expressions())


def rebuild_queue_facts(initiative_ids: Iterable[int] | None = None) -> int:
    """Recompute the queue facts of the given initiatives (all without ids) in one statement;
    returns how many initiatives were written."""
    rows = Initiative.objects.all()
    if initiative_ids is not None:
        rows = rows.filter(pk__in=list(initiative_ids))
    return rows.update(**fact_expressions())


def stale_queue_facts() -> list[int]:
    """Ids of the initiatives whose stored queue facts differ from their rows, in order."""
    expected = fact_expressions()
    differs = Q()
    for name in expected:
        differs |= ~Q(**{name: models.F(f"expected_{name}")})
    return list(
        Initiative.objects.annotate(**{f"expected_{name}": e for name, e in expected.items()})
        .filter(differs)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
