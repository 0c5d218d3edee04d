# The audit trail now lives in the `audit` app (audit.0001 adopts its tables as they are).
# Here it leaves the governance app's state only: no table, row or trigger is touched. The
# content types follow the models, so permissions and admin log entries keep pointing at them;
# the periodic tasks follow their tasks into the governance domains' modules.

from django.db import migrations

MOVED_MODELS = ("auditevent", "auditchainhead")
TASKS = {
    "governance.tasks.send_due_reminders": "governance.sessions.tasks.send_due_reminders",
    "governance.tasks.extend_session_horizons": "governance.sessions.tasks.extend_session_horizons",
    "governance.tasks.sweep_risk": "governance.risk.tasks.sweep_risk",
    "governance.tasks.send_overdue_nudges": "governance.notifications.tasks.send_overdue_nudges",
    "governance.tasks.send_reviewer_digests": "governance.notifications.tasks.send_reviewer_digests",
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not ContentType.objects.filter(app_label="audit", model=model).exists():
            ContentType.objects.filter(app_label="governance", model=model).update(app_label="audit")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="audit", model__in=MOVED_MODELS).update(app_label="governance")


def rename_tasks(apps, schema_editor, mapping=TASKS):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def tasks_back(apps, schema_editor):
    rename_tasks(apps, schema_editor, {new: old for old, new in TASKS.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0006_merge_20261125_2031'),
        ('audit', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='AuditChainHead'),
                migrations.DeleteModel(name='AuditEvent'),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, content_types_back),
        migrations.RunPython(rename_tasks, tasks_back),
    ]
