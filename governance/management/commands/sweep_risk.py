"""Run the risk sweep now, as beat does every hour (`--full`: as the nightly safety net)."""

from django.core.management.base import BaseCommand, CommandError

from governance.risk.services import SWEEP_CHUNK_SIZE, sweep


class Command(BaseCommand):
    help = (
        "Recompute the risk status of the initiatives that changed, are due for a re-check or "
        "were never computed; --full recomputes every initiative."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="Recompute every initiative (after a bulk import or a fix in the database).",
        )
        parser.add_argument("--chunk-size", type=int, default=SWEEP_CHUNK_SIZE)

    def handle(self, *args, **options):
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        changed = sweep(chunk_size=options["chunk_size"], full=options["full"])
        kind = "full" if options["full"] else "incremental"
        self.stdout.write(f"Risk sweep ({kind}): {changed} initiative(s) changed level.")
