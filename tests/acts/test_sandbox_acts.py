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
