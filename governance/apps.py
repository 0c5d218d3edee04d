from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Model signals that keep risk status current whoever writes, the deployer
        # obligations in step with an initiative's EU AI Act classification, and system owners
        # told of integrations with their systems.
        from .compliance import signals as compliance_signals  # noqa: F401
        from .notifications import signals as notification_signals  # noqa: F401
        from .risk import signals  # noqa: F401
