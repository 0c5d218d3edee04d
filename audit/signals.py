"""Celery signals: audit events written inside a task are recorded with source "task"."""

from celery.signals import task_postrun, task_prerun

from .models import Source
from .sources import reset_source, set_source

_tokens: dict[str, object] = {}


@task_prerun.connect(dispatch_uid="audit_source_prerun")
def _task_started(task_id=None, **kwargs) -> None:
    _tokens[task_id] = set_source(Source.TASK)


@task_postrun.connect(dispatch_uid="audit_source_postrun")
def _task_finished(task_id=None, **kwargs) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            reset_source(token)
        except ValueError:  # created in another context (should not happen); forget it
            set_source(None)


def _admin_entry_saved(sender, instance, created, **kwargs) -> None:
    """Changes made in the Django admin bypass the services; the admin's own log entry is
    turned into one audit event (source "admin"), so they still reach the trail."""
    from django.contrib.admin.models import ADDITION, CHANGE, DELETION

    from .chain import append_event

    if not created or instance.content_type_id is None:
        return
    model = instance.content_type.model_class()
    if model is None or model._meta.label == "audit.AuditEvent":
        return
    verb = {ADDITION: "created", CHANGE: "updated", DELETION: "deleted"}.get(
        instance.action_flag, "changed"
    )
    initiative_id = None
    if model._meta.label == "initiatives.Initiative":
        initiative_id = int(instance.object_id) if verb != "deleted" else None
    else:
        obj = model._default_manager.filter(pk=instance.object_id).first()
        initiative_id = getattr(obj, "initiative_id", None)
    append_event(
        actor_id=instance.user_id,
        action=f"admin.{verb}",
        initiative_id=initiative_id,
        object_type=model._meta.label,
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        changes={"admin": instance.get_change_message() or verb},
        source=Source.ADMIN,
    )


def connect_admin_log() -> None:
    from django.contrib.admin.models import LogEntry
    from django.db.models.signals import post_save

    post_save.connect(_admin_entry_saved, sender=LogEntry, dispatch_uid="audit_admin_log")
