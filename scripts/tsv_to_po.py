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

# (context, msgid) in the code -> its Chinese, where one English word needs two.
CONTEXTS: dict[tuple[str, str], str] = {
    ("KPI measurement", "Value"): "数值",  # backlog.tsv:47
    ("table column", "Value"): "值",  # backlog.tsv:223 (the review minutes' Field/Value table)
}
# singular msgid of an ngettext entry -> (the TSV msgid it replaces, placeholder renames).
N = {"%(n)s": "%(num)s"}
PLURALS: dict[str, tuple[str, dict[str, str]]] = {
    "%(num)s decision applied.": ("%(n)s decisions applied.", N),
    "%(num)s new finding placed in its nearest theme.": (
        "%(n)s new findings placed in their nearest theme.",
        N,
    ),
    "%(num)s finding moved to “%(theme)s”.": ("%(n)s findings moved to “%(theme)s”.", N),
    "Theme split into %(num)s theme.": ("Theme split into %(n)s themes.", N),
    "Assessment validated: it is frozen now; %(num)s gap finding recorded.": (
        "Assessment validated: it is frozen now; %(n)s gap findings recorded.",
        N,
    ),
    "Cycle opened: %(num)s assessment created.": ("Cycle opened: %(n)s assessments created.", N),
    "Quick-win rule saved: %(num)s item is a candidate.": (
        "Quick-win rule saved: %(n)s items are candidates.",
        N,
    ),
    "%(num)s finding imported.": ("%(n)s findings imported.", N),
    "%(num)s measurement imported.": ("%(n)s measurements imported.", N),
    "At most %(num)s category of up to %(max)s characters.": (
        "At most %(n)s categories of up to %(max)s characters each.",
        N,
    ),
    "You already have %(num)s active token. Revoke it first if you no longer use it.": (
        "You already have %(n)s active tokens. Revoke one you no longer use first.",
        N,
    ),
    "%(num)s practice is not rated yet; rate it before submitting.": (
        "%(n)s practices are not rated yet; rate them all before submitting.",
        N,
    ),
    "Nothing was imported: the file has %(num)s problem.": (
        "Nothing was imported: the file has %(n)s problems.",
        N,
    ),
    "At most %(num)s row.": ("At most %(n)s rows.", N),
    "%(num)s finding": ("%(n)s findings", N),
    "Place %(num)s new finding in its nearest theme": (
        "Place %(n)s new findings in their nearest theme",
        N,
    ),
    "Clustering %(num)s finding…": ("Clustering %(n)s findings…", N),
    "%(rated)s of %(num)s practice rated": (
        "%(rated)s of %(total)s practices rated",
        {"%(total)s": "%(num)s"},
    ),
    "%(num)s practice remains unrated: rate it to submit.": (
        "%(n)s practices remain unrated: rate them all to submit.",
        N,
    ),
    "%(num)s level below target": ("%(n)s levels below target", N),
    "The file was not imported; %(num)s problem:": (
        "The file was not imported; %(n)s problems:",
        N,
    ),
    "Nothing was imported. Fix the %(num)s problem below and upload the file again:": (
        "Nothing was imported. Fix these %(n)s problems and upload the file again:",
        N,
    ),
    "%(num)s account": ("%(n)s accounts", N),
    "%(num)s assessment waits for review": ("%(n)s assessments wait for review", N),
    "Review the %(num)s business line": ("Review the %(n)s business lines", N),
    "%(num)s business line has no director yet: assign one": (
        "%(n)s business lines have no director yet: assign one",
        N,
    ),
    "%(num)s assessment waits for your review": ("%(n)s assessments wait for your review", N),
}
# TSV msgids the code replaced with sentences composed of plural pieces (translated in the .po).
REPLACED = {
    "Imported %(rows)s rows; %(changed)s practices changed.",
    "%(n)s business lines in cycle %(cycle)s; %(met)s of %(measured)s with results meet their "
    "target level.",
    "%(n)s findings, %(k)s themes",
}


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
    wanted = {i18n.key(m) for m in template if m.id}
    conflicts = {msgid: found for msgid, found in rows.items() if len(found) > 1}
    for msgid, found in conflicts.items():
        if (msgid, None) in wanted:
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
            string = CONTEXTS[context, msgid]
            used.add(msgid)
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
    for msgid in sorted(set(rows) - used - REPLACED):
        print(f"dropped, no longer in the code: {msgid!r}", file=sys.stderr)
    for msgid in untranslated:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    with PO.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    unresolved = [msgid for msgid in conflicts if (msgid, None) in wanted]
    return 1 if unresolved or untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
