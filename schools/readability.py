"""Reading-grade estimates, so staff see when a section is too hard for many parents.

Syllables come from pyphen's hyphenation dictionaries. Only languages with a published
formula that gives a school grade are rated: English (Flesch-Kincaid) and Spanish
(Crawford). Other languages are left unrated rather than shown a misleading number.
"""

import re
from functools import cache

import pyphen

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?¿¡]+(?:\s|$)|\n\s*\n")


@cache
def _hyphenator(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=lang)


def _counts(text: str, lang: str) -> tuple[int, int, int]:
    words = _WORD.findall(text)
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    hyphenator = _hyphenator(lang)
    syllables = sum(len(hyphenator.positions(word.lower())) + 1 for word in words)
    return len(words), sentences, syllables


def _flesch_kincaid(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59


def _crawford(words: int, sentences: int, syllables: int) -> float:
    sentences_per_100 = 100 * sentences / words
    syllables_per_100 = 100 * syllables / words
    return -0.205 * sentences_per_100 + 0.049 * syllables_per_100 - 3.407


_FORMULAS = {"en": ("en_US", _flesch_kincaid), "es": ("es", _crawford)}


def reading_grade(text: str, language: str) -> float | None:
    formula = _FORMULAS.get(language)
    if formula is None:
        return None
    lang, compute = formula
    words, sentences, syllables = _counts(text, lang)
    if words == 0:
        return None
    return round(max(0.0, compute(words, sentences, syllables)), 1)
