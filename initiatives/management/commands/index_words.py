"""Check or rebuild the word index that finds similar initiatives (initiatives.overlaps)."""

from django.core.management.base import BaseCommand, CommandError

from initiatives.overlaps import rebuild_words


class Command(BaseCommand):
    help = (
        "Compare the word index of every initiative with its title and business problem; "
        "--check exits non-zero when any differ, without it the differences are written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report the initiatives whose indexed words differ; exit 1 if any do.",
        )

    def handle(self, *args, check: bool = False, **options):
        read, differed = rebuild_words(write=not check)
        if check:
            if differed:
                shown = ", ".join(str(pk) for pk in differed[:20])
                more = f" and {len(differed) - 20} more" if len(differed) > 20 else ""
                raise CommandError(
                    f"Word index STALE on {len(differed)} initiative(s): {shown}{more}. "
                    "Run `manage.py index_words` to rebuild it."
                )
            self.stdout.write(self.style.SUCCESS(f"Word index matches all {read} initiative(s)."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Word index read for {read} initiative(s); {len(differed)} rewritten."
            )
        )
