"""The formulas of operative parts as data: punishments, additional punishments, regimes,
service status, suspension, release for a contract (DOMAIN.md §6). The extractor
(`sentences.py`) only combines them; a new wording is a new line here.

Nouns of a main punishment are matched in the nominative, genitive or accusative ("в виде
лишения свободы", "назначить лишение свободы"); the instrumental case marks an additional
punishment or a replacement ("со штрафом", "с ограничением свободы", "принудительными
работами"), which is how the operative part itself tells them apart.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

MAIN_PUNISHMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("imprisonment", re.compile(r"лишени[еяю]\s+свободы", _I)),
    (
        "disciplinary_unit",
        re.compile(r"(?:содержани[еяю]\s+в\s+)?дисциплинарн\w+\s+воинск\w+\s+част[иь]", _I),
    ),
    ("military_restriction", re.compile(r"ограничени[еяю]\s+по\s+(?:военной\s+)?службе", _I)),
    ("restriction_of_freedom", re.compile(r"ограничени[еяю]\s+свободы", _I)),
    ("compulsory_works", re.compile(r"обязательн\w+\s+работ", _I)),
    ("correctional_works", re.compile(r"исправительн\w+\s+работ", _I)),
    ("forced_labour", re.compile(r"принудительн\w+\s+работ", _I)),
    ("fine", re.compile(r"(?<!судебного )(?<!судебный )\bштраф(?:а|у)?\b", _I)),
    ("other", re.compile(r"в\s+виде\s+(?:ареста|лишения\s+права\s+\w+)", _I)),
)
# The replacement of imprisonment by forced labour (ст. 53.1 УК РФ): "заменить ...
# принудительными работами на срок 1 год".
REPLACEMENT = re.compile(r"заменить[^.]{0,200}?принудительными\s+работами", _I)

ADDITIONAL: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "deprivation_of_rank",
        re.compile(
            r"лиш(?:ением|ить|ение|ения)\s+(?:\S+\s+){0,4}?(?:воинского|специального|"
            r"классного|почетного)\s+(?:звания|чина)",
            _I,
        ),
    ),
    (
        "deprivation_of_right_to_hold_positions",
        re.compile(
            r"лиш(?:ением|ить|ение|ения)\s+(?:\S+\s+){0,3}?права\s+(?:занимать|заниматься)", _I
        ),
    ),
    (
        "deprivation_of_awards",
        re.compile(r"лиш(?:ением|ить|ение|ения)\s+(?:\S+\s+){0,3}?государственн\w+\s+наград", _I),
    ),
    ("fine", re.compile(r"\bсо\s+штрафом\b", _I)),
    ("restriction_of_freedom", re.compile(r"\bс\s+ограничением\s+свободы\b", _I)),
)

REGIMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("settlement", re.compile(r"колони[яиюей]{1,2}[\s-]+поселени[яеию]", _I)),
    ("general", re.compile(r"общего\s+режима", _I)),
    ("strict", re.compile(r"строгого\s+режима", _I)),
    ("special", re.compile(r"особого\s+режима", _I)),
)

SERVICE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "mobilised",
        re.compile(
            r"военн\w+\s+служб\w+\s+по\s+мобилизации|мобилизованн\w+|"
            r"призван\w*\s+(?:на\s+военную\s+службу\s+)?по\s+(?:частичной\s+)?мобилизации",
            _I,
        ),
    ),
    ("contract", re.compile(r"военн\w+\s+служб\w+\s+по\s+контракту|по\s+контракту\b", _I)),
    (
        "conscript",
        re.compile(
            r"военн\w+\s+служб\w+\s+по\s+призыву|военнослужащ\w+\s+по\s+призыву|"
            r"призванн\w+\s+на\s+военную\s+службу(?!\s+по\s+(?:частичной\s+)?мобилизации)",
            _I,
        ),
    ),
)

SUSPENDED = re.compile(r"условн(?:ым|ой|ое|ый|о)\b(?!-)|условного\s+осуждения", _I)
PROBATION = re.compile(r"испытательн\w*\s+срок\w*\s*(?:на\s+|в\s+)?", _I)
BELOW_MINIMUM = re.compile(r"\bст(?:\.|ать\w+)\s*64\b", _I)
CONTRACT_RELEASE = re.compile(
    r"освобод\w+[^.]{0,250}?(?:80\.2|78\.1|контракт)|(?:80\.2|78\.1)[^.]{0,250}?освобод", _I
)
CONTRACT_DEFERRAL = re.compile(
    r"(?:отсроч\w+|приостанов\w+)[^.]{0,250}?(?:контракт|28\.2|мобилизац)", _I
)
PAY_WITHHELD = re.compile(
    r"удержани\w+\s+[^.%]{0,80}?(?P<n>\d{1,2})\s*(?:\([^)]*\)\s*|/[^/]*/\s*)?(?:%|процент)"
    r"|удержани\w+\s+[^.%]{0,80}?(?P<w>(?:[а-яё]+\s+){0,2}?[а-яё]+)\s+процент",
    _I,
)
MONEY = re.compile(
    r"в\s+(?:размере|сумме)\s+(?P<d>\d{1,3}(?:[\s\u00a0]\d{3})+|\d+)\s*(?:\([^)]*\)\s*)?"
    r"(?P<k>тысяч\w*\s+)?руб"
    r"|в\s+(?:размере|сумме)\s+(?P<w>(?:[а-яё]+\s+){1,6}?)руб",
    _I,
)

CONVICTED = re.compile(r"(?<![а-яё])виновн(?:ым|ой|ыми)\b", _I)
ACQUITTED = re.compile(r"(?<![а-яё])невиновн(?:ым|ой|ыми)\b|\bоправдать\b", _I)
TERMINATED = re.compile(r"\bпрекратить\b", _I)
RETURNED = re.compile(r"\bвозвратить\b[^.]{0,80}?прокурор", _I)
FINAL_MARK = re.compile(r"окончательн", _I)
COMBINED_MARK = re.compile(r"совокупност|\bст\.\s*69\b|\bст\.\s*70\b|ст\.\s*69\s+УК|69\s+УК", _I)
ASSIGN_MARK = re.compile(r"назнач|определить|в\s+виде|заменить|смягчить|снизить|усилить", _I)
NOT_A_SENTENCE = re.compile(
    r"^(?:зачесть|меру\s+пресечения|срок\s+(?:отбывания\s+)?наказания|взыскать|"
    r"вещественные|процессуальные|обязать|гражданский)",
    _I,
)
CHARGED_WITH = re.compile(r"предусмотренн\w+|по\s+(?=(?:п\.|ч\.|ст\.))", _I)
CODE_END = re.compile(r"УК\s*РФ|Уголовного\s+кодекса", _I)

# Appeal and cassation rulings: the imperative of the ruling itself ("приговор … отменить")
# or the participle of the card's result ("Приговор ИЗМЕНЕН").
_ACT_NOUN = r"(?:приговор|постановлени|определени|решени)\w*\b"
QUASHED = re.compile(
    _ACT_NOUN + r"[^.]{0,300}?\bотмен(?:ить|ен[оаы]?)\b|\bотменить\b[^.]{0,40}?" + _ACT_NOUN, _I
)
CHANGED = re.compile(_ACT_NOUN + r"[^.]{0,300}?\bизмен(?:ить|ен[оаы]?)\b", _I)
UPHELD = re.compile(
    r"оставить\s+без\s+изменения|оставлен[оаы]?\s+без\s+изменени|без\s+удовлетворения", _I
)
NEW_TERM = re.compile(r"(?:смягчить|снизить|усилить|сократить)[^.]{0,200}?\bдо\s+", _I)
