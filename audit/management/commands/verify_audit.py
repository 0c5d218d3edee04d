"""Walk the audit hash chain and report the first event that was altered, removed or added."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero at the first broken event."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            where = f"event #{report.broken_seq}"
            if report.broken_id is not None:
                where += f" (id {report.broken_id})"
            raise CommandError(
                f"Audit chain BROKEN at {where}: {report.problem}. "
                f"{report.checked} event(s) before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} event(s). Last hash: {report.last_hash} "
                "(keep it outside the database to detect a rewritten chain later)."
            )
        )
