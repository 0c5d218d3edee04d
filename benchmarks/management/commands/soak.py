"""`manage.py soak …`: the soak's few steps inside the portal (see benchmarks/soak/portal.py).

    soak reminder-interval SECONDS            run the reminder task every SECONDS (as an admin)
    soak schedule-reminders --first-due ISO --offsets 2,8,14 --mover lena
    soak report --since ISO --until ISO [--mail-dir DIR]   JSON: reminders and audit events

It writes to the configured database, so it refuses one whose name does not end in "_soak".
"""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.soak import portal as soak


class Command(BaseCommand):
    help = (
        "Steps of the multi-process soak (python -m benchmarks.soak) that need the portal's models."
    )

    def add_arguments(self, parser):
        steps = parser.add_subparsers(dest="step", required=True)
        interval = steps.add_parser("reminder-interval")
        interval.add_argument("seconds", type=int)
        schedule = steps.add_parser("schedule-reminders")
        schedule.add_argument("--first-due", type=datetime.fromisoformat, required=True)
        schedule.add_argument("--offsets", required=True, help="seconds, comma-separated")
        schedule.add_argument("--mover", required=True, help="username of an IT lead")
        report = steps.add_parser("report")
        report.add_argument("--since", type=datetime.fromisoformat, required=True)
        report.add_argument("--until", type=datetime.fromisoformat, required=True)
        report.add_argument("--mail-dir", default="")

    def handle(self, *args, step, **options):
        if not connection.settings_dict["NAME"].endswith("_soak"):
            raise CommandError("The soak writes to its database: use one named *_soak.")
        if step == "reminder-interval":
            result = {"periodic_task": soak.set_reminder_interval(options["seconds"])}
        elif step == "schedule-reminders":
            offsets = [float(x) for x in options["offsets"].split(",") if x]
            result = {
                "sessions": soak.schedule_reminders(
                    first_due=options["first_due"], offsets=offsets, mover=options["mover"]
                )
            }
        else:
            result = {
                "reminders": soak.reminder_report(
                    since=options["since"], until=options["until"], mail_dir=options["mail_dir"]
                ),
                "audit": soak.audit_report(since=options["since"]),
            }
        self.stdout.write(json.dumps(result))
