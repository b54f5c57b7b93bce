"""Checks on the raw parts of an uploaded .xlsx, made before openpyxl parses any of it.

openpyxl, opening a sheet that declares no size (no ``<dimension>``), parses the whole sheet
just to learn it; a 200 KB file of a million empty rows then keeps a worker busy for
seconds. Counting row tags in the raw XML, and stopping at the limit, costs next to nothing.
A workbook never needs an XML document type declaration (DTD), and entity expansion is how
an XML bomb works, so one is refused outright.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, Literal

__all__ = ["scan_workbook"]

_CHUNK = 64 * 1024
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_XML_PARTS = (".xml", ".rels", ".vml")


def scan_workbook(
    archive: zipfile.ZipFile, max_rows: int
) -> Literal["dtd", "too_many_rows"] | None:
    """``"dtd"`` when an XML part declares a DTD, ``"too_many_rows"`` when a worksheet has
    more than ``max_rows`` rows (counting blank ones), else None. Reads each worksheet only
    up to the limit."""
    for part in archive.infolist():
        if not part.filename.endswith(_XML_PARTS):
            continue
        with archive.open(part) as xml:
            head = xml.read(_CHUNK)
            if b"<!DOCTYPE" in head.upper():
                return "dtd"
            if part.filename.startswith("xl/worksheets/") and _over(head, xml, max_rows):
                return "too_many_rows"
    return None


def _over(head: bytes, xml: IO[bytes], limit: int) -> bool:
    count, tail, chunk = 0, b"", head
    while chunk:
        window = tail + chunk
        count += len(_ROW_TAG.findall(window)) - len(_ROW_TAG.findall(tail))
        if count > limit:
            return True
        tail = window[-16:]
        chunk = xml.read(_CHUNK)
    return False
