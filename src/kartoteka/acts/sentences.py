"""Sentence extraction: one `Sentence` per defendant named in the operative part (pure).

How the operative part is read (DOMAIN.md §6):

1. Defendants. Each "… признать виновным в совершении …" (also without "признать", and
   "невиновным"/"оправдать", "уголовное дело в отношении … прекратить", "возвратить
   прокурору") opens the block of the defendant named in that sentence. A block runs to the
   next defendant's sentence; the paragraphs that follow the last defendant (measures of
   restraint, costs, evidence) stay with it, which is harmless because they assign no
   punishment.
2. Articles of conviction come from the defendant's own sentence ("предусмотренного …
   УК РФ"), not from the charges of the heading: a verdict can requalify.
3. The punishment is read from the sentence that assigns the final one: a replacement by
   forced labour (ст. 53.1), else the last "окончательно назначить", else the last sentence
   that combines (ст. 69, 70, "по совокупности"), else the first that assigns a punishment.
   Its kind is the first main-punishment noun; its term the term printed next to that noun
   (before: "3 лет лишения свободы", or after: "лишения свободы сроком на 3 года"), never a
   probation term or the term of an additional punishment.
4. ст. 73 (suspension), probation, ст. 64, additional punishments and release or deferral
   for a contract are read from the whole block; the colony regime from the final sentence,
   else from the block, and only for a real term.
5. Service status from the description of the defendant before "УСТАНОВИЛ" (or before the
   operative part), never from the facts of the offence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kartoteka.acts import patterns as P
from kartoteka.acts.articles import parse_articles
from kartoteka.acts.models import Sentence, Span
from kartoteka.acts.numbers import words_value
from kartoteka.acts.structure import sentence_spans
from kartoteka.acts.terms import Term, find_terms

# The court's own marks for a person, kept as they are: "ФИО1", "<данные изъяты>", "[ФИО]".
COURT_MARK = re.compile(r"ФИО\s?\d*|<[^<>\n]{1,40}>|\[[^\[\]\n]{1,40}\]|Лицо\s?№?\s?\d+")
_NAME_TOKEN = re.compile(
    r"ФИО\s?\d*|<[^<>\n]{1,40}>|\[[^\[\]\n]{1,40}\]"
    r"|(?:[А-ЯЁ]\.\s?){1,3}"
    r"|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|оглы|кызы|угли"
)
_LEADING = re.compile(
    r"^(?:признать|подсудим\w+|осужденн\w+|осуждённ\w+|гражданин\w*|военнослужащ\w+|"
    r"рядов\w+|ефрейтор\w*|сержант\w*|младш\w+|старш\w+|лейтенант\w*|капитан\w*|майор\w*|"
    r"прапорщик\w*|матрос\w*|в\s+отношении|уголовное\s+дело|,|\s)+",
    re.IGNORECASE,
)
_IN_RESPECT = re.compile(r"в\s+отношении\s+", re.IGNORECASE)


@dataclass(slots=True)
class _Anchor:
    outcome: str
    sentence: Span
    names: list[tuple[str, Span]]


def initials_or_mark(name: str) -> str:
    """ "ФИО2" → "ФИО2", "<данные изъяты>" kept, "Сидорова К.А," → "С.К.А.",
    "Ю.Г.Р." → "Ю.Г.Р."."""
    name = name.strip(" ,.;:")
    if COURT_MARK.fullmatch(name):
        return name
    letters = [w[0].upper() for w in re.findall(r"[А-ЯЁA-Z][а-яёa-z'-]*", name)]
    return "".join(f"{ch}." for ch in letters) or name


def _names(text: str, start: int, end: int) -> list[tuple[str, Span]]:
    """The names in text[start:end] (a defendant's place in a sentence), split at "и" and
    commas: [("Смирнова Олега Игоревича", span)]."""
    chunk = text[start:end]
    lead = _LEADING.match(chunk)
    offset = start + (lead.end() if lead else 0)
    chunk = text[offset:end]
    out: list[tuple[str, Span]] = []
    for part in re.finditer(r"[^,]+?(?=\s+и\s+|,|$)", chunk):
        tokens = list(_NAME_TOKEN.finditer(part.group(0)))
        if not tokens:
            continue
        # The name is the last run of name-shaped tokens, blanks only between them.
        run = [tokens[-1]]
        for token in reversed(tokens[:-1]):
            gap = part.group(0)[token.end() : run[0].start()]
            if gap.strip(" ,"):
                break
            run.insert(0, token)
        s = offset + part.start() + run[0].start()
        e = offset + part.start() + run[-1].end()
        out.append((text[s:e], (s, e)))
    return out


def _anchors(text: str, op: Span) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    for s, e in sentence_spans(text, *op):
        sentence = text[s:e]
        if P.NOT_A_SENTENCE.match(sentence):
            continue
        found = _anchor_in(text, s, e, sentence)
        if found is not None:
            anchors.append(found)
    return anchors


def _anchor_in(text: str, s: int, e: int, sentence: str) -> _Anchor | None:
    for outcome, pattern in (("acquitted", P.ACQUITTED), ("convicted", P.CONVICTED)):
        match = pattern.search(sentence)
        if match is None:
            continue
        before = _names(text, s, s + match.start())
        if not before:
            after_end = sentence.find(" в ", match.end())
            before = _names(
                text, s + match.end(), s + (after_end if after_end > 0 else match.end())
            )
        return _Anchor(outcome, (s, e), before)
    for outcome, pattern in (("terminated", P.TERMINATED), ("other", P.RETURNED)):
        if pattern.search(sentence) and re.search(
            r"уголовн\w+\s+(?:дело|преследование)", sentence, re.I
        ):
            respect = _IN_RESPECT.search(sentence)
            if respect is None:
                return _Anchor(outcome, (s, e), [])
            stop = re.search(
                r",|\s(?:обвиняем|подозреваем|по\s|на\s+основании)", sentence[respect.end() :]
            )
            end = s + respect.end() + (stop.start() if stop else 60)
            return _Anchor(outcome, (s, e), _names(text, s + respect.end(), end))
    return None


def extract_sentences(text: str, op: Span, description_end: int) -> list[Sentence]:
    """The sentences of the operative part `op` of cleaned `text`; `description_end` is where
    the defendants' description ends (service status is read before it)."""
    anchors = _anchors(text, op)
    # A sentence without a name that follows a defendant continues that defendant's block
    # ("уголовное преследование по ч. 1 ст. 338 прекратить").
    merged: list[_Anchor] = []
    for anchor in anchors:
        if not anchor.names and merged:
            continue
        merged.append(anchor)
    out: list[Sentence] = []
    for i, anchor in enumerate(merged):
        block = (anchor.sentence[0], merged[i + 1].sentence[0] if i + 1 < len(merged) else op[1])
        names = anchor.names or [("—", anchor.sentence)]
        for name, name_span in names:
            sentence = _read_block(text, anchor, block)
            sentence.defendant = initials_or_mark(name)
            sentence.name_span = name_span
            sentence.service, service_span = _service(text, name, description_end)
            if service_span:
                sentence.spans["service"] = service_span
            out.append(sentence)
    return out


def _read_block(text: str, anchor: _Anchor, block: Span) -> Sentence:
    sentence = Sentence(defendant="", outcome=anchor.outcome, span=block)
    s, e = anchor.sentence
    head = text[s:e]
    charged = P.CHARGED_WITH.search(head)
    if charged:
        code = P.CODE_END.search(head, charged.end())
        stop = code.start() if code else len(head)
        sentence.articles = parse_articles(head[charged.end() : stop], s + charged.end())
        if sentence.articles:
            sentence.spans["articles"] = (sentence.articles[0].start, sentence.articles[-1].end)
    if anchor.outcome != "convicted":
        return sentence
    spans = sentence_spans(text, *block)
    final = _final_sentence(text, spans)
    if final is not None:
        _read_punishment(text, final, sentence)
    _read_block_facts(text, block, spans, sentence, final)
    return sentence


def _mentions(text: str, span: Span) -> list[tuple[str, Span]]:
    s, e = span
    found: list[tuple[str, Span]] = []
    for kind, pattern in P.MAIN_PUNISHMENTS:
        for m in pattern.finditer(text, s, e):
            found.append((kind, m.span()))
    additional = _additional(text, span)
    # A main noun inside an additional punishment ("с лишением права занимать ...") is not
    # the main punishment.
    found = [(k, sp) for k, sp in found if not any(a[0] <= sp[0] < a[1] for _, a in additional)]
    found.sort(key=lambda item: item[1][0])
    return found


def _additional(text: str, span: Span) -> list[tuple[str, Span]]:
    out = []
    for kind, pattern in P.ADDITIONAL:
        for m in pattern.finditer(text, *span):
            out.append((kind, m.span()))
    return sorted(out, key=lambda item: item[1][0])


def _final_sentence(text: str, spans: list[Span]) -> Span | None:
    candidates = []
    for span in spans:
        sentence = text[span[0] : span[1]]
        if P.NOT_A_SENTENCE.match(sentence) or not P.ASSIGN_MARK.search(sentence):
            continue
        if _mentions(text, span) or find_terms(sentence):
            candidates.append(span)
    if not candidates:
        return None
    for span in candidates:
        if P.REPLACEMENT.search(text, *span):
            return span
    for mark in (P.FINAL_MARK, P.COMBINED_MARK):
        marked = [sp for sp in candidates if mark.search(text, *sp) and _mentions(text, sp)]
        if marked:
            return marked[-1]
    with_noun = [sp for sp in candidates if _mentions(text, sp)]
    return (with_noun or candidates)[0]


def _read_punishment(text: str, span: Span, sentence: Sentence) -> None:
    s, _ = span
    mentions = _mentions(text, span)
    replacement = P.REPLACEMENT.search(text, *span)
    if replacement:
        kind, noun = (
            "forced_labour",
            (replacement.end() - len("принудительными работами"), replacement.end()),
        )
    elif mentions:
        kind, noun = mentions[0]
    else:
        kind, noun = "other", span
    sentence.punishment = kind
    sentence.spans["punishment"] = noun
    additional = _additional(text, span)
    terms = [t for t in find_terms(text[span[0] : span[1]]) if not _is_probation(text, s + t.start)]
    term = _term_for(
        noun, [Term(s + t.start, s + t.end, t.months, t.hours, t.days) for t in terms], additional
    )
    if term is not None:
        sentence.term_months = term.months
        sentence.term_hours = term.hours
        sentence.spans["term"] = (term.start, term.end)
    if kind == "fine":
        amount = _money(text, (noun[0], span[1]))
        if amount is not None:
            sentence.fine_rub, sentence.spans["fine_rub"] = amount
    if kind == "imprisonment":
        regime = _regime(text, span)
        if regime is not None:
            sentence.regime, sentence.spans["regime"] = regime


def _is_probation(text: str, at: int) -> bool:
    window = text[max(0, at - 40) : at]
    return bool(re.search(r"испытательн\w*\s+срок\w*\s*(?:на\s+|в\s+)?$", window, re.I))


def _term_for(noun: Span, terms: list[Term], additional: list[tuple[str, Span]]) -> Term | None:
    """The term that goes with the punishment noun: right before it, else the first after it
    that is not past an additional punishment's noun."""
    for term in terms:
        if 0 <= noun[0] - term.end <= 3:
            return term
    next_additional = min((a[0] for _, a in additional if a[0] >= noun[1]), default=None)
    for term in terms:
        if term.start >= noun[1] and (next_additional is None or term.start < next_additional):
            return term
    before = [t for t in terms if t.end <= noun[0]]
    return before[-1] if before else None


def _money(text: str, span: Span) -> tuple[int, Span] | None:
    match = P.MONEY.search(text, *span)
    if match is None:
        return None
    if match.group("d"):
        value = int(re.sub(r"\D", "", match.group("d")))
        if match.group("k"):
            value *= 1000
        return value, match.span()
    words = match.group("w").split()
    number = words_value(words)
    if number is None:
        return None
    return int(number), match.span()


def _regime(text: str, span: Span) -> tuple[str, Span] | None:
    found = []
    for name, pattern in P.REGIMES:
        m = pattern.search(text, *span)
        if m:
            found.append((m.start(), name, m.span()))
    if not found:
        return None
    _, name, where = min(found)
    return name, where


def _read_block_facts(
    text: str, block: Span, spans: list[Span], sentence: Sentence, final: Span | None
) -> None:
    for span in spans:
        chunk = text[span[0] : span[1]]
        if P.NOT_A_SENTENCE.match(chunk) and not P.SUSPENDED.search(chunk):
            continue
        if "suspended" not in sentence.spans:
            m = P.SUSPENDED.search(chunk)
            if m and (re.search(r"\b73\b", chunk) or "условн" in chunk.lower()):
                sentence.suspended = True
                sentence.spans["suspended"] = (span[0] + m.start(), span[0] + m.end())
        if sentence.probation_months is None:
            m = P.PROBATION.search(chunk)
            if m:
                terms = find_terms(chunk[m.end() : m.end() + 60])
                if terms and terms[0].start <= 3 and terms[0].months is not None:
                    sentence.probation_months = terms[0].months
                    a = span[0] + m.end()
                    sentence.spans["probation"] = (a + terms[0].start, a + terms[0].end)
        if not sentence.below_minimum:
            m = P.BELOW_MINIMUM.search(chunk)
            if m:
                sentence.below_minimum = True
                sentence.spans["below_minimum"] = (span[0] + m.start(), span[0] + m.end())
        if sentence.release is None:
            for value, pattern in (
                ("contract_deferral", P.CONTRACT_DEFERRAL),
                ("contract_release", P.CONTRACT_RELEASE),
            ):
                m = pattern.search(chunk)
                if m:
                    sentence.release = value
                    sentence.spans["release"] = (span[0] + m.start(), span[0] + m.end())
                    break
        if sentence.pay_withheld_pct is None and sentence.punishment in (
            "military_restriction",
            "correctional_works",
            "forced_labour",
        ):
            m = P.PAY_WITHHELD.search(chunk)
            if m:
                pct = int(m.group("n")) if m.group("n") else words_value(m.group("w").split())
                if pct is not None:
                    sentence.pay_withheld_pct = int(pct)
                    sentence.spans["pay_withheld_pct"] = (span[0] + m.start(), span[0] + m.end())
        for kind, where in _additional(text, span):
            if kind not in sentence.additional:
                sentence.additional.append(kind)
                sentence.spans[f"additional.{kind}"] = where
    if sentence.suspended and sentence.punishment == "imprisonment":
        sentence.punishment = "suspended_imprisonment"
    if sentence.suspended:
        sentence.regime = None
        sentence.spans.pop("regime", None)
    elif sentence.punishment == "imprisonment" and sentence.regime is None:
        for span in spans:
            chunk = text[span[0] : span[1]]
            if re.match(r"зачесть", chunk, re.I):
                continue
            regime = _regime(text, span)
            if regime is not None:
                sentence.regime, sentence.spans["regime"] = regime
                break


def _service(text: str, name: str, description_end: int) -> tuple[str | None, Span | None]:
    """Service status from the description: the paragraph that names the defendant first,
    else the only status the description states."""
    head = text[:description_end]
    stem = _stem(name)
    found: list[tuple[str, Span]] = []
    for kind, pattern in P.SERVICE:
        for m in pattern.finditer(head):
            found.append((kind, m.span()))
    if not found:
        return None, None
    if stem:
        for paragraph in re.finditer(r"[^\n]+", head):
            if stem not in paragraph.group(0):
                continue
            inside = [f for f in found if paragraph.start() <= f[1][0] < paragraph.end()]
            if inside:
                kind, span = min(inside, key=lambda f: f[1][0])
                return kind, span
    kinds = {k for k, _ in found}
    if len(kinds) == 1:
        return found[0]
    return None, None


def _stem(name: str) -> str | None:
    if COURT_MARK.fullmatch(name.strip(" ,.")):
        return name.strip(" ,.")
    words = re.findall(r"[А-ЯЁ][а-яё]+", name)
    if words:
        return words[0][: max(3, len(words[0]) - 2)]
    initials = re.fullmatch(r"\s*((?:[А-ЯЁ]\.\s?){2,3})[\s,]*", name)
    return initials.group(1).replace(" ", "") if initials else None
