"""Keep the translation catalogs in step with the source.

``python scripts/i18n.py update`` extracts every string, merges it into the zh_CN and en
catalogs, fills zh_CN from ``scripts/zh_cn/*.tsv`` (msgid TAB translation, one per line; one
file per area, the translators' working copy) and en with the English source, then compiles.
``python scripts/i18n.py check`` fails when a string is missing or untranslated.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
ZH_TSV_DIR = Path(__file__).with_name("zh_cn")
POT = ROOT / "build" / "messages.pot"
# Babel names Simplified Chinese ``zh_Hans_CN``; gettext looks for that folder (or ``zh``).
CATALOG_DIRS = {"zh_CN": "zh_Hans_CN", "en": "en"}


def extract() -> None:
    POT.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--omit-header",
            "-o",
            str(POT),
            str(ROOT / "app"),
        ],
        check=True,
    )


def zh_table() -> dict[str, str]:
    table = {}
    lines = [
        line
        for path in sorted(ZH_TSV_DIR.glob("*.tsv"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    for line in lines:
        if line.strip() and not line.startswith("#"):
            source, _, target = line.partition("\t")
            table[source.replace("\\n", "\n")] = target.replace("\\n", "\n")
    return table


def update() -> int:
    extract()
    with POT.open("rb") as fh:
        template = read_po(fh)
    zh = zh_table()
    missing = []
    for locale in ("zh_CN", "en"):
        catalog = read_po(POT.open("rb"), locale=locale)
        for message in catalog:
            if not message.id:
                continue
            if locale == "en":
                message.string = message.id
            elif message.id in zh:
                message.string = zh[message.id]
            else:
                missing.append(message.id)
        catalog.fuzzy = False
        target = TRANSLATIONS / CATALOG_DIRS[locale] / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        with (target / "messages.po").open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
        with (target / "messages.mo").open("wb") as fh:
            write_mo(fh, catalog)
    del template
    for source in missing:
        print(f"untranslated (zh_CN): {source}", file=sys.stderr)
    return 1 if missing else 0


def check() -> int:
    extract()
    with POT.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    if len(wanted) < 10:
        print(f"only {len(wanted)} strings extracted: is babel.cfg right?", file=sys.stderr)
        return 1
    problems = 0
    for locale in ("zh_CN", "en"):
        with (TRANSLATIONS / CATALOG_DIRS[locale] / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh)
        have = {m.id: m.string for m in catalog if m.id}
        for source in sorted(wanted):
            if not have.get(source):
                print(f"{locale}: not translated: {source}", file=sys.stderr)
                problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    sys.exit(update() if command == "update" else check())
