"""Writes of the IT review: assessments, design inputs, assignments, vendor scores, components.

Every write with a rule lives here once; pages, the API and other apps call these functions.
"""

from .assessments import (
    ensure_assessments,
    mark_applicable,
    mark_not_applicable,
    reopen_assessments,
    save_checklist_question,
    update_assessment,
)
from .assignments import assign_reviewer, unassign_reviewer
from .components import add_component_decision, assign_component_owner, update_component_notes
from .design_inputs import (
    DESIGN_INPUT_TRANSITIONS,
    EDITABLE_DESIGN_INPUT_FIELDS,
    DesignInputAction,
    allowed_design_input_actions,
    edit_design_input,
    raise_concern_instead_of_escalation,
    raise_design_input,
    transition_design_input,
)
from .queue_facts import rebuild_queue_facts, refresh_queue_facts, stale_queue_facts
from .readiness import (
    Blocker,
    NotReadyForBuild,
    check_ready_for_build,
    mark_ready_for_build,
    ready_for_build_blockers,
    ready_for_build_checklist,
    record_fallback_test,
)
from .vendors import (
    DEFAULT_CRITERIA,
    add_default_criteria,
    delete_criterion,
    save_criterion,
    score_vendor,
)

__all__ = [
    "DEFAULT_CRITERIA",
    "DESIGN_INPUT_TRANSITIONS",
    "EDITABLE_DESIGN_INPUT_FIELDS",
    "DesignInputAction",
    "NotReadyForBuild",
    "add_component_decision",
    "add_default_criteria",
    "allowed_design_input_actions",
    "assign_component_owner",
    "assign_reviewer",
    "Blocker",
    "check_ready_for_build",
    "mark_applicable",
    "mark_not_applicable",
    "ready_for_build_checklist",
    "record_fallback_test",
    "delete_criterion",
    "edit_design_input",
    "mark_ready_for_build",
    "ensure_assessments",
    "rebuild_queue_facts",
    "refresh_queue_facts",
    "stale_queue_facts",
    "raise_concern_instead_of_escalation",
    "raise_design_input",
    "ready_for_build_blockers",
    "reopen_assessments",
    "save_checklist_question",
    "save_criterion",
    "score_vendor",
    "transition_design_input",
    "unassign_reviewer",
    "update_assessment",
    "update_component_notes",
]
