"""What the pages call a finding's source, frequency and category, and the message for a
finding text that is too long. Shared by the findings, surveys and themes pages, so that
each blueprint reads them here rather than from another blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TOO_LONG = _l("At most %(max)d characters, please shorten it.")

SOURCE_LABELS = {
    "gap": _l("Assessment gap"),
    "survey": _l("Survey"),
    "import": _l("Import"),
    "manual": _l("Interview note"),
}
FREQUENCY_LABELS = {
    "rarely": _l("Rarely"),
    "monthly": _l("Every month"),
    "weekly": _l("Every week"),
    "daily": _l("Every day"),
}
CATEGORY_LABELS = {
    "process": _l("Process"),
    "people": _l("People"),
    "tools": _l("Tools"),
    "communication": _l("Communication"),
    "quality": _l("Quality"),
    "other": _l("Other"),
}
