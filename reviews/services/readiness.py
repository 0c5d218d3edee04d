"""Ready for build: the one rule that decides whether IT's review lets build start.

`ready_for_build_blockers` says what still stands in the way; `mark_ready_for_build` moves the
initiative and refuses with those blockers. The rule is also registered as the guard of the
initiatives workflow (`ReviewsConfig.ready`), so no other path can skip it.
"""

from core.errors import RuleError
from initiatives.models import Initiative, Status
from initiatives.services import transition_initiative

from ..models import DesignInput
from ..selectors import blocking_design_inputs


class NotReadyForBuild(RuleError):
    """Something still blocks build; `blockers` lists it."""

    def __init__(self, blockers: list[DesignInput]):
        super().__init__(
            "Not ready for build: high-severity design inputs are still open or unconfirmed: "
            + "; ".join(d.title for d in blockers)
            + "."
        )
        self.blockers = blockers


def ready_for_build_blockers(initiative: Initiative) -> list[DesignInput]:
    """What stops the initiative from being ready for build now (empty: nothing)."""
    return blocking_design_inputs(initiative)


def check_ready_for_build(initiative: Initiative) -> None:
    """Refuse with the blockers while there are any (the workflow's guard)."""
    blockers = ready_for_build_blockers(initiative)
    if blockers:
        raise NotReadyForBuild(blockers)


def mark_ready_for_build(
    *,
    initiative: Initiative,
    user,
    reason: str = "",
    source: str | None = None,
    expected_version: int | None = None,
) -> Initiative:
    """IT marks the initiative ready for build; refused (NotReadyForBuild) while blocked."""
    return transition_initiative(
        initiative=initiative,
        user=user,
        to_status=Status.READY_FOR_BUILD,
        reason=reason,
        source=source,
        expected_version=expected_version,
    )
