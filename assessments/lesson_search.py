"""Substring search over lessons that works for Chinese as for English.

Chinese has no spaces between words, so a word index cannot find "评审" inside
"需求评审会": the rule is instead that each space-separated term of the query occurs in the
title, text or tags as a contiguous substring (2 or more Chinese characters, or an English
word), and all terms must match. Both sides are normalised the same way (NFKC folds
full-width letters and digits, ``casefold`` ignores case), so a plain substring test on the
stored normalised text implements the rule on every database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

#: Terms beyond this many are ignored; a longer query is almost certainly not typed.
MAX_TERMS = 10
MAX_TERM_LENGTH = 100
#: Separates the fields in the stored text; no term (having no whitespace) spans it.
FIELD_SEPARATOR = "\n"


def normalise(text: str) -> str:
    """``text`` as stored and searched: NFKC (full-width to half-width), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_text(title: str, text: str, tags: Iterable[str]) -> str:
    """The one searchable string of a lesson: title, text and tags, normalised."""
    return FIELD_SEPARATOR.join(normalise(part) for part in (title, text, *tags))


def query_terms(query: str) -> list[str]:
    """The distinct terms of ``query``: split at any whitespace (the ideographic space too),
    normalised, in order, at most ``MAX_TERMS``."""
    terms: list[str] = []
    for raw in normalise(query).split():
        term = raw[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def matches(terms: Iterable[str], searchable: str) -> bool:
    """Every term occurs in ``searchable`` (the rule the database query applies)."""
    return all(term in searchable for term in terms)


def parse_tags(raw: str) -> list[str]:
    """Tags typed as a list: split at commas (also ``，`` and ``、``) or new lines,
    trimmed, blanks and repeats dropped, order kept."""
    tags: list[str] = []
    for sep in ("，", "、", "\n", ";", "；"):
        raw = raw.replace(sep, ",")
    for part in raw.split(","):
        tag = part.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags
