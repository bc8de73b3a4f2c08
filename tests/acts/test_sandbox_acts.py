"""Sentence extraction over the sandbox's acts equals the sandbox's truth of every sentence
(first-instance verdicts with varied wording, several defendants, military punishments,
ст. 64 and ст. 73, service status; appeal rulings that soften a sentence)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from kartoteka.acts import read_act
from kartoteka.sandbox import SandboxConfig, build_site
from kartoteka.sandbox.acts import SentenceTruth, act_html, act_sentences
from kartoteka.sudrf.act import act_text
from kartoteka.sudrf.html import parse_html
from kartoteka.sudrf.urls import Instance

NOW = dt.date(2025, 6, 1)


def _as_truth(s, instance: Instance) -> SentenceTruth:
    first = instance is Instance.FIRST
    return SentenceTruth(
        defendant=s.defendant,
        punishment=s.punishment,
        term_months=s.term_months,
        suspended=s.suspended,
        probation_months=s.probation_months,
        regime=s.regime if first else None,
        fine_rub=s.fine_rub,
        pay_withheld_pct=s.pay_withheld_pct,
        below_minimum=s.below_minimum,
        additional=tuple(s.additional),
        service=s.service if first else None,
        articles=tuple(a.key() for a in s.articles) if first else (),
    )


def test_extraction_over_sandbox_acts_equals_the_truth() -> None:
    site = build_site(SandboxConfig(seed=7, faults="none", now=NOW))
    seen: Counter[str] = Counter()
    wrong = []
    for code, court in list(site.caseload.courts.items())[:14]:
        for case in site.caseload.court(code).cases:
            truth = act_sentences(case)
            if case.act_on is None or not truth:
                continue
            text = act_text(parse_html(act_html(case, court.name)).body)
            got = [_as_truth(s, case.instance) for s in read_act(text, cleaned=True).sentences]
            if case.instance is not Instance.FIRST:
                truth = [dataclass_without_articles(t) for t in truth]
            if got != truth:
                wrong.append((case.case_id, got, truth))
            for t in truth:
                seen[t.punishment] += 1
                seen["several" if len(truth) > 1 else "single"] += 1
                seen["below_minimum"] += t.below_minimum
                seen["rank"] += bool(t.additional)
                seen[f"service:{t.service}"] += 1
            seen[case.instance.value] += 1
    assert not wrong, f"{len(wrong)} acts differ, first: " + "\n".join(map(str, wrong[:4]))
    # The variety the truth must cover, so that the equality means something.
    for key in (
        "imprisonment",
        "suspended_imprisonment",
        "fine",
        "disciplinary_unit",
        "military_restriction",
        "several",
        "below_minimum",
        "rank",
        "service:mobilised",
        "service:contract",
        "service:conscript",
        "appeal",
    ):
        assert seen[key] > 0, key


def dataclass_without_articles(t: SentenceTruth) -> SentenceTruth:
    import dataclasses

    return dataclasses.replace(t, articles=())


def test_sentence_truth_file_agrees_with_the_case_truth(tmp_path) -> None:
    import csv

    from kartoteka.sandbox import truth_cases, write_truth
    from kartoteka.sandbox.truth import truth_sentences

    site = build_site(SandboxConfig(seed=7, faults="none", now=NOW, scale=0.2))
    codes = list(site.caseload.courts)[:6]
    cases = truth_cases(site.caseload, NOW, codes)
    rows = truth_sentences(site.caseload, NOW, codes)
    paths = write_truth(tmp_path, cases, site.network, sentences=rows)
    with open(paths["sentences_csv"], encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert len(written) == len(rows) > 0
    by_case = {(c.court_code, c.case_id): c for c in cases}
    for row in written:
        case = by_case[(row["court_code"], row["case_id"])]
        assert case.act_published
        if row["instance"] == "first" and row["defendant_index"] == "0":
            # The first defendant's sentence is the case's own sentence in cases.csv.
            assert row["term_months"] == ("" if case.term_months is None else str(case.term_months))
            suspended = "true" if case.suspended_sentence else "false"
            assert row["suspended"] == suspended
