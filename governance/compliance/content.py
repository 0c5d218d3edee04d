"""What an uploaded file really is, judged by its content; and the optional virus scan.

The name a browser sends proves nothing: the type is read from the bytes (magic numbers, the
parts of an Office zip, valid UTF-8 text), and the name's extension must agree with it, so an
executable renamed `report.pdf` is refused with a message that says what it really is.
"""

from __future__ import annotations

import socket
import struct
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext

from core.errors import FieldRuleError


@dataclass(frozen=True)
class Kind:
    name: str  # what people call it
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF document", "application/pdf", ("pdf",))
PNG = Kind("PNG image", "image/png", ("png",))
JPEG = Kind("JPEG image", "image/jpeg", ("jpg", "jpeg"))
DOCX = Kind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = Kind(
    "Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
)
PPTX = Kind(
    "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
TEXT = Kind("plain text", "text/plain", ("txt", "csv", "md", "log", "json", "yaml", "yml"))
ALLOWED = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, TEXT)
ALLOWED_TEXT = (
    "PDF, PNG, JPEG, Word, Excel, PowerPoint or plain text (txt, csv, md, json, yaml, log)"
)

_OFFICE_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def _office_kind(upload) -> Kind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OFFICE_PARTS.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    # Markup (HTML, SVG, XML) could run script when opened: not accepted as plain text.
    return not text.lstrip("\ufeff \t\r\n").startswith("<")


def detect(upload) -> Kind | None:
    """The allowed kind the file's bytes are, or None."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    if head and _is_text(head):
        return TEXT
    return None


def describe_unknown(upload) -> str:
    """What a refused file seems to be, for the message ("a Windows executable")."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"MZ"):
        return "a Windows executable"
    if head.startswith(b"\x7fELF"):
        return "a Linux executable"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml")):
        return "HTML, SVG or XML markup"
    guess = filetype.guess(head)
    if guess is not None:
        return f"a {guess.extension.upper()} file ({guess.mime})"
    return "of a type that is not accepted"


def check_upload(upload) -> Kind:
    """The file's kind, or a refusal on the `file` field saying why (size, type, disguise)."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise FieldRuleError("file", gettext("The file is empty."))
    if upload.size > limit:
        raise FieldRuleError(
            "file",
            gettext("The file is %(size)s MB; at most %(limit)s MB can be uploaded.")
            % {
                "size": formats.number_format(upload.size / 1048576, 1),
                "limit": formats.number_format(limit / 1048576, 0),
            },
        )
    name = upload.name or ""
    kind = detect(upload)
    if kind is None:
        raise FieldRuleError(
            "file",
            gettext("“%(name)s” is %(description)s. Accepted: %(accepted)s.")
            % {"name": name, "description": describe_unknown(upload), "accepted": ALLOWED_TEXT},
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in kind.extensions:
        raise FieldRuleError(
            "file",
            gettext(
                "“%(name)s” is really a %(kind)s, not what its name says: rename it to "
                ".%(extension)s or upload the right file."
            )
            % {"name": name, "kind": kind.name, "extension": kind.extensions[0]},
        )
    return kind


# --- Optional virus scan (ClamAV's clamd, INSTREAM over TCP) ------------------------------------


class ScanUnavailable(FieldRuleError):
    """The configured scanner did not answer; the upload is refused rather than unscanned."""

    def __init__(self, message: str):
        super().__init__("file", f"{message} Nothing was stored; try again later.")


def scan(upload) -> str | None:
    """Scan with the ClamAV daemon at CLAMAV_ADDRESS (host:port). Returns None when no scanner
    is configured, "clean" when clamd says OK; raises FieldRuleError naming what it found."""
    address = settings.CLAMAV_ADDRESS
    if not address:
        return None
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=settings.CLAMAV_TIMEOUT) as sock:
            sock.sendall(b"zINSTREAM\0")
            upload.seek(0)
            for chunk in iter(lambda: upload.read(65536), b""):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except (OSError, ValueError) as exc:
        raise ScanUnavailable(
            gettext("The virus scanner at %(address)s did not answer: %(exc)s")
            % {"address": address, "exc": exc}
        ) from exc
    finally:
        upload.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace")
    if answer.endswith("OK"):
        return "clean"
    if answer.endswith("FOUND"):
        found = answer.split(":", 1)[-1].removesuffix("FOUND").strip()
        raise FieldRuleError(
            "file", gettext("The virus scanner refused the file: %(found)s.") % {"found": found}
        )
    raise ScanUnavailable(
        gettext("The virus scanner answered: %(value)s") % {"value": answer or "nothing"}
    )
