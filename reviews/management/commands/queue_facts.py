"""Check or rebuild the review queue's facts kept on the initiatives (issue 19)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reviews.services.queue_facts import rebuild_queue_facts, stale_queue_facts


class Command(BaseCommand):
    help = (
        "Compare the review queue's facts stored on every initiative with its assessments and "
        "design inputs; --check exits non-zero when any differ, without it they are rebuilt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report the initiatives whose stored facts differ; exit 1 if any do.",
        )

    def handle(self, *args, check: bool = False, **options):
        stale = stale_queue_facts()
        if check:
            if stale:
                shown = ", ".join(str(pk) for pk in stale[:20])
                more = f" and {len(stale) - 20} more" if len(stale) > 20 else ""
                raise CommandError(
                    f"Review queue facts STALE on {len(stale)} initiative(s): {shown}{more}. "
                    "Run `manage.py queue_facts` to rebuild them."
                )
            self.stdout.write(self.style.SUCCESS("Review queue facts match every initiative."))
            return
        with transaction.atomic():
            written = rebuild_queue_facts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Review queue facts rebuilt on {written} initiative(s); {len(stale)} had differed."
            )
        )
