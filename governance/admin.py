"""The governance domains in the admin, each registered by its own module: decision records
are read-only; working sessions, notifications and risk state are editable (every admin change
is still logged as an `admin.*` audit event). The schedules of the periodic tasks are under
django-celery-beat's "Periodic tasks"."""

import governance.channels.admin  # noqa: F401
import governance.compliance.admin  # noqa: F401  (each registers its models on import)
import governance.decisions.admin  # noqa: F401
import governance.handoff.admin  # noqa: F401
import governance.notifications.admin  # noqa: F401
import governance.risk.admin  # noqa: F401
import governance.sessions.admin  # noqa: F401
