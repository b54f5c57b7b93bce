"""The checks on an evidence file's name and content, without the app."""

from __future__ import annotations

import io
import zipfile

import pytest

from assessments.evidence_files import (
    CheckedFile,
    EvidenceLimits,
    EvidenceRefusal,
    check_evidence_file,
    safe_name,
)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("..\\..\\evil.pdf", "evil.pdf"),
        ("C:y.pdf", "y.pdf"),
        ("..", ""),
        ("a<b>|c?.txt", "a_b__c_.txt"),
        ("报告\x00\x07.pdf", "报告.pdf"),
        ("  .hidden.txt ", "hidden.txt"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_names_are_reduced_to_a_safe_base_name(raw, name):
    assert safe_name(raw) == name


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in entries.items():
            archive.writestr(part, data)
    return buffer.getvalue()


PPTX = _zip(
    {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
        "ppt/presentation.xml": b"<presentation/>",
    }
)


def test_a_real_presentation_is_accepted_with_its_digest():
    checked = check_evidence_file("汇报.pptx", PPTX)
    assert isinstance(checked, CheckedFile)
    assert checked.media_type.endswith("presentationml.presentation")
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "code", "found"),
    [
        ("a.pdf", b"MZ\x90\x00", "mismatch", "program"),
        ("a.png", b"<svg onload=alert(1)>", "mismatch", "web_page"),
        ("a.txt", b"%PDF-1.4", "mismatch", "pdf"),
        ("a.docx", PPTX, "mismatch", "pptx"),
        ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "mismatch", "legacy_office"),
        ("a.docx", b"PK\x03\x04broken", "zip_broken", None),
        ("a.txt", "乱码".encode("utf-16"), "text_encoding", None),
        ("a.txt", b"ok\x1b[31m", "text_control", None),
        ("a.exe", b"MZ", "unsupported", None),
        ("noextension", b"text", "unsupported", None),
    ],
)
def test_content_that_is_not_what_the_name_says_is_refused(name, data, code, found):
    refusal = check_evidence_file(name, data)
    assert isinstance(refusal, EvidenceRefusal)
    assert refusal.code == code
    if found:
        assert refusal.params["found"] == found


def test_office_packages_get_the_zip_guards():
    dtd = _zip({"[Content_Types].xml": b'<!DOCTYPE x [<!ENTITY a "b">]><Types/>'})
    assert check_evidence_file("a.pptx", dtd) == EvidenceRefusal("office_dtd")
    limits = EvidenceLimits(max_uncompressed_bytes=100, max_entries=3)
    big = check_evidence_file("a.pptx", PPTX + b"", EvidenceLimits(max_uncompressed_bytes=100))
    assert isinstance(big, EvidenceRefusal)
    assert big.code == "zip_too_large"
    many = _zip({f"p{n}.xml": b"" for n in range(4)})
    refused = check_evidence_file("a.pptx", many, limits)
    assert isinstance(refused, EvidenceRefusal)
    assert refused.code == "zip_too_many_entries"


def test_the_size_limit_comes_first():
    refusal = check_evidence_file("a.pdf", b"%PDF-" + b"0" * 100, EvidenceLimits(max_bytes=50))
    assert refusal == EvidenceRefusal("too_large", {"max": 50})
