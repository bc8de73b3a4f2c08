"""Russian morphology and number words shared by the text packages (`kartoteka.acts`,
`kartoteka.claims`).

One pymorphy3 analyser per process: its dictionaries take a fraction of a second and tens of
megabytes to load, and both the verdict reader and the claim reader need them. The cardinal
number words are data both packages read; each adds what its own texts need (zero and
"полтора" in terms of punishment, English words in news text).
"""

from __future__ import annotations

from functools import cache

import pymorphy3


@cache
def analyser() -> pymorphy3.MorphAnalyzer:
    """The shared analyser, loaded on first use."""
    return pymorphy3.MorphAnalyzer()


# Russian cardinal numbers by their lemma (pymorphy3's normal form), one to nine hundred;
# larger numbers are built from these and a multiplier ("тысяча", "миллион").
CARDINALS: dict[str, int] = {
    "один": 1,
    "два": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "тринадцать": 13,
    "четырнадцать": 14,
    "пятнадцать": 15,
    "шестнадцать": 16,
    "семнадцать": 17,
    "восемнадцать": 18,
    "девятнадцать": 19,
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
    "девяносто": 90,
    "сто": 100,
    "двести": 200,
    "триста": 300,
    "четыреста": 400,
    "пятьсот": 500,
    "шестьсот": 600,
    "семьсот": 700,
    "восемьсот": 800,
    "девятьсот": 900,
}
