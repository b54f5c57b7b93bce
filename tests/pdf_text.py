"""Read back the text of a PDF written by fpdf2, without a PDF library: inflate the
streams, parse the literal strings shown by ``Tj`` (two-byte glyph ids) and map them to
characters with the font's ToUnicode table. Enough for fpdf2's output with one font."""

from __future__ import annotations

import re
import zlib

_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _streams(data: bytes) -> list[bytes]:
    """Every stream, read by its ``/Length`` (compressed bytes may end in a carriage return,
    which a search for ``endstream`` would cut off)."""
    streams = []
    for match in re.finditer(rb"/Length (\d+)\s*>>\s*stream\r?\n", data):
        raw = data[match.end() : match.end() + int(match.group(1))]
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    return streams


def _literal(stream: bytes, start: int) -> tuple[bytes, int]:
    """The bytes of the literal string opening at ``start`` and the index after it."""
    out, depth, i = bytearray(), 1, start + 1
    while i < len(stream):
        byte = stream[i]
        if byte == ord("\\"):
            following = stream[i + 1]
            if following in _ESCAPES:
                out.append(_ESCAPES[following])
                i += 2
            elif ord("0") <= following <= ord("7"):
                digits = re.match(rb"[0-7]{1,3}", stream[i + 1 : i + 4]).group(0)
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            else:
                out.append(following)
                i += 2
            continue
        if byte == ord("("):
            depth += 1
        elif byte == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(byte)
        i += 1
    raise ValueError("unterminated string")


def _to_unicode(streams: list[bytes]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for stream in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for glyph, char in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                mapping[int(glyph, 16)] = bytes.fromhex(char.decode()).decode("utf-16-be")
    return mapping


def pdf_text(data: bytes) -> tuple[int, str]:
    """(number of pages, the text shown, one string per line)."""
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    streams = _streams(data)
    mapping = _to_unicode(streams)
    lines = []
    for stream in streams:
        if b" Tj" not in stream:
            continue
        i = 0
        while (i := stream.find(b"(", i)) != -1:
            raw, end = _literal(stream, i)
            if stream[end : end + 4].strip().startswith(b"Tj"):
                glyphs = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw), 2)]
                lines.append("".join(mapping.get(g, "?") for g in glyphs))
            i = end
    return pages, "\n".join(lines)
