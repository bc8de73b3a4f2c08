"""Published judicial acts of sandbox cases, and the ground truth of every sentence in them.

The texts are plainly synthetic (each says the sandbox wrote it; all persons are invented and
appear as initials, as real published acts anonymise them), but their operative parts vary
the way real verdicts do (DOMAIN.md §6), so that sentence extraction is tested on more than
one formula:

- terms as "5 (пять) лет 6 (шесть) месяцев", "пяти лет", "5 лет 6 месяцев", "5 г. 6 мес.",
  before or after the punishment noun;
- combined sentences for defendants with several charges (a term per charge, then "по
  совокупности … окончательно назначить");
- several defendants with different punishments: real terms, ст. 73 with probation,
  disciplinary military unit, restriction in military service with a share of pay withheld,
  fines; ст. 64; deprivation of military rank;
- the service status in the description ("по мобилизации", "по контракту", "по призыву");
- appeal rulings that change a sentence ("смягчить назначенное наказание до …");
- Word-HTML: styles on every paragraph, words split across `<span>`s, `&nbsp;`, the operative
  keyword spaced out ("П Р И Г О В О Р И Л:").

`act_sentences(case)` is the truth of what the act of `case` says, one row per defendant; it is
derived from the case's own seed, so the caseload's random stream (and every other part of the
ground truth) is unchanged. The first defendant's sentence is the case's `sentence`.
"""

from __future__ import annotations

import dataclasses
import html
import random

from kartoteka.sandbox.caseload import ResultKind, Sentence, SimCase, SimCharge, SimDefendant
from kartoteka.sudrf.urls import Instance

_REGIME = {
    "general": "в исправительной колонии общего режима",
    "strict": "в исправительной колонии строгого режима",
    "settlement": "в колонии-поселении",
}
_NOM = {
    1: "один",
    2: "два",
    3: "три",
    4: "четыре",
    5: "пять",
    6: "шесть",
    7: "семь",
    8: "восемь",
    9: "девять",
    10: "десять",
    11: "одиннадцать",
    12: "двенадцать",
    15: "пятнадцать",
    20: "двадцать",
}
_GEN = {
    1: "одного",
    2: "двух",
    3: "трёх",
    4: "четырёх",
    5: "пяти",
    6: "шести",
    7: "семи",
    8: "восьми",
    9: "девяти",
    10: "десяти",
    11: "одиннадцати",
    12: "двенадцати",
    15: "пятнадцати",
    20: "двадцати",
}
_STYLES = ("gloss", "words", "digits", "abbrev")
_SERVICE_TEXT = {
    "mobilised": "призванного на военную службу по мобилизации",
    "contract": "проходящего военную службу по контракту",
    "conscript": "проходящего военную службу по призыву",
}


@dataclasses.dataclass(frozen=True, slots=True)
class SentenceTruth:
    """What the act of a case says about one defendant (the `inspect --act` vocabulary)."""

    defendant: str  # initials, as the act prints them
    punishment: str
    term_months: int | None = None
    suspended: bool = False
    probation_months: int | None = None
    regime: str | None = None
    fine_rub: int | None = None
    pay_withheld_pct: int | None = None
    below_minimum: bool = False
    additional: tuple[str, ...] = ()
    service: str | None = None
    articles: tuple[tuple[str, str | None, str | None], ...] = ()


def _rng(case: SimCase) -> random.Random:
    return random.Random(f"acts:{case.seed}:{case.case_id}")


def _count(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _number(n: int, style: str, genitive: bool) -> str:
    words = (_GEN if genitive else _NOM).get(n)
    if style == "gloss" and words:
        return f"{n} ({_NOM[n]})"
    if style == "words" and words:
        return words
    return str(n)


def term_text(months: int, style: str, genitive: bool = False) -> str:
    """A term as verdicts print it: "5 (пять) лет 6 (шесть) месяцев", "пяти лет шести
    месяцев", "5 лет 6 месяцев", "5 г. 6 мес."."""
    years, rest = divmod(months, 12)
    parts = []
    units = (
        (years, "г.", ("года", "лет"), ("год", "года", "лет")),
        (rest, "мес.", ("месяца", "месяцев"), ("месяц", "месяца", "месяцев")),
    )
    for value, abbrev, (gen_one, gen_many), forms in units:
        if not value:
            continue
        if style == "abbrev":
            parts.append(f"{value} {abbrev}")
            continue
        unit = (gen_one if value == 1 else gen_many) if genitive else _count(value, *forms)
        parts.append(f"{_number(value, style, genitive)} {unit}")
    return " ".join(parts)


def _service(rng: random.Random, d: SimDefendant) -> str:
    mobilisation = any(c.is_mobilisation for c in d.charges)
    if mobilisation:
        return rng.choices(["mobilised", "contract", "conscript"], [0.55, 0.4, 0.05])[0]
    return rng.choices(["mobilised", "contract", "conscript"], [0.2, 0.5, 0.3])[0]


def _from_case_sentence(s: Sentence) -> dict[str, object]:
    if s.punishment == "fine":
        return {"punishment": "fine", "fine_rub": s.fine_rub}
    if s.punishment == "disciplinary_unit":
        return {"punishment": "disciplinary_unit", "term_months": s.months}
    if s.punishment == "restriction_of_service":
        return {"punishment": "military_restriction", "term_months": s.months, "pct": 10}
    if s.suspended:
        return {
            "punishment": "suspended_imprisonment",
            "term_months": s.months,
            "suspended": True,
            "probation_months": s.probation_months,
        }
    return {"punishment": "imprisonment", "term_months": s.months, "regime": s.regime or "general"}


def _other_defendant(rng: random.Random, first: dict[str, object]) -> dict[str, object]:
    """A co-defendant's sentence: the same, or another punishment for a smaller role."""
    months = first.get("term_months")
    base = int(months) if isinstance(months, int) else 24
    kind = rng.choices(
        ["same", "suspended", "restriction", "disciplinary", "real"], [0.3, 0.25, 0.15, 0.1, 0.2]
    )[0]
    if kind == "same":
        return dict(first)
    if kind == "suspended":
        return {
            "punishment": "suspended_imprisonment",
            "term_months": max(6, base - 6),
            "suspended": True,
            "probation_months": rng.choice([12, 18, 24, 30, 36]),
        }
    if kind == "restriction":
        return {
            "punishment": "military_restriction",
            "term_months": rng.choice([4, 6, 8, 12]),
            "pct": rng.choice([5, 10, 15, 20]),
        }
    if kind == "disciplinary":
        return {"punishment": "disciplinary_unit", "term_months": rng.choice([6, 9, 12, 18])}
    return {
        "punishment": "imprisonment",
        "term_months": max(3, base + rng.choice([-6, 6, 12])),
        "regime": rng.choice(["general", "settlement", "strict"]),
    }


def act_sentences(case: SimCase) -> list[SentenceTruth]:
    """The truth of every sentence the act of `case` states: first-instance verdicts with a
    sentence, and appeal rulings that changed one (the new punishment). Empty otherwise."""
    sentence = _sentence_source(case)
    if sentence is None:
        return []
    rng = _rng(case)
    first = _from_case_sentence(sentence)
    out = []
    for i, d in enumerate(case.defendants):
        articles = tuple((c.article, c.part, c.point) for c in _dedup(d.charges))
        if case.instance is not Instance.FIRST:  # the new, softened term of a changed ruling
            softened = max(3, (sentence.months or 0) - rng.choice([3, 6, 12]))
            out.append(SentenceTruth(d.name.initials, "imprisonment", softened, articles=articles))
            continue
        values = first if i == 0 else _other_defendant(rng, first)
        service = _service(rng, d)
        months = values.get("term_months")
        real = values["punishment"] == "imprisonment"
        below = real and rng.random() < 0.15
        rank = real and isinstance(months, int) and months >= 60 and rng.random() < 0.3
        out.append(
            SentenceTruth(
                defendant=d.name.initials,
                punishment=str(values["punishment"]),
                term_months=months,  # type: ignore[arg-type]
                suspended=bool(values.get("suspended", False)),
                probation_months=values.get("probation_months"),  # type: ignore[arg-type]
                regime=values.get("regime"),  # type: ignore[arg-type]
                fine_rub=values.get("fine_rub"),  # type: ignore[arg-type]
                pay_withheld_pct=values.get("pct"),  # type: ignore[arg-type]
                below_minimum=below,
                additional=("deprivation_of_rank",) if rank else (),
                service=service,
                articles=articles,
            )
        )
    return out


def _sentence_source(case: SimCase) -> Sentence | None:
    if case.instance is Instance.FIRST:
        if case.final_kind is ResultKind.VERDICT and case.sentence is not None:
            return case.sentence
        return None
    s = case.sentence
    changed = case.appeal_outcome == "changed" and s is not None and bool(s.months)
    if changed and s is not None and s.punishment == "imprisonment" and not s.suspended:
        return s
    return None


def _dedup(charges: tuple[SimCharge, ...]) -> list[SimCharge]:
    seen: dict[tuple[str, str | None, str | None], SimCharge] = {}
    for c in charges:
        seen.setdefault((c.article, c.part, c.point), c)
    return list(seen.values())


def _charge_words(c: SimCharge) -> str:
    out = f"ст. {c.article} УК РФ"
    if c.part:
        out = f"ч. {c.part} " + out
    if c.point:
        out = f"п. «{c.point}» " + out
    return out


def _charges_words(charges: list[SimCharge]) -> str:
    """ "ч. 5 ст. 337, ч. 2.1 ст. 338 УК РФ": one trailing code."""
    return ", ".join(_charge_words(c).removesuffix(" УК РФ") for c in charges) + " УК РФ"


def _split(word: str, rng: random.Random) -> str:
    """A word as Word exports it now and then: split across two spans."""
    if len(word) < 6 or rng.random() < 0.5:
        return html.escape(word)
    at = rng.randint(2, len(word) - 2)
    return f"{html.escape(word[:at])}</span><span>{html.escape(word[at:])}"


def _punishment_text(t: SentenceTruth, style: str, rng: random.Random) -> str:
    """ "в виде лишения свободы на срок …" (or the term first, in the genitive)."""
    if t.punishment == "fine":
        amount = f"{t.fine_rub:,}".replace(",", " ")
        return f"в виде штрафа в размере {amount} рублей"
    term_first = rng.random() < 0.4
    months = t.term_months or 0
    if t.punishment == "disciplinary_unit":
        noun = "содержания в дисциплинарной воинской части"
    elif t.punishment == "military_restriction":
        noun = "ограничения по военной службе"
    else:
        noun = "лишения свободы"
    if term_first:
        text = f"в виде {term_text(months, style, genitive=True)} {noun}"
    else:
        text = f"в виде {noun} на срок {term_text(months, style)}"
    if t.punishment == "military_restriction":
        text += f" с удержанием в доход государства {t.pay_withheld_pct} % денежного довольствия"
    if t.punishment == "imprisonment" and t.regime:
        text += f" с отбыванием наказания {_REGIME[t.regime]}"
    if "deprivation_of_rank" in t.additional:
        text += ", с лишением воинского звания «рядовой»"
    return text


def _operative(case: SimCase, d: SimDefendant, t: SentenceTruth, rng: random.Random) -> list[str]:
    """The paragraphs of the operative part for one defendant (plain text, escaped later)."""
    style = rng.choice(_STYLES)
    charges = _dedup(d.charges)
    who = d.name.initials
    opening = rng.choice(
        [
            f"{who} признать виновным в совершении {{crime}}, предусмотренн{{ogo}} {{charges}}, "
            "и назначить ему наказание",
            f"Признать {who} виновным в совершении {{crime}}, предусмотренн{{ogo}} {{charges}}, "
            "и назначить ему наказание",
        ]
    )
    many = len(charges) > 1
    crime, ogo = ("преступлений", "ых") if many else ("преступления", "ого")
    head = opening.format(crime=crime, ogo=ogo, charges=_charges_words(charges))
    punishment = _punishment_text(t, style, rng)
    if t.below_minimum:
        head = head.replace("и назначить ему", "и с применением ст. 64 УК РФ назначить ему")
    if not many or t.punishment == "fine":
        paragraphs = [f"{head} {punishment}."]
    else:
        paragraphs = [f"{head}:"]
        final = t.term_months or 0
        for i, c in enumerate(charges):
            part = max(2, final - 6 * (i + 1))
            noun = {
                "disciplinary_unit": "содержания в дисциплинарной воинской части",
                "military_restriction": "ограничения по военной службе",
            }.get(t.punishment, "лишения свободы")
            end = ";" if i + 1 < len(charges) else "."
            paragraphs.append(
                f"- по {_charge_words(c)} в виде {noun} на срок {term_text(part, style)}{end}"
            )
        paragraphs.append(
            "На основании ч. 3 ст. 69 УК РФ по совокупности преступлений путём частичного "
            f"сложения назначенных наказаний окончательно назначить {who} наказание "
            f"{punishment}."
        )
    if t.suspended:
        paragraphs.append(
            f"На основании ст. 73 УК РФ назначенное {who} наказание считать условным с "
            f"испытательным сроком {term_text(t.probation_months or 0, style)}."
        )
    return paragraphs


def act_title(case: SimCase) -> str:
    if case.instance is Instance.APPEAL:
        return "Апелляционное определение"
    if case.instance is Instance.CASSATION:
        return "Кассационное определение"
    return "Приговор" if case.final_kind is ResultKind.VERDICT else "Постановление"


def act_html(case: SimCase, court_name: str) -> str:
    """The act as the card's СУДЕБНЫЕ АКТЫ tab (or `name_op=doc`) shows it, as Word-HTML."""
    e = html.escape
    rng = _rng(case)
    truths = act_sentences(case)
    text_rng = random.Random(f"text:{case.seed}")
    date = case.final_date.strftime("%d.%m.%Y") if case.final_date else ""
    title = act_title(case).upper()
    p = '<p style="TEXT-ALIGN: justify; TEXT-INDENT: 0.5in">'
    center = '<p style="TEXT-ALIGN: center; TEXT-INDENT: 0.5in">'
    lines = [
        f'<p style="TEXT-ALIGN: right; TEXT-INDENT: 0.5in">дело № {e(case.number)}</p>',
        f"{center}{title}</p>",
    ]
    if case.final_kind is ResultKind.VERDICT and case.instance is Instance.FIRST:
        lines.append(f"{center}ИМЕНЕМ РОССИЙСКОЙ ФЕДЕРАЦИИ</p>")
    lines.append(f"{p}{date}</p>")
    lines.append(
        f"{p}{e(court_name)} (симуляция kartoteka: текст создан песочницей, "
        "все лица вымышлены) в составе председательствующего судьи "
        f"{e(case.judge.short)},</p>"
    )
    truth_of = dict(zip(range(len(truths)), truths, strict=True))
    for i, d in enumerate(case.defendants):
        charges = ", ".join(_charge_words(c) for c in d.charges)
        truth = truth_of.get(i)
        status = f", {_SERVICE_TEXT[truth.service]}" if truth and truth.service else ""
        lines.append(
            f"{p}рассмотрев уголовное дело в отношении военнослужащего войсковой части "
            f'<span class="others1">&lt;данные изъяты&gt;</span> рядового <span class="FIO1">'
            f'{e(d.name.initials)}</span>, <span class="Data2">ДД.ММ.ГГГГ</span> года '
            f"рождения{e(status)}, обвиняемого в совершении преступления, "
            f"предусмотренного {e(charges)},</p>"
        )
    if case.instance in (Instance.APPEAL, Instance.CASSATION):
        lines.append(f"{center}УСТАНОВИЛ:</p>")
        lines.append(f"{p}Осуждённый и его защитник обжаловали приговор.</p>")
        lines.append(f"{center}ОПРЕДЕЛИЛ:</p>")
        lines.append(f"{p}{e(case.final_text or '')}.</p>")
        for t in truths:
            style = rng.choice(("gloss", "digits", "words"))
            lines.append(
                f"{p}Приговор в отношении {e(t.defendant)} изменить: смягчить назначенное ему "
                f"наказание до {e(term_text(t.term_months or 0, style, genitive=True))} "
                "лишения свободы.</p>"
            )
    elif case.final_kind is ResultKind.VERDICT and case.sentence is not None:
        lines.append(f"{center}УСТАНОВИЛ:</p>")
        lines.append(f"{p}Подсудимый не явился в срок без уважительных причин на службу.</p>")
        keyword = "П Р И Г О В О Р И Л:" if text_rng.random() < 0.5 else "ПРИГОВОРИЛ:"
        lines.append(f"{center}{keyword}</p>")
        for i, d in enumerate(case.defendants):
            truth = truth_of.get(i)
            if truth is None:
                continue
            for paragraph in _operative(case, d, truth, rng):
                words = paragraph.split(" ")
                marked = " ".join(
                    _split(w, text_rng) if "наказани" not in w and "виновн" not in w else e(w)
                    for w in words
                )
                lines.append(f"{p}<span>{marked}</span></p>")
    else:
        lines.append(f"{center}ПОСТАНОВИЛ:</p>")
        lines.append(f"{p}Уголовное дело прекратить: {e(case.final_basis or '')}.</p>")
    lines.append(f"{p}Председательствующий&nbsp;&nbsp;&nbsp;{e(case.judge.short)}</p>")
    return '<span style="TEXT-ALIGN: justify">\n' + "\n".join(lines) + "</span>"


# Stubs in place of the text: the wordings DOMAIN.md §6 quotes (and the 262-ФЗ basis the
# sites cite); the court that publishes nothing says so for every act.
_STUBS = (
    "Судебный акт не подлежит опубликованию.",
    "Текст судебного акта не подлежит опубликованию в соответствии с ч. 4 ст. 15 "
    "Федерального закона от 22.12.2008 № 262-ФЗ.",
    "Текст не публикуется.",
)
_WITHHELD = "Тексты судебных актов не публикуются."


def attachment_href(case: SimCase) -> str:
    """Where an attachment-only act's file is linked (the sandbox does not serve it: the
    text cannot be read, which is the point)."""
    ext = "rtf" if random.Random(f"attachment:{case.seed}").random() < 0.5 else "doc"
    return f"/files/sud_delo/{case.case_id}_1.{ext}"


def shown_act_html(case: SimCase, court_name: str, publishes_acts: bool = True) -> str:
    """The act as the site shows it: the Word-HTML text (`act_html`), a "не подлежит
    опубликованию" stub, or only a link to an attachment, as `case.act_form` says."""
    e = html.escape
    if case.act_form == "attachment":
        href = attachment_href(case)
        name = f"{act_title(case)}.{href.rsplit('.', 1)[1]}"
        return (
            '<p style="TEXT-ALIGN: justify">Текст судебного акта размещён во вложении: '
            f'<a href="{href}" target="_blank">{e(name)}</a></p>'
        )
    if case.act_form == "stub":
        rng = random.Random(f"stub:{case.seed}")
        wording = _WITHHELD if not publishes_acts else rng.choice(_STUBS)
        return f'<p style="TEXT-ALIGN: center">{e(wording)}</p>'
    return act_html(case, court_name)
