"""Checks on the raw parts of an uploaded .xlsx, made before openpyxl parses any of it.

openpyxl, opening a sheet that declares no size (no ``<dimension>``), parses the whole sheet
just to learn it; a 200 KB file of a million empty rows then keeps a worker busy for
seconds. Counting row tags in the raw XML, and stopping at the limit, costs next to nothing.
A workbook never needs an XML document type declaration (DTD), and entity expansion is how
an XML bomb works, so one is refused outright.

Pure: no Flask, no database.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import IO, Literal

from defusedxml import ElementTree

__all__ = ["Finding", "has_dtd", "scan_workbook"]

#: What reading a broken or hostile zip can raise: a bad archive, a truncated one, an
#: encrypted entry (RuntimeError), an unsupported compression method (NotImplementedError).
BROKEN_ZIP = (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError)
_CHUNK = 64 * 1024
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_XML_PARTS = (".xml", ".rels", ".vml")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Finding:
    kind: Literal["dtd", "too_many_rows"]
    #: The sheet over the limit, by name (None when the workbook does not say).
    sheet: str | None = None


def scan_workbook(
    archive: zipfile.ZipFile, max_rows: int, skip: frozenset[str] = frozenset()
) -> Finding | None:
    """A DTD in any XML part, or a worksheet (other than those named in ``skip``) of more
    than ``max_rows`` rows, blank ones included; else None. Each worksheet is read only up
    to the limit."""
    if has_dtd(archive):
        return Finding("dtd")
    parts = [p for p in archive.infolist() if p.filename.endswith(_XML_PARTS)]
    names = _sheet_names(archive)
    for part in parts:
        if not part.filename.startswith("xl/worksheets/"):
            continue
        name = names.get(part.filename)
        if name in skip:
            continue
        with archive.open(part) as xml:
            if _over(xml, max_rows):
                return Finding("too_many_rows", name)
    return None


def has_dtd(archive: zipfile.ZipFile) -> bool:
    """Whether any XML part of an Office package (.xlsx, .docx, .pptx) declares a DTD.
    Only the start of each part is read, where a declaration must stand."""
    for part in archive.infolist():
        if part.filename.endswith(_XML_PARTS):
            with archive.open(part) as xml:
                if b"<!DOCTYPE" in xml.read(_CHUNK).upper():
                    return True
    return False


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from the workbook and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # a broken workbook: openpyxl will say so; names are a nicety
        return {}
    targets = {}
    for rel in rels.iter(f"{_PACKAGE_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    return {
        targets[sheet.get(f"{_REL}id")]: sheet.get("name", "")
        for sheet in workbook.iter(f"{_MAIN}sheet")
        if sheet.get(f"{_REL}id") in targets
    }


def _over(xml: IO[bytes], limit: int) -> bool:
    count, tail = 0, b""
    while chunk := xml.read(_CHUNK):
        window = tail + chunk
        count += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
        if count > limit:
            return True
        tail = window[-16:]
    return False
