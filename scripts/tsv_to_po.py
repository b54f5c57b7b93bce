"""One-off: carry the translators' TSV files (scripts/zh_cn/*.tsv) into the zh_CN gettext catalog.

Re-runnable until the TSV files are gone: every string the code has gets the Chinese of its TSV
row (the TSV wins, so rows other branches added or reworded arrive), else keeps the catalog's
translation; plural and context entries take the TSV row of the message they replace. Reports
TSV rows that translate one msgid twice (conflicts: resolve them with a context below) and rows
the code no longer uses (dropped). Delete this script with the TSV files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
import i18n

TSV_DIR = Path(__file__).with_name("zh_cn")
PO = i18n.TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"

# (context, msgid) in the code -> the TSV translation it takes (msgid, translation).
CONTEXTS: dict[tuple[str, str], tuple[str, str]] = {}
# singular msgid of an ngettext entry in the code -> (old TSV msgid, {old: new placeholder}).
PLURALS: dict[str, tuple[str, dict[str, str]]] = {}


def tsv_rows() -> dict[str, dict[str, list[str]]]:
    """msgid -> translation -> where it is (file:line)."""
    rows: dict[str, dict[str, list[str]]] = {}
    for path in sorted(TSV_DIR.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.startswith("#"):
                source, _, target = line.partition("\t")
                source, target = source.replace("\\n", "\n"), target.replace("\\n", "\n")
                rows.setdefault(source, {}).setdefault(target, []).append(f"{path.name}:{number}")
    return rows


def main() -> int:
    template = i18n.extract(i18n.SOURCE, i18n.MAPPING, i18n.POT)
    rows = tsv_rows()
    old = Catalog(locale="zh_Hans_CN")
    if PO.exists():
        with PO.open("rb") as fh:
            old = read_po(fh)
    resolved = {msgid for msgid, _ in CONTEXTS.values()}
    conflicts = {
        msgid: found for msgid, found in rows.items() if len(found) > 1 and msgid not in resolved
    }
    for msgid, found in conflicts.items():
        print(f"conflict: {msgid!r} is translated {found}: give it a context", file=sys.stderr)

    catalog = Catalog(
        locale="zh_Hans_CN", project="Ladder", version="", fuzzy=False,
        copyright_holder="Ladder contributors", msgid_bugs_address="",
    )  # fmt: skip
    catalog.language_team = "Ladder <zh_CN>"
    catalog.last_translator = "Ladder contributors"
    used: set[str] = set()
    untranslated = []
    for message in template:
        if not message.id:
            continue
        msgid, context = i18n.key(message)
        previous = old.get(msgid, context=context)
        string: str | tuple[str, ...] = previous.string if previous is not None else ""
        if context is not None and (context, msgid) in CONTEXTS:
            source, string = CONTEXTS[context, msgid]
            used.add(source)
        elif isinstance(message.id, tuple) and msgid in PLURALS:
            source, renames = PLURALS[msgid]
            if source in rows and source not in conflicts:
                text = next(iter(rows[source]))
                for before, after in renames.items():
                    text = text.replace(before, after)
                string = (text,)
                used.add(source)
        elif context is None and msgid in rows and msgid not in conflicts:
            string = next(iter(rows[msgid]))
            used.add(msgid)
        if isinstance(message.id, tuple) and not isinstance(string, tuple):
            string = (string,) if string else ("",)
        if not all(string if isinstance(string, tuple) else (string,)):
            untranslated.append(msgid)
        catalog.add(message.id, string, flags=message.flags, context=context)
    for msgid in sorted(set(rows) - used - set(conflicts)):
        print(f"dropped, no longer in the code: {msgid!r}", file=sys.stderr)
    for msgid in untranslated:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    with PO.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    return 1 if conflicts or untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
