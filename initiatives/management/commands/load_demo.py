"""Load the demo data set: one user per role and a dozen manufacturing AI initiatives.

Each app contributes its part from its own `demo.py` (initiatives first, then reviews and
governance), so the demo grows with the portal. Running it twice changes nothing.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from initiatives.demo import DEMO_PASSWORD, USERS

APPS_WITH_DEMO = ("initiatives", "reviews", "governance")


class Command(BaseCommand):
    help = "Load demo users and initiatives (idempotent)."

    def handle(self, *args, **options):
        from initiatives.models import Initiative

        if Initiative.objects.exists():
            self.stdout.write("Demo data already present; nothing loaded.")
        else:
            context: dict = {}
            with transaction.atomic():
                for app in APPS_WITH_DEMO:
                    try:
                        module = importlib.import_module(f"{app}.demo")
                    except ModuleNotFoundError:
                        continue
                    module.load(context)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write("  Harmony Portal is starting on http://127.0.0.1:8000/login/")
        self.stdout.write(f"  Demo users (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, _email in USERS:
            self.stdout.write(f"    {username:<8} {(first + ' ' + last):<16} {role or '(no role)'}")
        self.stdout.write("")
