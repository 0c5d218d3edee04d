"""Signals the initiatives app sends for the layers above it to react to.

`screening_changed` is sent inside the transaction that changed an initiative's EU AI Act
screening (or submitted it), with `initiative`, `user` and `source`: the governance compliance
domain keeps the deployer obligations of a high-risk classification in step, without this
app knowing it exists.
"""

from django.dispatch import Signal

screening_changed = Signal()
