"""Reading a CMDB export (CSV) into system rows: column names and values as CMDBs write them.

ServiceNow's `cmdb_ci` export names columns `sys_id`, `name`, `location`, `sys_class_name`,
`managed_by`, `business_criticality` ("1 - most critical" … "4 - not critical"); other CMDBs
and hand-made sheets say `site`, `kind`, `owner`, `criticality`. Both are read.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext

from .models import Criticality, SystemKind

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

# Our field ← the column names that mean it (compared lower-case, spaces as underscores).
COLUMNS = {
    "cmdb_id": ("cmdb_id", "sys_id", "ci_id", "ci", "id"),
    "name": ("name", "system", "ci_name"),
    "site": ("site", "location", "plant"),
    "kind": ("kind", "class", "sys_class_name", "category", "type"),
    "it_owner": ("it_owner", "owner", "managed_by", "owned_by"),
    "criticality": ("criticality", "business_criticality"),
    "description": ("description", "short_description"),
}
REQUIRED_COLUMNS = ("name", "site", "kind")

_KIND_WORDS = {
    "historian": SystemKind.SCADA,
    "scada": SystemKind.SCADA,
    "scada / historian": SystemKind.SCADA,
    "plc": SystemKind.SCADA,
    "data lake": SystemKind.DATA_PLATFORM,
    "data warehouse": SystemKind.DATA_PLATFORM,
    "data platform": SystemKind.DATA_PLATFORM,
    "sso": SystemKind.IDENTITY,
    "identity provider": SystemKind.IDENTITY,
    "quality": SystemKind.QMS,
}
_CRITICALITY_WORDS = {
    "1": Criticality.HIGH,
    "1 - most critical": Criticality.HIGH,
    "critical": Criticality.HIGH,
    "2": Criticality.MEDIUM,
    "2 - somewhat critical": Criticality.MEDIUM,
    "3": Criticality.LOW,
    "3 - less critical": Criticality.LOW,
    "4": Criticality.LOW,
    "4 - not critical": Criticality.LOW,
}


class UnreadableFile(ValueError):
    """The file is not a CSV the import can read at all (no row is looked at)."""


@dataclass
class RawRow:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    # The fields the file has a column for; the others keep what is stored.
    columns: frozenset[str] = frozenset()


def parse_kind(text: str) -> str | None:
    word = " ".join(text.strip().lower().replace("_", " ").split())
    for choice in SystemKind:
        if word in (choice.value.replace("_", " "), choice.label.lower()):
            return choice.value
    kind = _KIND_WORDS.get(word)
    return kind.value if kind else None


def parse_criticality(text: str) -> str | None:
    word = " ".join(text.strip().lower().split())
    if not word:
        return Criticality.MEDIUM.value
    for choice in Criticality:
        if word in (choice.value, choice.label.lower()):
            return choice.value
    level = _CRITICALITY_WORDS.get(word)
    return level.value if level else None


def _column_map(header: list[str]) -> dict[int, str]:
    wanted = {alias: ours for ours, aliases in COLUMNS.items() for alias in aliases}
    found: dict[int, str] = {}
    for index, name in enumerate(header):
        ours = wanted.get("_".join(name.strip().lower().split()))
        if ours and ours not in found.values():
            found[index] = ours
    return found


def read_rows(content: bytes | str) -> list[RawRow]:
    """The data rows of the export with our field names; `UnreadableFile` when it is not one."""
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise UnreadableFile(
                gettext("The file is larger than %(value)s MB.")
                % {"value": MAX_BYTES // (1024 * 1024)}
            )
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(
                gettext("The file is not UTF-8 text; export it as CSV (UTF-8).")
            ) from None
    if "\x00" in content:
        raise UnreadableFile(gettext("The file is not a CSV text file."))
    sample = content[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    try:
        header = next(reader, None)
        if not header:
            raise UnreadableFile(gettext("The file is empty."))
        columns = _column_map(header)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns.values()]
        if missing:
            raise UnreadableFile(
                gettext("The header lacks the column(s) %(columns)s (see the column list).")
                % {"columns": ", ".join(missing)}
            )
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise UnreadableFile(
                    gettext("The file has more than %(MAX_ROWS)s rows.") % {"MAX_ROWS": MAX_ROWS}
                )
            values = {ours: "" for ours in COLUMNS}
            for index, ours in columns.items():
                if index < len(cells):
                    values[ours] = cells[index].strip()
            rows.append(
                RawRow(
                    line=reader.line_num,
                    values=values,
                    columns=frozenset(columns.values()),
                )
            )
    except csv.Error as exc:
        raise UnreadableFile(gettext("The CSV cannot be read: %(exc)s.") % {"exc": exc}) from None
    return rows
