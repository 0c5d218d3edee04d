"""`manage.py relay_outbox`: publish outbox messages to Celery until stopped (SIGTERM/SIGINT)."""

import signal
from pathlib import Path

from django.core.management.base import BaseCommand

from outbox.relay import Relay, relay_due


class Command(BaseCommand):
    help = "Publish committed outbox messages to the Celery broker, retrying with back-off."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls when idle."
        )
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=30.0,
            help="Longest wait after failures (broker or database unreachable), in seconds.",
        )
        parser.add_argument(
            "--once", action="store_true", help="Publish what is due now, then exit."
        )
        parser.add_argument(
            "--heartbeat-file",
            type=Path,
            help="Touched after every pass, for a health check that the loop still turns.",
        )

    def handle(self, *args, interval, max_backoff, once, heartbeat_file, **options):
        if once:
            self.stdout.write(f"Published {relay_due()} message(s).")
            return
        relay = Relay(interval=interval, max_backoff=max_backoff, heartbeat=heartbeat_file)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: relay.stop())
        self.stdout.write(f"Outbox relay running (poll every {interval} s).")
        relay.run()
        self.stdout.write("Outbox relay stopped.")
