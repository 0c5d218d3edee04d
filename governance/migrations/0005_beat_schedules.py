"""The periodic tasks of governance, as django-celery-beat rows so the admin can edit them."""

from django.db import migrations

# name, task, schedule kind, schedule fields
SCHEDULES = (
    ("Working session reminders", "governance.tasks.send_due_reminders", "interval",
     {"every": 10, "period": "minutes"}),
    ("Risk status sweep", "governance.tasks.sweep_risk", "interval",
     {"every": 1, "period": "hours"}),
    ("Extend working session horizons", "governance.tasks.extend_session_horizons", "crontab",
     {"minute": "15", "hour": "2", "day_of_week": "*", "day_of_month": "*",
      "month_of_year": "*"}),
    ("Overdue design input nudges", "governance.tasks.send_overdue_nudges", "crontab",
     {"minute": "0", "hour": "8", "day_of_week": "1-5", "day_of_month": "*",
      "month_of_year": "*"}),
    ("Weekly reviewer digest", "governance.tasks.send_reviewer_digests", "crontab",
     {"minute": "0", "hour": "7", "day_of_week": "1", "day_of_month": "*",
      "month_of_year": "*"}),
)


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    from django.conf import settings

    for name, task, kind, fields in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if kind == "interval":
            schedule, _ = Interval.objects.get_or_create(**fields)
            PeriodicTask.objects.create(name=name, task=task, interval=schedule)
        else:
            schedule, _ = Crontab.objects.get_or_create(timezone=settings.TIME_ZONE, **fields)
            PeriodicTask.objects.create(name=name, task=task, crontab=schedule)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_sessions_reminders_risk_state"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
