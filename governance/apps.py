from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Model signals that keep risk status current whoever writes.
        from .risk import signals  # noqa: F401
