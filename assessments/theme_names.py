"""Readable theme names and terms, in the input's main language.

A theme's **terms** are whole words of its members: words of the segmenter's dictionary
(which holds the PMO thesaurus, see :mod:`assessments.text`; its HMM guesser invents
fragments such as "里导" or "要录" from unknown character runs, and those never qualify),
English words as written, and the Chinese terms of the PMO thesaurus. A theme's **name**
is, in order of preference:

1. the name of the canonical PMO problem (:mod:`assessments.taxonomy`) that most of its
   members share, in the input's language, when no larger theme took that name already;
2. its two most characteristic terms in the input's language, joined ("需求、评审",
   "meetings, agenda");
3. the name of the thesaurus concept or taxonomy problem it leans to most, in that language
   — so a Chinese set never gets an English-only name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import rjieba

from assessments.text import CONCEPT_NAMES, CONCEPTS, has_cjk

__all__ = [
    "MAJORITY",
    "is_whole_word",
    "main_language",
    "name_from_terms",
    "terms_in_language",
]

MAJORITY = 0.5
"""Share of a theme's members whose most likely problem must be the same for the theme to
take that problem's name."""
_NAME_TERMS = 2
_LETTER = re.compile(r"[A-Za-z]")
_JOINER = {"zh": "、", "en": ", "}
_THESAURUS_ZH = frozenset(
    term for blob in CONCEPTS.values() for term in blob.split() if has_cjk(term) and len(term) > 1
)


def main_language(texts: Sequence[str]) -> str:
    """``"zh"`` when at least half of the written texts (those with a letter or a Chinese
    character) contain Chinese, else ``"en"``; ``"zh"`` when none is written."""
    written = [t for t in texts if has_cjk(t) or _LETTER.search(t)]
    if not written:
        return "zh"
    chinese = sum(1 for t in written if has_cjk(t))
    return "zh" if 2 * chinese >= len(written) else "en"


@cache
def is_whole_word(term: str) -> bool:
    """True for an English word, a thesaurus term, or a Chinese word of the segmenter's
    dictionary (one piece when cut without guessing unknown words)."""
    if not has_cjk(term):
        return True
    if term in _THESAURUS_ZH:
        return True
    return len(term) > 1 and bool(rjieba.has_word(term))


def terms_in_language(terms: Sequence[str], lang: str) -> list[str]:
    """The terms written in ``lang`` (Chinese: containing Chinese; English: no Chinese)."""
    return [t for t in terms if has_cjk(t) == (lang == "zh")]


def name_from_terms(terms: Sequence[str], concepts: Counter[str], fallback: str, lang: str) -> str:
    """A name from a theme's own words in ``lang``; else its most frequent concept's name;
    else ``fallback`` (its most likely problem's name)."""
    own = terms_in_language(terms, lang)[:_NAME_TERMS]
    if own:
        return _JOINER[lang].join(own)
    for concept, _ in concepts.most_common():
        if concept in CONCEPT_NAMES:
            return CONCEPT_NAMES[concept][0 if lang == "zh" else 1]
    return fallback
