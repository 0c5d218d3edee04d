"""Load the demo data set: one user per role and a dozen manufacturing AI initiatives.

Each app contributes its part from its own `demo.py`, bottom layer first (initiatives, then
reviews, then governance), so the demo grows with the portal. Running it twice changes nothing.
It lives in the project package, the only place that may know every app.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

import governance.demo
import harmony_portal.demo
import initiatives.demo
import reviews.demo
from initiatives.models import Initiative

DEMO_PARTS = (initiatives.demo, reviews.demo, governance.demo, harmony_portal.demo)


class Command(BaseCommand):
    help = "Load demo users and initiatives (idempotent)."

    def handle(self, *args, **options):
        if Initiative.objects.exists():
            self.stdout.write("Demo data already present; nothing loaded.")
        else:
            context: dict = {}
            with transaction.atomic():
                for part in DEMO_PARTS:
                    part.load(context)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("")
        self.stdout.write("  Harmony Portal is starting on http://127.0.0.1:8000/login/")
        self.stdout.write(f"  Demo users (password for all: {initiatives.demo.DEMO_PASSWORD}):")
        for username, first, last, role, _email in initiatives.demo.USERS:
            self.stdout.write(f"    {username:<8} {(first + ' ' + last):<16} {role or '(no role)'}")
        self.stdout.write("")
