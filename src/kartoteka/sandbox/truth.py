"""Ground truth: the caseload as the sandbox holds it, as records and as files.

`truth_cases(caseload, now)` lists every case received by `now` (visible on the site or not:
`visible_from` and `removed_from` say when it is), with its outcome as of `now`. Tests compute
truth-side metrics from these records, never through the store. `write_truth` writes
`cases.csv`, `cases.parquet` and `courts.csv` with the columns of contracts.md plus extras
(host, case_guid, principal_charge, result text, suspension date, sentence, appeal outcome,
lower court) that sentence and appeal metrics need. `truth_sentences` lists every sentence
that a published act states, one row per defendant (`sentences.csv` when given to
`write_truth`): what sentence extraction over the sandbox's acts must read.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kartoteka.sandbox.acts import act_sentences
from kartoteka.sandbox.caseload import Caseload, SimCase
from kartoteka.sandbox.network import SimCourt


@dataclass(frozen=True, slots=True)
class TruthCase:
    court_code: str
    case_id: str
    uid: str
    case_number: str
    instance: str  # first | appeal
    entry_date: dt.date
    visible_from: dt.date
    removed_from: dt.date | None
    charges: str  # "337.5;332.2.1": every distinct charge, article.part
    principal_article: str  # "337"
    defendants: int
    result_kind: str  # verdict terminated returned transferred suspended pending other
    result_date: dt.date | None
    act_published: bool
    # extras
    host: str
    case_guid: str
    principal_charge: str  # "337.5"
    mobilisation: bool  # the principal charge is a 365-ФЗ part
    defendants_hidden: int
    result: str  # the card's "Результат рассмотрения", empty when undecided
    suspended_date: dt.date | None
    punishment: str  # imprisonment | fine | disciplinary_unit | "" (none or not a verdict)
    term_months: int | None
    suspended_sentence: bool | None
    regime: str
    appeal_result: str  # appeal cases: upheld | changed | overturned | withdrawn
    lower_court_code: str
    lower_case_number: str
    visible: bool  # on the site at `now`
    act_form: str  # text | stub | attachment: what of the act the site shows; "" none yet

    def as_row(self) -> dict[str, object]:
        row: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif value is None:
                value = ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row[f.name] = value
        return row


TRUTH_COLUMNS = [f.name for f in dataclasses.fields(TruthCase)]


def truth_case(case: SimCase, court: SimCourt, now: dt.date) -> TruthCase:
    kind = case.kind_at(now)
    decided = case.decided_at(now)
    principal = case.principal
    sentence = case.sentence if decided and case.act_published_at(now) else None
    return TruthCase(
        court_code=case.court_code,
        case_id=case.case_id,
        uid=case.uid,
        case_number=case.number,
        instance=case.instance.value,
        entry_date=case.entry_date,
        visible_from=case.visible_from,
        removed_from=case.removed_from,
        charges=";".join(c.key for c in case.charges),
        principal_article=principal.article,
        defendants=len(case.defendants),
        result_kind=kind.value,
        result_date=case.final_date if decided else None,
        act_published=case.act_published_at(now),
        host=court.host,
        case_guid=case.guid,
        principal_charge=principal.key,
        mobilisation=principal.is_mobilisation,
        defendants_hidden=sum(d.hidden for d in case.defendants),
        result=(case.final_text or "") if decided else "",
        suspended_date=case.suspended_on
        if case.suspended_on and case.suspended_on <= now
        else None,
        punishment=sentence.punishment if sentence else "",
        term_months=sentence.months if sentence else None,
        suspended_sentence=sentence.suspended if sentence else None,
        regime=(sentence.regime or "") if sentence else "",
        appeal_result=(case.appeal_outcome or "") if decided else "",
        lower_court_code=case.lower.court_code if case.lower else "",
        lower_case_number=case.lower.number if case.lower else "",
        visible=case.visible_at(now),
        act_form=(case.act_form or "") if case.act_shown_at(now) else "",
    )


def truth_cases(
    caseload: Caseload, now: dt.date, courts: list[str] | None = None
) -> list[TruthCase]:
    """Every case received by `now`, court by court (all, or the codes in `courts`), oldest
    first within a court. Asking for a few courts generates only those (and, for a superior
    court, the courts whose appeals it hears)."""
    out = []
    for code in courts if courts is not None else list(caseload.courts):
        court = caseload.courts[code]
        for case in caseload.court(code).cases:
            if case.entry_date <= now:
                out.append(truth_case(case, court, now))
    return out


SENTENCE_COLUMNS = [
    "court_code",
    "case_id",
    "case_number",
    "instance",
    "act_published",
    "defendant_index",
    "defendant",
    "punishment",
    "term_months",
    "suspended",
    "probation_months",
    "regime",
    "fine_rub",
    "pay_withheld_pct",
    "below_minimum",
    "additional",
    "service",
    "articles",
]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def truth_sentences(
    caseload: Caseload, now: dt.date, courts: list[str] | None = None
) -> list[dict[str, object]]:
    """Every sentence stated by an act published by `now`, one row per defendant (the
    columns of `SENTENCE_COLUMNS`; articles as "337.5;338.2.1", additional ";"-joined)."""
    rows: list[dict[str, object]] = []
    for code in courts if courts is not None else list(caseload.courts):
        for case in caseload.court(code).cases:
            if not (case.entry_date <= now and case.decided_at(now) and case.act_published_at(now)):
                continue
            for i, s in enumerate(act_sentences(case)):
                row = {
                    "court_code": case.court_code,
                    "case_id": case.case_id,
                    "case_number": case.number,
                    "instance": case.instance.value,
                    "act_published": case.act_on.isoformat() if case.act_on else "",
                    "defendant_index": i,
                    "defendant": s.defendant,
                    "punishment": s.punishment,
                    "term_months": s.term_months,
                    "suspended": s.suspended,
                    "probation_months": s.probation_months,
                    "regime": s.regime,
                    "fine_rub": s.fine_rub,
                    "pay_withheld_pct": s.pay_withheld_pct,
                    "below_minimum": s.below_minimum,
                    "additional": ";".join(s.additional),
                    "service": s.service,
                    "articles": ";".join(f"{a}.{p}" if p else a for a, p, _ in s.articles),
                }
                rows.append({k: _cell(v) for k, v in row.items()})
    return rows


COURT_COLUMNS = [
    "court_code",
    "host",
    "name",
    "level",
    "dialect",
    "template",
    "captcha",
    "always_down",
    "superior",
    "hides_listing_articles",
    "registry_dialect",
    "migrates_on",
    "redirect",
    "new_host",
    "act_display",
    "publishes_acts",
]


def _registry_dialect(court: SimCourt) -> str:
    said = court.dialect_before or court.court.dialect
    return said.value if said is not None else ""


def court_rows(courts: list[SimCourt], always_down_active: bool = True) -> list[dict[str, str]]:
    return [
        {
            "court_code": c.code,
            "host": c.host,
            "name": c.name,
            "level": c.level.value,
            "dialect": c.dialect.value,
            "template": c.template.value,
            "captcha": "true" if c.captcha else "false",
            "always_down": "true" if (c.always_down and always_down_active) else "false",
            "superior": c.superior or "",
            "hides_listing_articles": "true" if c.hides_listing_articles else "false",
            # Field network: what the stale registry says, when the site switches, and where
            # a moved site redirects to (empty for the stable network).
            "registry_dialect": _registry_dialect(c),
            "migrates_on": c.migrates_on.isoformat() if c.migrates_on else "",
            "redirect": c.redirect or "",
            "new_host": c.new_host or "",
            # Judicial acts: inline on the card or linked to name_op=doc pages; whether
            # the court publishes act texts at all.
            "act_display": c.act_display,
            "publishes_acts": "true" if c.publishes_acts else "false",
        }
        for c in courts
    ]


def write_truth(
    out_dir: Path,
    cases: list[TruthCase],
    courts: list[SimCourt],
    always_down_active: bool = True,
    sentences: list[dict[str, object]] | None = None,
) -> dict[str, Path]:
    """Write cases.csv, cases.parquet and courts.csv (and sentences.csv when `sentences` are
    given, see `truth_sentences`) into `out_dir`; return their paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "cases_csv": out_dir / "cases.csv",
        "cases_parquet": out_dir / "cases.parquet",
        "courts_csv": out_dir / "courts.csv",
    }
    with open(paths["cases_csv"], "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=TRUTH_COLUMNS)
        writer.writeheader()
        for case in cases:
            writer.writerow(case.as_row())
    columns = {name: [getattr(c, name) for c in cases] for name in TRUTH_COLUMNS}
    pq.write_table(pa.table(columns), paths["cases_parquet"])
    with open(paths["courts_csv"], "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COURT_COLUMNS)
        writer.writeheader()
        writer.writerows(court_rows(courts, always_down_active))
    if sentences is not None:
        paths["sentences_csv"] = out_dir / "sentences.csv"
        with open(paths["sentences_csv"], "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=SENTENCE_COLUMNS)
            writer.writeheader()
            writer.writerows(sentences)
    return paths
