"""Keep the gettext catalogs in step with the code.

The catalog ``app/translations/zh_Hans_CN/LC_MESSAGES/messages.po`` is the one source of the
Chinese; English is the source language (the msgids) and needs no catalog.

``python scripts/i18n.py update`` (``make translations``) runs ``pybabel extract`` (babel.cfg)
into ``build/messages.pot``, ``pybabel update`` (new strings arrive empty, changed ones fuzzy,
removed ones obsolete ``#~``), ``pybabel compile``, then the check below so you see what is
left to translate.

``python scripts/i18n.py check`` (``make lint``, ``tests/test_i18n.py``) fails on
- a string in the code with no translation (or a plural form left empty),
- a fuzzy entry (a guess ``pybabel update`` made that nobody has reviewed),
- an obsolete ``#~`` entry or an entry for a string the code no longer has,
- a string translated twice in one catalog (gettext would silently keep one),
- placeholders that differ between the English and the translation,
- a ``.mo`` that is missing or out of date with its ``.po``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import PoFileParser, read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "app"
MAPPING = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "app" / "translations"
POT = ROOT / "build" / "messages.pot"
# Babel spells zh_CN as zh_Hans_CN, and that is the folder gettext looks in.
LOCALES = ("zh_Hans_CN",)
# Flask-Babel's lazy variants, besides pybabel's defaults (_, gettext, ngettext, pgettext…).
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")


def pybabel(*args: str | Path, echo: bool = True) -> None:
    shown = [
        str(arg.relative_to(ROOT))
        if isinstance(arg, Path) and arg.is_relative_to(ROOT)
        else str(arg)
        for arg in args
    ]
    if echo:
        print("pybabel", *shown, file=sys.stderr)
    command = [sys.executable, "-m", "babel.messages.frontend", *shown]
    subprocess.run(command, check=True, cwd=ROOT)


def extract(source: Path, mapping: Path, pot: Path, echo: bool = True) -> Catalog:
    pot.parent.mkdir(parents=True, exist_ok=True)
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    pybabel(
        "-q", "extract", "-F", mapping, *keywords, "--no-location", "--sort-output",
        "--omit-header", "--add-comments", "Translators:", "-o", pot, source, echo=echo,
    )  # fmt: skip
    with pot.open("rb") as fh:
        return read_po(fh)


def update() -> int:
    extract(SOURCE, MAPPING, POT)
    pybabel(
        "update", "-i", POT, "-d", TRANSLATIONS, "--previous", "--ignore-pot-creation-date",
        "--width", "100",
    )  # fmt: skip
    pybabel("compile", "-d", TRANSLATIONS, "--statistics")
    return check(SOURCE, MAPPING, TRANSLATIONS)


def key(message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return msgid, message.context


def strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


class _DuplicateFinder(PoFileParser):
    """Babel's parser keeps the last of two entries with one msgid; note every one of them."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__(catalog)
        self.seen: dict[tuple[str, str | None, bool], list[str]] = {}

    def _add_message(self) -> None:
        msgid = self.messages[0].denormalize()
        context = self.context.denormalize() if self.context else None
        translation = " / ".join(text.denormalize() for _, text in sorted(self.translations))
        self.seen.setdefault((msgid, context, self.obsolete), []).append(translation)
        super()._add_message()


def duplicates(po: Path) -> list[str]:
    finder = _DuplicateFinder(Catalog())
    with po.open("rb") as fh:
        finder.parse(fh)
    return [
        f"translated twice ({' | '.join(found)}): {label(msgid, context)}"
        for (msgid, context, _obsolete), found in finder.seen.items()
        if len(found) > 1
    ]


def label(msgid: str, context: str | None) -> str:
    return f"[{context}] {msgid}" if context else msgid


def catalog_problems(template: Catalog, po: Path) -> list[str]:
    """What is wrong with one catalog, measured against the strings of the code."""
    problems = duplicates(po)
    with po.open("rb") as fh:
        catalog = read_po(fh)
    wanted = {key(m) for m in template if m.id}
    for msgid, context in sorted(wanted, key=lambda k: (k[0], k[1] or "")):
        message = catalog.get(msgid, context=context)
        if message is None or not all(strings(message)):
            problems.append(f"not translated: {label(msgid, context)}")
    if catalog.fuzzy:
        problems.append("the header is marked fuzzy")
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(
                f"fuzzy (check the translation, then drop the flag): {label(*key(message))}"
            )
        if key(message) not in wanted:
            problems.append(f"no longer in the code (delete it): {label(*key(message))}")
    problems += [
        f"obsolete #~ entry (delete it): {label(*key(message))}"
        for message in catalog.obsolete.values()
    ]
    for message, errors in catalog.check():
        problems += [f"{error}: {label(*key(message))}" for error in errors]
    problems += compiled_problems(catalog, po.with_suffix(".mo"))
    return problems


def compiled_problems(catalog: Catalog, mo: Path) -> list[str]:
    if not mo.exists():
        return [f"{mo.name} is missing: run make translations"]
    with mo.open("rb") as fh:
        compiled = read_mo(fh)
    expected = {key(m): strings(m) for m in catalog if m.id and all(strings(m)) and not m.fuzzy}
    found = {key(m): strings(m) for m in compiled if m.id}
    if found != expected:
        return [f"{mo.name} is out of date with {mo.stem}.po: run make translations"]
    return []


def check(source: Path, mapping: Path, translations: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        template = extract(source, mapping, Path(tmp) / "messages.pot", echo=False)
    if not any(m.id for m in template):
        print("no strings extracted: is babel.cfg right?", file=sys.stderr)
        return 1
    problems = 0
    for locale in LOCALES:
        po = translations / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            print(f"{locale}: {po} is missing", file=sys.stderr)
            problems += 1
            continue
        for problem in catalog_problems(template, po):
            print(f"{locale}: {problem}", file=sys.stderr)
            problems += 1
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("check", "update"), nargs="?", default="check")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the code to extract from")
    parser.add_argument("--mapping", type=Path, default=MAPPING, help="the babel.cfg to use")
    parser.add_argument("--translations", type=Path, default=TRANSLATIONS)
    args = parser.parse_args(argv)
    if args.command == "update":
        return update()
    return check(args.source, args.mapping, args.translations)


if __name__ == "__main__":
    sys.exit(main())
