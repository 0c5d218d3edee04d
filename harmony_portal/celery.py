"""The Celery application: reminders, digests and risk-status recomputation run here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony_portal.settings")

app = Celery("harmony_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# `tasks.py` of every installed app, and of each governance domain (they keep their tasks
# beside their code: governance/sessions/tasks.py sends the reminders).
app.autodiscover_tasks()
app.autodiscover_tasks(
    ["governance.dashboard", "governance.notifications", "governance.risk", "governance.sessions"]
)
