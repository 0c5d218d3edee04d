"""Reading ids from query strings and forms, the same way on every page and endpoint."""

# The largest id the database stores (a signed 64-bit integer); SQLite cannot even compare
# larger numbers, so a longer "id" names nothing.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id written in `value`, or None when it is not one.

    "²".isdigit() is true but int("²") fails, hence the ASCII check; ids start at 1.
    """
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
