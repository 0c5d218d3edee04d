"""CSV cells that a spreadsheet would read as a formula are written as text (OWASP)."""

import csv
import io

import pytest

from core.spreadsheets import csv_writer, safe_cell


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+2", "'=1+2"),
        ("+31 20 123", "'+31 20 123"),
        ("-minus", "'-minus"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),  # only the first character matters
        ("", ""),
        (-3, -3),  # numbers are numbers, even negative ones
        (2.5, 2.5),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_the_writer_escapes_every_row_it_writes():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["title", "score"])
    writer.writerows([["=HYPERLINK(1)", -1], ["ok", 4]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["title", "score"],
        ["'=HYPERLINK(1)", "-1"],
        ["ok", "4"],
    ]
