"""Channels subscribe to the hand-off events of `governance.notifications.events` (the one
event interface: audit hand-offs from its task, reminders and nudges through `publish`) and to
the initiatives' status changes other than the submission (which arrives as the `submitted`
hand-off), so the layers below never import this package."""

from governance.notifications import events
from initiatives.signals import status_changed

from .services import fan_out, on_status_changed

events.subscribe(fan_out)
status_changed.connect(on_status_changed, dispatch_uid="channels-status-changed")
