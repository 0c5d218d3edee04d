"""CSV downloads that are safe to open in a spreadsheet.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets: an initiative titled `=HYPERLINK(...)` would
run in the executive's spreadsheet. Every CSV export writes through `csv_writer`, which puts
a single quote before such text (OWASP's rule against CSV injection); numbers are left alone.
"""

import csv
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet shows it, never as a formula it runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, **kwargs) -> _SafeWriter:
    """`csv.writer(file)` whose every text cell goes through `safe_cell`."""
    return _SafeWriter(csv.writer(file, **kwargs))


class _Line:
    """A file whose `write` hands back what it was given: a CSV writer on it returns each
    line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable) -> Iterator[str]:
    """Each row as one safe CSV line, as the rows come: the body of a StreamingHttpResponse,
    whose memory stays that of one row however many there are."""
    writer = csv_writer(_Line())
    for row in rows:
        yield writer.writerow(row)
