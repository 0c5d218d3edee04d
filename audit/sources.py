"""Where the current unit of work comes from: the browser, the API, the admin, a task.

Set by `AuditSourceMiddleware` (requests) and the Celery `task_prerun` signal (tasks);
nothing set means "system" (management commands, the shell, the demo loader).
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from .models import Source

_current_source: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_source", default=None
)


def current_source() -> str:
    """The source of the running request or task, "system" outside of both."""
    return _current_source.get() or Source.SYSTEM


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    """Run a block as coming from `source` (e.g. "task")."""
    token = _current_source.set(source)
    try:
        yield
    finally:
        _current_source.reset(token)


def set_source(source: str | None) -> contextvars.Token:
    return _current_source.set(source)


def reset_source(token: contextvars.Token) -> None:
    _current_source.reset(token)


def source_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Source.API
    if path.startswith("/admin/"):
        return Source.ADMIN
    return Source.BROWSER
