from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Model signals that keep risk status current whoever writes, the deployer
        # obligations in step with an initiative's EU AI Act classification, and system owners
        # told of integrations with their systems.
        from .channels import signals as channel_signals  # noqa: F401
        from .compliance import signals as compliance_signals  # noqa: F401

        # The dashboard's cached figures made stale by any change to what they count.
        from .dashboard import signals as dashboard_signals  # noqa: F401

        # Hand-off notifications listen to the audit trail; the domains above notifications
        # add the recipients of their own events.
        from .decisions import notifications as decision_notices  # noqa: F401
        from .handoff import signals as handoff_signals  # noqa: F401
        from .notifications import events
        from .notifications import signals as notification_signals  # noqa: F401
        from .risk import signals  # noqa: F401
        from .sessions import notifications as session_notices  # noqa: F401
        from .threads import notifications as thread_notices  # noqa: F401

        events.connect()

        # The sponsor's *Next step* column (initiatives app) reads *My work*.
        from initiatives.selectors import register_next_steps

        from .work.selectors import next_steps

        register_next_steps(next_steps)

        # *My work*'s cached counts and summaries made stale by any change to what they read.
        from .work import signals as work_signals

        work_signals.connect()
