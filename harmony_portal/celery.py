"""The Celery application: reminders, digests and risk-status recomputation run here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmony_portal.settings")

app = Celery("harmony_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
