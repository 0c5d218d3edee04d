"""Channels subscribe to the one event interface, `governance.notifications.events`: the
hand-offs of its task (`EventKind`) and the portal's own events published through it
(`OwnEventKind`: status changes other than the submission, session reminders, overdue design
inputs). The layers below never import this package."""

from governance.notifications import events

from .services import fan_out

events.subscribe(fan_out)
