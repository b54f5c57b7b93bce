"""Attaching evidence files to the practices of an assessment, removing and reading them.

Who may do what follows the assessment: those who may fill it in attach and remove files
while it can change; those who may read it download them (``access``). A file is checked by
:mod:`assessments.evidence_files` before a byte is stored, so a refused upload leaves no row
and no file. Uploads and removals are audited with the file's name, digest and size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.services.assessments.access import can_fill_assessment
from app.services.assessments.evidence_store import (
    forget_bytes_after_commit,
    store_bytes,
    stored_path,
)
from app.services.assessments.workflow import areas_in_scope, ensure_editable
from app.services.audit import record_change
from app.services.errors import ServiceError
from assessments.evidence_files import (
    CheckedFile,
    EvidenceLimits,
    EvidenceRefusal,
    check_evidence_file,
)
from models import Assessment, EvidenceFile, User
from models.base import utcnow

MAX_OWNER = 100


class EvidenceRefused(ServiceError):
    """The file is not accepted; nothing was stored."""


class NotAllowed(ServiceError):
    status = 403


@dataclass(frozen=True)
class Upload:
    practice_id: str
    filename: str
    data: bytes
    evidence_date: date | None = None
    owner: str = ""


def evidence_limits() -> EvidenceLimits:
    """``LADDER_EVIDENCE_MAX_BYTES``; the request size (``LADDER_MAX_UPLOAD_BYTES``) stays
    the outer bound."""
    default = EvidenceLimits()
    return EvidenceLimits(
        max_bytes=current_app.config.get("EVIDENCE_MAX_BYTES", default.max_bytes),
        max_uncompressed_bytes=default.max_uncompressed_bytes,
        max_entries=default.max_entries,
    )


def _size(size: int) -> str:
    """``10 MB``, ``512 KB``: a limit as people read it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{max(1, size // 1024)} KB"


_FOUND = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "zip": "ZIP",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "pptx": "PowerPoint (.pptx)",
}


def _found(code: str) -> str:
    named = {
        "program": _("a program (executable)"),
        "web_page": _("a web page (HTML)"),
        "legacy_office": _("an old Office file (.doc, .xls, .ppt)"),
        "image": _("another kind of image"),
        "archive": _("a compressed archive"),
        "unknown": _("of an unknown kind"),
    }
    return named.get(code) or _FOUND.get(code, code)


def refusal_message(refusal: EvidenceRefusal) -> str:
    """The refusal as a sentence in the user's language."""
    p = refusal.params
    messages = {
        "empty": lambda: _("The file is empty."),
        "too_large": lambda: _(
            "The file is too large: evidence files may be at most %(max)s.",
            max=_size(p["max"]),
        ),
        "unsupported": lambda: _(
            "Files of type %(extension)s cannot be attached: use PDF, Word (.docx), "
            "Excel (.xlsx), PowerPoint (.pptx), PNG or JPEG images, or plain text "
            "(.txt, .csv, .md).",
            extension=p["extension"],
        ),
        "mismatch": lambda: _(
            "The content of the file does not match its name (%(extension)s): it is "
            "%(found)s. Nothing was stored.",
            extension=p["extension"],
            found=_found(p["found"]),
        ),
        "zip_broken": lambda: _("The Office file is damaged and cannot be read."),
        "zip_too_many_entries": lambda: _(
            "The Office file holds too many parts (more than %(max)s); it is refused.",
            max=p["max"],
        ),
        "zip_too_large": lambda: _(
            "The Office file would unpack to more than %(max)s (a zip bomb?); it is refused.",
            max=_size(p["max"]),
        ),
        "office_dtd": lambda: _(
            "The Office file contains an XML document type declaration (DTD); save it "
            "again from Office."
        ),
        "office_macros": lambda: _(
            "The Office file contains macros; save it without macros (.docx, .xlsx, .pptx)."
        ),
        "text_encoding": lambda: _("The text file is neither UTF-8 nor GB18030; save it as UTF-8."),
        "text_control": lambda: _(
            "The text file contains control characters; only plain text can be attached."
        ),
    }
    return messages[refusal.code]()


def _practice_ids(assessment: Assessment) -> set[str]:
    return {p.id for area in areas_in_scope(assessment) for _goal, p in area.practices()}


def _label(assessment: Assessment) -> str:
    return f"{assessment.cycle.name} / {assessment.business_line.name}"


def _may_change(actor: User, assessment: Assessment) -> None:
    ensure_editable(assessment)
    if not can_fill_assessment(actor, assessment):
        raise NotAllowed(_("Only those who fill in this assessment can change its evidence."))


def attach(actor: User, assessment: Assessment, upload: Upload) -> EvidenceFile:
    """Check, store and record one file for one practice; EvidenceRefused says why not."""
    _may_change(actor, assessment)
    if upload.practice_id not in _practice_ids(assessment):
        raise EvidenceRefused(_("Unknown practice %(id)s.", id=upload.practice_id), "practice_id")
    owner = (upload.owner or "").strip()
    if len(owner) > MAX_OWNER:
        raise EvidenceRefused(
            _("The owner may be at most %(max)s characters.", max=MAX_OWNER), "owner"
        )
    checked = check_evidence_file(upload.filename, upload.data, evidence_limits())
    if isinstance(checked, EvidenceRefusal):
        raise EvidenceRefused(refusal_message(checked), "file")
    row = _record(actor, assessment, upload, checked, owner)
    store_bytes(checked.sha256, upload.data)
    return row


def _record(
    actor: User, assessment: Assessment, upload: Upload, checked: CheckedFile, owner: str
) -> EvidenceFile:
    row = EvidenceFile(
        assessment_id=assessment.id,
        practice_id=upload.practice_id,
        name=checked.name,
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
        evidence_date=upload.evidence_date or utcnow().date(),
        owner=owner or actor.display_name,
        uploaded_by_id=actor.id,
        uploaded_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    record_change(
        actor,
        "attach_evidence",
        assessment,
        new={"evidence_file": _facts(row)},
        label=_label(assessment),
    )
    return row


def _facts(row: EvidenceFile) -> dict[str, object]:
    return {
        "id": row.id,
        "practice_id": row.practice_id,
        "name": row.name,
        "sha256": row.sha256,
        "size": row.size,
        "media_type": row.media_type,
        "evidence_date": row.evidence_date.isoformat(),
        "owner": row.owner,
    }


def remove(actor: User, assessment: Assessment, row: EvidenceFile) -> None:
    """Mark the file removed (its row and the audit trail keep what it was); its bytes go
    once no other attached file has the same content."""
    _may_change(actor, assessment)
    if row.removed:
        raise ServiceError(_("This file was already removed."))
    row.removed_at = utcnow()
    row.removed_by_id = actor.id
    db.session.flush()
    forget_bytes_after_commit(row.sha256, excluding=row.id)
    record_change(
        actor,
        "remove_evidence",
        assessment,
        old={"evidence_file": _facts(row)},
        new={"evidence_file": None},
        label=_label(assessment),
    )


def get_file(assessment: Assessment, evidence_id: int) -> EvidenceFile | None:
    """A file of this assessment that is still attached, or None."""
    return db.session.scalar(
        select(EvidenceFile).where(
            EvidenceFile.id == evidence_id,
            EvidenceFile.assessment_id == assessment.id,
            EvidenceFile.removed_at.is_(None),
        )
    )


def path_of(row: EvidenceFile) -> Path | None:
    """Where the bytes are, or None when the store has lost them."""
    path = stored_path(row.sha256)
    return path if path.is_file() else None
