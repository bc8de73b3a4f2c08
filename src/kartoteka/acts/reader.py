"""The one-call entry point: `read_act(text)` cleans an act's text, finds its parts and reads
its sentences (eyecite's order: clean → extract; `annotate` marks the results in the text).

Appeal and cassation rulings ("ОПРЕДЕЛИЛ:"; doc types "апелляционное …", "кассационное …")
are read for their ruling — upheld ("оставить без изменения"), changed ("изменить"), quashed
("отменить") — and, where a changed ruling sets a new punishment ("смягчить назначенное
наказание до 2 лет лишения свободы"), a sentence with that punishment per defendant named.
"""

from __future__ import annotations

import re

from kartoteka.acts import patterns as P
from kartoteka.acts.clean import clean_text
from kartoteka.acts.models import ActReading, Sentence, Span
from kartoteka.acts.sentences import _mentions, _names, extract_sentences, initials_or_mark
from kartoteka.acts.structure import (
    act_date,
    doc_type,
    established_at,
    operative_part,
    published_state,
    sentence_spans,
)
from kartoteka.acts.terms import find_terms


def read_act(text: str, title: str | None = None, *, cleaned: bool = False) -> ActReading:
    """Read one act from its text (plain text, or the lines `kartoteka.sudrf.act` made of
    its HTML). `title` is the card's label for it ("Судебный акт #1 (Приговор)"), used when
    the heading names no document type. Never raises on odd text: what cannot be read stays
    empty (no sentences is "not read", never "no punishment")."""
    clean = text if cleaned else clean_text(text)
    reading = ActReading(text=clean)
    reading.doc_type, type_span = doc_type(clean, title)
    if type_span:
        reading.spans["doc_type"] = type_span
    reading.date, date_span = act_date(clean)
    if date_span:
        reading.spans["date"] = date_span
    reading.published, reading.unpublished_reason = published_state(clean)
    if not reading.published:
        return reading
    op, keyword = operative_part(clean)
    reading.operative_span = op
    if op is None:
        return reading
    established = established_at(clean)
    description_end = established if established is not None and established < op[0] else op[0]
    if _is_review(reading.doc_type, keyword):
        reading.ruling, reading.sentences = _read_review(clean, op)
        return reading
    reading.sentences = extract_sentences(clean, op, description_end)
    return reading


def _is_review(kind: str | None, keyword: str | None) -> bool:
    if kind and ("апелляцион" in kind or "кассацион" in kind):
        return kind != "апелляционный приговор"
    return keyword == "определил"


def _read_review(text: str, op: Span) -> tuple[str | None, list[Sentence]]:
    ruling = None
    rank = {"upheld": 0, "changed": 1, "quashed": 2}
    sentences: list[Sentence] = []
    current_names: list[tuple[str, Span]] = []
    for s, e in sentence_spans(text, *op):
        chunk = text[s:e]
        if P.NOT_A_SENTENCE.match(chunk):
            continue
        respect = re.search(r"в\s+отношении\s+", chunk, re.IGNORECASE)
        if respect:
            stop = re.search(
                r",|\s(?:изменить|отменить|оставить|осужденн|осуждённ)", chunk[respect.end() :]
            )
            end = s + respect.end() + (stop.start() if stop else 60)
            names = _names(text, s + respect.end(), end)
            if names:
                current_names = names
        this = None
        if P.QUASHED.search(chunk):
            this = "quashed"
        elif P.CHANGED.search(chunk):
            this = "changed"
        elif P.UPHELD.search(chunk) and re.search(
            r"приговор|постановлени|определени|решени|жалоб|представлени", chunk, re.I
        ):
            this = "upheld"
        if this and (ruling is None or rank[this] > rank[ruling]):
            ruling = this
        new = P.NEW_TERM.search(chunk)
        if new:
            terms = [t for t in find_terms(chunk[new.end() :]) if t.start <= 3]
            mentions = _mentions(text, (s + new.end(), e))
            kind = mentions[0][0] if mentions else "other"
            for name, name_span in current_names or [("—", (s, e))]:
                sentence = Sentence(
                    defendant=initials_or_mark(name),
                    outcome="convicted",
                    punishment=kind,
                    span=(s, e),
                    name_span=name_span,
                )
                if terms:
                    sentence.term_months = terms[0].months
                    sentence.spans["term"] = (
                        s + new.end() + terms[0].start,
                        s + new.end() + terms[0].end,
                    )
                if re.search(r"\b73\b", chunk) and P.SUSPENDED.search(chunk):
                    sentence.suspended = True
                    if kind == "imprisonment":
                        sentence.punishment = "suspended_imprisonment"
                sentences.append(sentence)
    return ruling, sentences
