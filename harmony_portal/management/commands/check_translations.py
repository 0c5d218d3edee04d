"""`manage.py check_translations`: the German catalogue is complete.

Runs makemessages for German (so every string marked for translation in templates and code is
in locale/de/LC_MESSAGES/django.po), then fails when an entry is untranslated or fuzzy, then
compiles the catalogue (django.mo) for the running portal. `make test` runs it; it needs GNU
gettext's msgfmt (scripts/ensure-gettext.sh installs Debian's package).
"""

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

# What makemessages must not scan: virtualenvs, test code, vendored and collected assets, and
# the mutated copy of the project that `make mutate` leaves in mutants/.
IGNORED = [".venv*", "tests/*", "static/*", "staticfiles/*", "node_modules/*", "var/*", "mutants/*"]
STATISTICS = re.compile(
    r"(?P<translated>\d+) translated messages?"
    r"(?:, (?P<fuzzy>\d+) fuzzy translations?)?"
    r"(?:, (?P<untranslated>\d+) untranslated messages?)?"
)


def _undated(text: str) -> str:
    return re.sub(r'"POT-Creation-Date: [^"]*"', "", text)


def catalogue() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES" / "django.po"


def statistics(po: Path) -> dict[str, int]:
    """Translated, fuzzy and untranslated entries, as msgfmt counts them."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise CommandError("msgfmt is missing: run scripts/ensure-gettext.sh (GNU gettext).")
    done = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandError(f"{po} is not a valid catalogue:\n{done.stderr}")
    found = STATISTICS.search(done.stderr)
    if found is None:
        raise CommandError(f"Could not read msgfmt's statistics: {done.stderr}")
    return {key: int(value or 0) for key, value in found.groupdict().items()}


class Command(BaseCommand):
    help = "Update the German catalogue and fail on missing or fuzzy translations."

    def add_arguments(self, parser):
        parser.add_argument("--no-update", action="store_true", help="check the catalogue as it is")

    def handle(self, *args, no_update=False, **options):
        if not no_update:
            before = catalogue().read_text() if catalogue().exists() else ""
            call_command(
                "makemessages",
                locale=["de"],
                ignore_patterns=IGNORED,
                no_obsolete=True,
                add_location="file",
                verbosity=0,
            )
            # makemessages stamps a new creation date each time: keep the file as it was when
            # nothing else changed, so `make test` leaves the work tree clean.
            if _undated(catalogue().read_text()) == _undated(before):
                catalogue().write_text(before)
        counts = statistics(catalogue())
        if counts["fuzzy"] or counts["untranslated"]:
            raise CommandError(
                f"German catalogue incomplete: {counts['untranslated']} untranslated and "
                f"{counts['fuzzy']} fuzzy entries in {catalogue()}. Translate them (and remove "
                "the fuzzy flags), then run this again."
            )
        call_command("compilemessages", locale=["de"], ignore_patterns=IGNORED, verbosity=0)
        self.stdout.write(f"German catalogue complete: {counts['translated']} entries.")
