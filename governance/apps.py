from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from . import (
            risk_signals,  # noqa: F401  (model signals that keep risk status current)
            signals,  # connects the Celery task signals on import
        )

        signals.connect_admin_log()
