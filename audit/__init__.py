"""The audit trail: the bottom layer every app writes its changes to (see models.py)."""
