"""Sentence extraction on the wordings of military verdicts (DOMAIN.md §6), written for these
tests with the courts' own placeholders; the real texts are in test_fixture_acts.py."""

from __future__ import annotations

from kartoteka.acts import annotate, read_act

HEAD = """ПРИГОВОР
ИМЕНЕМ РОССИЙСКОЙ ФЕДЕРАЦИИ
12 марта 2024 года г. Энск
Энский гарнизонный военный суд в составе председательствующего судьи ФИО10,
рассмотрев уголовное дело в отношении военнослужащего войсковой части <данные изъяты> рядового
ФИО1, ДД.ММ.ГГГГ года рождения, {status},
обвиняемого в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ,
УСТАНОВИЛ:
ФИО1 в период мобилизации самовольно оставил воинскую часть. Суд признаёт, что преступление
совершено по контракту о прохождении службы не заключённому ранее.
Руководствуясь ст. 307 УПК РФ, суд
П Р И Г О В О Р И Л:
"""


def _one(operative: str, status: str = "проходящего военную службу по мобилизации") -> dict:
    reading = read_act(HEAD.format(status=status) + operative)
    assert reading.doc_type == "приговор" and str(reading.date) == "2024-03-12"
    assert len(reading.sentences) == 1, annotate(reading)
    return reading.sentences[0].to_contract()


def test_real_term_with_regime_and_mobilised_status() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ, "
        "и назначить ему наказание в виде лишения свободы на срок 5 (пять) лет 6 (шесть) месяцев "
        "с отбыванием наказания в исправительной колонии общего режима."
    )
    assert s["defendant"] == "ФИО1" and s["outcome"] == "convicted"
    assert s["articles"] == [{"article": "337", "part": "5", "point": None}]
    assert (s["punishment"], s["term_months"], s["regime"]) == ("imprisonment", 66, "general")
    assert s["service"] == "mobilised"


def test_suspended_with_probation_and_contract_status() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ, и "
        "назначить ему наказание в виде лишения свободы на срок 2 (два) года. На основании ст. 73 "
        "УК РФ назначенное наказание считать условным с испытательным сроком 1 (один) год "
        "6 месяцев.",
        status="проходящего военную службу по контракту",
    )
    assert (s["punishment"], s["term_months"], s["suspended"], s["probation_months"]) == (
        "suspended_imprisonment",
        24,
        True,
        18,
    )
    assert s["regime"] is None and s["service"] == "contract"


def test_disciplinary_unit_below_minimum_conscript() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 2.1 ст. 337 УК РФ, "
        "и с применением ст. 64 УК РФ назначить ему наказание в виде содержания в дисциплинарной "
        "воинской части на срок 1 (один) год.",
        status="проходящего военную службу по призыву",
    )
    assert (s["punishment"], s["term_months"], s["below_minimum"]) == (
        "disciplinary_unit",
        12,
        True,
    )
    assert s["articles"] == [{"article": "337", "part": "2.1", "point": None}]
    assert s["service"] == "conscript"


def test_military_restriction_with_pay_withheld() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 1 ст. 337 УК РФ, и "
        "назначить ему наказание в виде ограничения по военной службе на срок 6 (шесть) месяцев "
        "с удержанием в доход государства 10 (десяти) процентов из денежного довольствия."
    )
    assert (s["punishment"], s["term_months"], s["pay_withheld_pct"]) == (
        "military_restriction",
        6,
        10,
    )


def test_fine_in_roubles() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 1 ст. 337 УК РФ, и "
        "назначить ему наказание в виде штрафа в размере 40 000 (сорока тысяч) рублей."
    )
    assert (s["punishment"], s["fine_rub"], s["term_months"]) == ("fine", 40000, None)


def test_combined_sentence_with_additional_punishment_and_settlement() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступлений, предусмотренных ч. 5 ст. 337, "
        "ч. 2.1 ст. 338 УК РФ, и назначить ему наказание:\n"
        "- по ч. 5 ст. 337 УК РФ в виде лишения свободы на срок 5 лет;\n"
        "- по ч. 2.1 ст. 338 УК РФ в виде лишения свободы на срок 6 лет.\n"
        "На основании ч. 3 ст. 69 УК РФ по совокупности преступлений путём частичного сложения "
        "наказаний окончательно назначить ФИО1 наказание в виде лишения свободы на срок 7 (семь) "
        "лет с отбыванием наказания в колонии-поселении, с лишением воинского звания «рядовой»."
    )
    assert s["articles"] == [
        {"article": "337", "part": "5", "point": None},
        {"article": "338", "part": "2.1", "point": None},
    ]
    assert (s["term_months"], s["regime"], s["additional"]) == (
        84,
        "settlement",
        ["deprivation_of_rank"],
    )


def test_forced_labour_replacing_imprisonment() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 1 ст. 337 УК РФ, и "
        "назначить ему наказание в виде лишения свободы на срок 1 год. На основании ч. 2 ст. 53.1 "
        "УК РФ заменить назначенное наказание в виде лишения свободы принудительными работами на "
        "срок 1 (один) год 2 месяца с удержанием из заработной платы 10 % в доход государства."
    )
    assert (s["punishment"], s["term_months"], s["pay_withheld_pct"]) == ("forced_labour", 14, 10)


def test_release_on_signing_a_contract() -> None:
    s = _one(
        "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ, и "
        "назначить ему наказание в виде лишения свободы на срок 5 лет с отбыванием наказания в "
        "исправительной колонии общего режима.\n"
        "На основании ст. 80.2 УК РФ освободить ФИО1 от отбывания наказания в связи с заключением "
        "контракта о прохождении военной службы."
    )
    assert (s["punishment"], s["term_months"], s["release"]) == (
        "imprisonment",
        60,
        "contract_release",
    )


def test_several_defendants_with_different_punishments() -> None:
    reading = read_act(
        HEAD.format(status="проходящих военную службу по мобилизации")
        + "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ, "
        "и назначить ему наказание в виде лишения свободы на срок пяти лет с отбыванием наказания "
        "в исправительной колонии общего режима.\n"
        "Признать ФИО2 виновным в совершении преступления, предусмотренного ч. 3 ст. 337 УК РФ, и "
        "назначить ему наказание в виде лишения свободы на срок 2 года 6 месяцев. В соответствии "
        "со ст. 73 УК РФ назначенное ФИО2 наказание считать условным с испытательным сроком 3 года."
        "\nФИО3 по обвинению в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ, "
        "признать невиновным и оправдать в связи с отсутствием в деянии состава преступления."
    )
    got = [
        (s.defendant, s.outcome, s.punishment, s.term_months, s.probation_months)
        for s in reading.sentences
    ]
    assert got == [
        ("ФИО1", "convicted", "imprisonment", 60, None),
        ("ФИО2", "convicted", "suspended_imprisonment", 30, 36),
        ("ФИО3", "acquitted", "none", None, None),
    ]
    assert all(s.service == "mobilised" for s in reading.sentences)


def test_every_value_is_traceable_to_its_span() -> None:
    reading = read_act(
        HEAD.format(status="по мобилизации")
        + "ФИО1 признать виновным в совершении преступления, предусмотренного ч. 5 ст. 337 УК РФ, "
        "и назначить ему наказание в виде лишения свободы на срок 5 (пять) лет с отбыванием "
        "наказания в исправительной колонии строгого режима."
    )
    s = reading.sentences[0]
    assert reading.text[slice(*s.spans["term"])] == "5 (пять) лет"
    assert reading.text[slice(*s.spans["regime"])] == "строгого режима"
    assert reading.text[slice(*s.spans["punishment"])] == "лишения свободы"
    assert reading.text[slice(*s.spans["articles"])].strip() == "ч. 5 ст. 337"
    assert reading.text[slice(*s.name_span)] == "ФИО1"
    assert "[[term|5 (пять) лет]]" in annotate(reading)


def test_termination_order() -> None:
    reading = read_act(
        "ПОСТАНОВЛЕНИЕ\n5 мая 2024 года\nЭнский гарнизонный военный суд в составе судьи ФИО9,\n"
        "рассмотрев уголовное дело в отношении ФИО1, обвиняемого по ч. 5 ст. 337 УК РФ, "
        + "о прекращении уголовного дела по ходатайству командования. "
        * 5
        + "\nПОСТАНОВИЛ:\nУголовное дело в отношении ФИО1, обвиняемого в совершении преступления, "
        "предусмотренного ч. 5 ст. 337 УК РФ, прекратить на основании ст. 28.2 УПК РФ."
    )
    assert reading.doc_type == "постановление"
    assert [(s.defendant, s.outcome, s.punishment) for s in reading.sentences] == [
        ("ФИО1", "terminated", "none")
    ]


def test_appeal_that_softens_the_sentence() -> None:
    reading = read_act(
        "АПЕЛЛЯЦИОННОЕ ОПРЕДЕЛЕНИЕ\n20 июня 2024 года\nВоенный суд округа в составе "
        "председательствующего ФИО5, рассмотрел апелляционную жалобу осуждённого. "
        * 4
        + "\nОПРЕДЕЛИЛ:\nПриговор Энского гарнизонного военного суда от 12 марта 2024 года в "
        "отношении ФИО1 изменить: смягчить назначенное ему наказание до 4 (четырёх) лет лишения "
        "свободы. В остальном приговор оставить без изменения, апелляционную жалобу — без "
        "удовлетворения."
    )
    assert reading.doc_type == "апелляционное определение" and reading.ruling == "changed"
    assert [(s.defendant, s.punishment, s.term_months) for s in reading.sentences] == [
        ("ФИО1", "imprisonment", 48)
    ]


def test_appeal_upheld_has_no_new_sentence() -> None:
    reading = read_act(
        "АПЕЛЛЯЦИОННОЕ ОПРЕДЕЛЕНИЕ\n20 июня 2024 года\n"
        + "Суд рассмотрел жалобу защитника. " * 12
        + "\nОПРЕДЕЛИЛ:\nПриговор в отношении ФИО1 оставить без изменения, апелляционную жалобу "
        "защитника — без удовлетворения."
    )
    assert reading.ruling == "upheld" and reading.sentences == []


def test_unpublished_stub() -> None:
    reading = read_act("Текст судебного акта не подлежит опубликованию (ст. 15 ФЗ № 262-ФЗ).")
    assert not reading.published and reading.sentences == []
    assert reading.unpublished_reason == "не подлежит опубликованию"
