# The risk sweep becomes incremental: each risk state says when time alone changes it
# (`recheck_at`), and the hourly sweep recomputes only what is dirty, due or never computed.
# States computed before have no re-check time yet, so they are marked dirty: the first sweep
# after the upgrade computes every initiative once and stores when to look again. A daily full
# sweep stays as the safety net for writes that bypass the signals. `marks` counts the times a
# state was marked dirty, so a recompute never clears a mark that came while it read the facts.

from django.db import migrations, models

FULL_SWEEP = "Risk status full sweep (safety net)"


def mark_states_dirty(apps, schema_editor):
    RiskState = apps.get_model("governance", "RiskState")
    RiskState.objects.filter(dirty=False).update(dirty=True)


def add_full_sweep(apps, schema_editor):
    from django.conf import settings

    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(name=FULL_SWEEP).exists():
        return
    nightly, _ = Crontab.objects.get_or_create(
        minute="40",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(
        name=FULL_SWEEP,
        task="governance.risk.tasks.sweep_risk",
        crontab=nightly,
        kwargs='{"full": true}',
    )


def remove_full_sweep(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=FULL_SWEEP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0019_portfolio_exports'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.AddField(
            model_name='riskstate',
            name='recheck_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name='riskstate',
            name='marks',
            field=models.PositiveIntegerField(default=0, db_default=0),
        ),
        migrations.RunPython(mark_states_dirty, migrations.RunPython.noop),
        migrations.RunPython(add_full_sweep, remove_full_sweep),
    ]
