"""The hand-off follows the initiatives' status changes (sent inside the transition's
transaction), so the initiatives and reviews apps never import it."""

from initiatives.signals import status_changed

from .services import on_status_changed

status_changed.connect(on_status_changed, dispatch_uid="handoff-ready-for-build")
