"""Model signals that make the cached *My work* counts and summaries stale (see `cache`).

*My work* is read from: named roles to confirm, design inputs, concern assessments, change
requests, working sessions and their series' participants, review assignments, the
initiatives (sponsor, co-sponsors, status) and who may see them (object permissions, roles).
After the change commits — not before, or a page could count the old rows again and cache
them under the new version — the version token is replaced. A change rolled back
invalidates nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from governance.decisions.models import ChangeRequest
from governance.sessions.models import WorkingSeries, WorkingSession
from initiatives.models import Initiative, InitiativeUserObjectPermission, RoleAcknowledgement
from reviews.models import ConcernAssessment, DesignInput, ReviewAssignment

from .cache import invalidate

SOURCES = (
    Initiative,
    InitiativeUserObjectPermission,
    RoleAcknowledgement,
    DesignInput,
    ConcernAssessment,
    ReviewAssignment,
    ChangeRequest,
    WorkingSession,
    WorkingSeries,
)
LINKS = (
    Initiative.co_sponsors.through,
    WorkingSeries.participants.through,
    get_user_model().groups.through,
)


def _stale(sender, **kwargs) -> None:
    """Invalidate once the current transaction commits (at once outside one). A cache that
    fails then is logged by Django and does not fail the request."""
    transaction.on_commit(invalidate, robust=True)


def connect() -> None:
    for model in SOURCES:
        post_save.connect(_stale, sender=model, dispatch_uid=f"work-cache-save-{model.__name__}")
        post_delete.connect(
            _stale, sender=model, dispatch_uid=f"work-cache-delete-{model.__name__}"
        )
    for link in LINKS:
        m2m_changed.connect(_stale, sender=link, dispatch_uid=f"work-cache-m2m-{link.__name__}")
