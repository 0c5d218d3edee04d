from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from . import signals  # connects the Celery task signals on import

        signals.connect_admin_log()
