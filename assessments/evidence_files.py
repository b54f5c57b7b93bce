"""Checks on an uploaded evidence file, made on its bytes before anything is stored.

An evidence file is kept and later handed to other readers, so it is accepted only when its
content is what its name says, among a few harmless kinds: PDF, Office Open XML documents
(.docx, .xlsx, .pptx), PNG and JPEG images, and plain text. The type is decided by the
content (magic bytes, the structure of the zip package), never by the name or the type the
browser sent; a name whose extension disagrees with the content (an ``.exe`` renamed
``.pdf``, a web page renamed ``.png``) is refused.

Office files are zip packages, so they get the zip guards of imported workbooks: a bounded
number of entries, a bounded unpacked size (a zip bomb is refused from the sizes its
directory declares, which is where ``zipfile`` stops reading), no XML document type
declaration (``assessments.xlsx_guard``), and no macros (a macro-enabled document renamed
``.docx`` is refused). Plain text must be UTF-8 or GB18030 without control characters, and
not a web page in disguise.

The original name is reduced to a safe base name (no folders, no drive, no control or
reserved characters); it is only ever shown and offered as the download name: the stored
file is named by its SHA-256.

Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from defusedxml import ElementTree

from assessments.text_rules import first_control_character
from assessments.xlsx_guard import BROKEN_ZIP, has_dtd

__all__ = [
    "EXTENSIONS",
    "MEDIA_TYPES",
    "CheckedFile",
    "EvidenceLimits",
    "EvidenceRefusal",
    "check_evidence_file",
    "safe_name",
]

Kind = Literal["pdf", "docx", "xlsx", "pptx", "png", "jpeg", "text"]

#: Accepted extensions and the kind of content each must hold.
EXTENSIONS: Mapping[str, Kind] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".txt": "text",
    ".csv": "text",
    ".md": "text",
}

MEDIA_TYPES: Mapping[Kind, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "text": "text/plain",
}

#: The part that makes a package a document of each Office kind, and its content type.
_OFFICE_MAIN: Mapping[Kind, tuple[str, str]] = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"

_PDF = b"%PDF-"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_ZIP = b"PK\x03\x04"
#: Signatures named in a refusal, so the user learns what the file really is.
_KNOWN: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
    (b"\xcf\xfa\xed\xfe", "program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy_office"),
    (b"GIF8", "image"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"\x1f\x8b", "archive"),
)
_MARKUP = re.compile(
    rb"^\s*<(?:!doctype|html|head|body|script|iframe|svg|\?xml|!--|meta|object|embed)\b",
    re.IGNORECASE,
)
_RESERVED = re.compile(r'[<>:"/\\|?*]')
_DRIVE = re.compile(r"^[A-Za-z]:")
_MAX_NAME = 200
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")

RefusalCode = Literal[
    "empty",
    "too_large",
    "unsupported",
    "mismatch",
    "zip_broken",
    "zip_too_many_entries",
    "zip_too_large",
    "office_dtd",
    "office_macros",
    "text_encoding",
    "text_control",
]


@dataclass(frozen=True)
class EvidenceLimits:
    max_bytes: int = 10 * 1024 * 1024
    #: An Office package may unpack to this much at most (zip bombs).
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_entries: int = 2000


@dataclass(frozen=True)
class EvidenceRefusal:
    """Why a file is refused. ``code`` names the rule; ``params`` fill the message:
    ``extension`` (the name's), ``found`` (what the content is, when known), ``max``."""

    code: RefusalCode
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: Kind
    media_type: str
    size: int
    sha256: str


def safe_name(raw: str) -> str:
    """The base name of what the browser sent, safe to show and to offer as a download
    name: folders and drive letters dropped (``../../etc/passwd`` → ``passwd``,
    ``C:\\x\\y.pdf`` → ``y.pdf``), control and reserved characters removed, leading dots
    and spaces stripped, at most 200 characters (the extension kept). May be empty."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _DRIVE.sub("", name)
    name = "".join(ch for ch in name if first_control_character(ch) is None)
    name = _RESERVED.sub("_", name).strip().lstrip(". ").rstrip(". ")
    if len(name) > _MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: _MAX_NAME - len(extension) - 1] + "." + extension
        else:
            name = name[:_MAX_NAME]
    return name


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def check_evidence_file(
    raw_name: str, data: bytes, limits: EvidenceLimits | None = None
) -> CheckedFile | EvidenceRefusal:
    """Accept ``data`` as the evidence file ``raw_name``, or say why not."""
    limits = limits or EvidenceLimits()
    name = safe_name(raw_name)
    extension = _extension(name)
    if len(data) > limits.max_bytes:
        return EvidenceRefusal("too_large", {"max": limits.max_bytes})
    if not data:
        return EvidenceRefusal("empty")
    wanted = EXTENSIONS.get(extension)
    if wanted is None:
        return EvidenceRefusal("unsupported", {"extension": extension or "-"})
    refusal = _content_refusal(wanted, extension, data, limits)
    if refusal is not None:
        return refusal
    media_type = MEDIA_TYPES[wanted]
    if wanted == "text":
        media_type += "; charset=" + _text_encoding(data)
    return CheckedFile(
        name=name,
        kind=wanted,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _content_refusal(
    wanted: Kind, extension: str, data: bytes, limits: EvidenceLimits
) -> EvidenceRefusal | None:
    if wanted in _OFFICE_MAIN:
        if not data.startswith(_ZIP):
            return _mismatch(extension, data)
        return _office_refusal(wanted, extension, data, limits)
    if wanted == "text":
        return _text_refusal(extension, data)
    signature = {"pdf": _PDF, "png": _PNG, "jpeg": _JPEG}[wanted]
    return None if data.startswith(signature) else _mismatch(extension, data)


def _sniff(data: bytes) -> str:
    """What the content looks like, for a refusal's message."""
    for signature, found in (
        (_PDF, "pdf"),
        (_PNG, "png"),
        (_JPEG, "jpeg"),
        (_ZIP, "zip"),
        *_KNOWN,
    ):
        if data.startswith(signature):
            return found
    if _MARKUP.match(data[:1024]):
        return "web_page"
    return "unknown"


def _mismatch(extension: str, data: bytes) -> EvidenceRefusal:
    return EvidenceRefusal("mismatch", {"extension": extension, "found": _sniff(data)})


def _office_refusal(
    wanted: Kind, extension: str, data: bytes, limits: EvidenceLimits
) -> EvidenceRefusal | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > limits.max_entries:
                return EvidenceRefusal("zip_too_many_entries", {"max": limits.max_entries})
            if sum(entry.file_size for entry in entries) > limits.max_uncompressed_bytes:
                return EvidenceRefusal("zip_too_large", {"max": limits.max_uncompressed_bytes})
            if has_dtd(archive):
                return EvidenceRefusal("office_dtd")
            names = {entry.filename for entry in entries}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return EvidenceRefusal("office_macros")
            declared = _declared_types(archive) if "[Content_Types].xml" in names else {}
    except (*BROKEN_ZIP, ValueError):
        return EvidenceRefusal("zip_broken")
    except ElementTree.ParseError:
        return EvidenceRefusal("zip_broken")
    part, content_type = _OFFICE_MAIN[wanted]
    if part not in names or declared.get("/" + part) != content_type:
        if any("macroenabled" in value.lower() for value in declared.values()):
            return EvidenceRefusal("office_macros")
        return EvidenceRefusal("mismatch", {"extension": extension, "found": _office_kind(names)})
    return None


def _declared_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name → content type, from the package's ``[Content_Types].xml`` overrides."""
    root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    return {
        override.get("PartName", ""): override.get("ContentType", "")
        for override in root.iter(f"{_CONTENT_TYPES}Override")
    }


def _office_kind(names: set[str]) -> str:
    for kind, (part, _type) in _OFFICE_MAIN.items():
        if part in names:
            return kind
    return "zip"


def _text_encoding(data: bytes) -> str:
    for encoding in _TEXT_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "utf-8" if encoding == "utf-8-sig" else encoding
    return "utf-8"


def _text_refusal(extension: str, data: bytes) -> EvidenceRefusal | None:
    found = _sniff(data)
    if found != "unknown":  # a PDF, an image, a program, a web page… named .txt
        return EvidenceRefusal("mismatch", {"extension": extension, "found": found})
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if first_control_character(text) is not None:
            return EvidenceRefusal("text_control")
        return None
    return EvidenceRefusal("text_encoding")
