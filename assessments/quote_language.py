"""Which language a short text is written in, to show a theme's quotes in the reader's first.

Pain points are Chinese or English, sometimes mixed ("测试环境又挂了, CI red again"). A text's
language is that of most of its written characters: each Chinese character counts as a word
of its own against the English letters, weighted so that a Chinese sentence with one English
term stays Chinese and an English sentence naming one system in Chinese stays English.
Deliberately simple and pure (only ``re``): it runs on every theme page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["cjk_ratio", "in_language_first", "text_language"]

_CJK_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile("[A-Za-z]")

#: English letters per word-like unit: a Chinese character weighs about as much as a short
#: English word of this many letters.
LETTERS_PER_CHARACTER = 3.0


def cjk_ratio(text: str) -> float:
    """The share (0..1) of ``text``'s written content that is Chinese: CJK characters
    against English letters counted :data:`LETTERS_PER_CHARACTER` to a character.
    0 for a text with neither (digits, punctuation, blank)."""
    chinese = len(_CJK_CHAR.findall(text))
    latin = len(_LATIN_LETTER.findall(text)) / LETTERS_PER_CHARACTER
    if chinese + latin == 0:
        return 0.0
    return chinese / (chinese + latin)


def text_language(text: str) -> str | None:
    """``"zh"`` when at least half of the text is Chinese (:func:`cjk_ratio`), ``"en"`` when
    less, ``None`` when it has no letters nor Chinese characters at all."""
    if not _CJK_CHAR.search(text) and not _LATIN_LETTER.search(text):
        return None
    return "zh" if cjk_ratio(text) >= 0.5 else "en"


def in_language_first(texts: Sequence[str], lang: str) -> list[int]:
    """Indexes of ``texts`` with those in ``lang`` (``"zh"`` or ``"en"``) first, the others
    after; the order within each group is kept (it is the order of representativeness)."""
    first = [i for i, text in enumerate(texts) if text_language(text) == lang]
    chosen = set(first)
    return first + [i for i in range(len(texts)) if i not in chosen]
