"""Celery signals: audit events written inside a task are recorded with source "task"."""

from celery.signals import task_postrun, task_prerun

from .audit import reset_source, set_source
from .models import Source

_tokens: dict[str, object] = {}


@task_prerun.connect(dispatch_uid="governance_audit_source_prerun")
def _task_started(task_id=None, **kwargs) -> None:
    _tokens[task_id] = set_source(Source.TASK)


@task_postrun.connect(dispatch_uid="governance_audit_source_postrun")
def _task_finished(task_id=None, **kwargs) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            reset_source(token)
        except ValueError:  # created in another context (should not happen); forget it
            set_source(None)
