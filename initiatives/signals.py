"""Signals the initiatives app sends for the layers above it to react to.

`screening_changed` is sent inside the transaction that changed an initiative's EU AI Act
screening (or submitted it), with `initiative`, `user` and `source`: the governance compliance
domain keeps the deployer obligations of a high-risk classification in step, without this
app knowing it exists.
"""

from django.dispatch import Signal

screening_changed = Signal()

# Sent inside the transaction that links an integration to a registered system whose IT owner
# should hear of it (at submission, or when IT maps a free-text integration), with
# `integration`, `user` and `source`: the notifications domain tells the system owner.
integration_linked = Signal()
# Sent inside `transition_initiative`'s transaction after every status change, with
# `initiative`, `from_status`, `to_status`, `user` and `source`: notifications to chat channels
# and the build hand-off follow it from the layers above.
status_changed = Signal()
