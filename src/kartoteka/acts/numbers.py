"""Numbers written in words, in any case form: "пяти", "ЧЕТЫРЕ", "двадцати четырёх",
"пятидесяти тысяч", "полтора". The inflection is the analyser's job (pymorphy3 lemmas), the
arithmetic is this module's; the vocabulary is data.
"""

from __future__ import annotations

from kartoteka.acts.morph import lemmas
from kartoteka.russian import CARDINALS

UNITS: dict[str, float] = {"ноль": 0, **CARDINALS, "полтора": 1.5}
MULTIPLIERS = {"тысяча": 1000, "миллион": 1_000_000}
# Forms the analyser does not lemmatise to the words above (oblique cases of "сто" ...).
_FORMS = {"ста": "сто", "полутора": "полтора", "одного": "один", "одной": "один"}


def word_value(word: str) -> float | None:
    """The value of one number word, or None when the word is not a number word."""
    w = word.lower().replace("ё", "е")
    if w in _FORMS:
        return UNITS[_FORMS[w]]
    for lemma in lemmas(w):
        lemma = lemma.replace("ё", "е")
        if lemma in UNITS:
            return UNITS[lemma]
        if lemma in MULTIPLIERS:
            return -MULTIPLIERS[lemma]  # marked negative: a multiplier, not an addend
    return None


def is_number_word(word: str) -> bool:
    return word_value(word) is not None


def words_value(words: list[str]) -> float | None:
    """ "двадцати четырех" → 24, "пятидесяти тысяч" → 50000, "полтора" → 1.5; None if any
    word is not a number word."""
    total = 0.0
    current = 0.0
    for word in words:
        value = word_value(word)
        if value is None:
            return None
        if value < 0:
            total += (current or 1) * -value
            current = 0
        else:
            current += value
    return total + current
