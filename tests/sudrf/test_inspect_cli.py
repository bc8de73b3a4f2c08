"""`kartoteka inspect FILE [--json]` on saved pages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kartoteka.cli import app
from kartoteka.sudrf.encoding import encode_page
from sudrf import markup

runner = CliRunner()


def _save(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "page.html"
    path.write_bytes(encode_page(html))
    return path


def test_json_contract_for_a_card(tmp_path: Path):
    result = runner.invoke(app, ["inspect", "--json", str(_save(tmp_path, markup.new_card()))])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "card" and data["template"] == "new" and data["listing"] is None
    card = data["card"]
    for key in (
        "case_number",
        "case_number_raw",
        "uid",
        "entry_date",
        "judge",
        "result",
        "result_date",
        "fields",
        "events",
        "defendants",
        "lower_court",
        "acts",
    ):
        assert key in card
    assert card["entry_date"] == "2026-02-02"
    assert card["events"][1] == {
        "name": "Судебное заседание",
        "date": "2026-03-03",
        "time": "09:30",
        "place": "Зал 2",
        "result": "Вынесен приговор",
        "basis": None,
        "note": None,
        "published": None,
    }
    charge = card["defendants"][0]["charges"][0]
    assert charge == {
        "code": "УК РФ",
        "article": "337",
        "part": "5",
        "point": None,
        "raw": "ст.337 ч.5 УК РФ",
    }


def test_names_are_initials_unless_asked(tmp_path: Path):
    path = _save(tmp_path, markup.new_card())
    masked = runner.invoke(app, ["inspect", "--json", str(path)])
    assert "Тестов Тест Тестович" not in masked.output
    assert json.loads(masked.output)["card"]["defendants"][1]["name"] == "Т.Т.Т."
    full = runner.invoke(app, ["inspect", "--json", "--names", str(path)])
    assert json.loads(full.output)["card"]["defendants"][1]["name"] == "Тестов Тест Тестович"
    view = runner.invoke(app, ["inspect", str(path)])
    assert view.exit_code == 0 and "Тестов Тест" not in view.output and "Т.Т.Т." in view.output


def test_listing_and_failure_views(tmp_path: Path):
    info = "Тестов Тест Тестович - ст.337 ч.5 УК РФ"
    listing = runner.invoke(
        app, ["inspect", "--json", str(_save(tmp_path, markup.classic_listing(2, info=info)))]
    )
    data = json.loads(listing.output)
    assert data["kind"] == "listing" and data["card"] is None
    assert data["listing"]["total"] == 2 and len(data["listing"]["rows"]) == 2
    assert "Тестов Тест" not in listing.output  # the defendant; the judge is shown
    view = runner.invoke(app, ["inspect", str(_save(tmp_path, "<html><body>?</body></html>"))])
    assert view.exit_code == 0 and "unrecognized" in view.output


def test_missing_file_is_a_usage_error(tmp_path: Path):
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.html")])
    assert result.exit_code != 0


ACT_TEXT = """ПРИГОВОР
ИМЕНЕМ РОССИЙСКОЙ ФЕДЕРАЦИИ
12 марта 2024 года г. Энск
Энский гарнизонный военный суд в составе председательствующего судьи Тестова Т.Т.,
рассмотрев уголовное дело в отношении Пробного Петра Петровича, военнослужащего, проходящего
военную службу по контракту, обвиняемого по ч. 5 ст. 337 УК РФ,
УСТАНОВИЛ:
Подсудимый не явился в срок на службу без уважительных причин, чем уклонился от службы.
П Р И Г О В О Р И Л:
Пробного Петра Петровича признать виновным в совершении преступления, предусмотренного
ч. 5 ст. 337 УК РФ, и назначить ему наказание в виде лишения свободы на срок 2 (два) года.
В соответствии со ст. 73 УК РФ назначенное наказание считать условным с испытательным сроком
2 года.
"""
SENTENCE_KEYS = {
    "defendant",
    "outcome",
    "articles",
    "punishment",
    "term_months",
    "suspended",
    "probation_months",
    "regime",
    "fine_rub",
    "additional",
    "below_minimum",
    "service",
    "span",
}


def test_act_flag_reads_plain_text_with_the_act_contract(tmp_path: Path):
    path = tmp_path / "act.txt"
    path.write_text(ACT_TEXT, "utf-8")
    result = runner.invoke(app, ["inspect", "--act", "--json", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "act" and data["template"] is None
    act = data["act"]
    assert (act["doc_type"], act["date"], act["published"]) == ("приговор", "2024-03-12", True)
    (sentence,) = act["sentences"]
    assert set(sentence) >= SENTENCE_KEYS
    assert sentence["defendant"] == "П.П.П."  # initials, never the name
    assert "Пробн" not in result.output
    assert sentence["articles"] == [{"article": "337", "part": "5", "point": None}]
    assert (sentence["punishment"], sentence["term_months"], sentence["probation_months"]) == (
        "suspended_imprisonment",
        24,
        24,
    )
    assert sentence["service"] == "contract"
    start, end = sentence["span"]
    assert ACT_TEXT.find("признать виновным") > 0 and end > start
    names = runner.invoke(app, ["inspect", "--act", "--json", "--names", str(path)])
    assert (
        json.loads(names.output)["act"]["sentences"][0]["defendant"] == "Пробного Петра Петровича"
    )


def test_act_flag_reads_html_in_windows_1251(tmp_path: Path):
    html = "<html><body><div id='cont_doc1'>" + "".join(
        f"<p>{line}</p>" for line in ACT_TEXT.split("\n")
    )
    path = _save(tmp_path, html + "</div></body></html>")
    data = json.loads(runner.invoke(app, ["inspect", "--act", "--json", str(path)]).output)
    assert data["kind"] == "act" and data["act"]["sentences"][0]["term_months"] == 24


def test_inspect_reads_an_act_page_without_the_flag(tmp_path: Path):
    html = "<html><body><div id='modSdpContent'><div id='cont_doc1'>" + "".join(
        f"<p>{line}</p>" for line in ACT_TEXT.split("\n")
    )
    path = _save(tmp_path, html + "</div></div></body></html>")
    result = runner.invoke(app, ["inspect", "--json", str(path)])
    data = json.loads(result.output)
    assert data["kind"] == "act" and data["act"]["sentences"][0]["defendant"] == "П.П.П."
    view = runner.invoke(app, ["inspect", str(path)])
    assert view.exit_code == 0 and "П.П.П." in view.output and "convicted" in view.output
    assert "Пробн" not in view.output


def test_card_act_texts_are_masked_in_inspect_json(fixtures_dir: Path):
    result = runner.invoke(
        app, ["inspect", "--json", str(fixtures_dir / "leninsky_ufa_criminal.html")]
    )
    act = json.loads(result.output)["card"]["acts"][0]
    assert act["doc_type"] == "постановление" and act["published"] is True
    # The judge's and counsel's names printed in the act are reduced to initials.
    assert "Ардуванов" not in act["text"] and "Низамов" not in act["text"]
