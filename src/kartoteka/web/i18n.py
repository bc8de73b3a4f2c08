"""Interface text in Russian and English: a small message catalogue and the choice of language.

The people who read the dashboard are Russian-speaking journalists and NGOs as well as the
foreign press that quotes them, so every label exists in both languages. The language comes
from `?lang=ru|en` first (so a link carries it), then the browser's Accept-Language, then
Russian. A key missing from the catalogue shows as the key itself, which a test catches.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"

# key → (Russian, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.title": ("Картотека военных судов", "Military court case index"),
    "app.tagline": (
        "Уголовные дела против военнослужащих, отказывающихся воевать, по данным сайтов военных "
        "судов (sudrf.ru)",
        "Criminal cases against soldiers who refuse to fight, from the military courts' "
        "websites (sudrf.ru)",
    ),
    "nav.overview": ("Обзор", "Overview"),
    "nav.cases": ("Дела", "Cases"),
    "nav.courts": ("Суды", "Courts"),
    "nav.methodology": ("Методология", "Methodology"),
    "nav.revisions": ("Пересмотры", "Revisions"),
    "nav.api": ("API", "API"),
    "nav.check": ("Проверка цифр", "Check a figure"),
    "nav.search": ("Поиск по текстам", "Search the acts"),
    "search.intro": (
        "Полнотекстовый поиск по опубликованным текстам судебных актов (имена скрыты) с учётом "
        "словоформ: «мобилизован» находит «мобилизованного». Фраза в кавычках ищется целиком.",
        "Full-text search over the published texts of judicial acts (names masked), in any "
        "inflection: «мобилизован» finds «мобилизованного». A phrase in quotes is matched whole.",
    ),
    "search.query": ("Слова или «фраза»", 'Words or "a phrase"'),
    "search.submit": ("Искать", "Search"),
    "search.results": ("Найдено актов: {n}", "Acts found: {n}"),
    "search.none": ("Ничего не найдено.", "Nothing found."),
    "search.col.case": ("Дело", "Case"),
    "search.col.act": ("Акт", "Act"),
    "search.col.snippet": ("Фрагмент", "Snippet"),
    "search.col.evidence": ("Источник", "Evidence"),
    "check.intro": (
        "Вставьте текст новости: каждая цифра о делах будет прочитана как запрос к данным и "
        "проверена по состоянию на дату публикации и на сегодня. Что не удалось прочитать, "
        "показано отдельно — без догадок.",
        "Paste a news text: every figure about these cases is read as a query and checked as "
        "of the publication date and as of today. What could not be read is listed apart, "
        "never guessed.",
    ),
    "check.text": ("Текст", "Text"),
    "check.as_of": ("Дата публикации", "Publication date"),
    "check.submit": ("Проверить", "Check"),
    "check.as_of_used": (
        "Проверено по состоянию на {date} ({source}); сегодня {today}.",
        "Checked as of {date} ({source}); today {today}.",
    ),
    "check.source.given": ("указана", "given"),
    "check.source.text": ("из текста", "read from the text"),
    "check.source.today": ("дата не указана — сегодня", "no date given: today"),
    "check.none": ("Цифр о делах в тексте не найдено.", "No figures about these cases found."),
    "check.claims": ("Утверждения", "Claims"),
    "check.unmapped": ("Не удалось прочитать", "Could not be mapped"),
    "check.col.claim": ("Утверждение", "Claim"),
    "check.col.query": ("Запрос", "Query"),
    "check.col.verdict": ("Вывод", "Verdict"),
    "check.col.found": ("Найдено на дату публикации", "Found as of publication"),
    "check.col.found_today": ("Сегодня", "Today"),
    "check.col.reason": ("Почему", "Why"),
    "check.col.cases": ("Дела", "Cases"),
    "check.verdict.consistent": ("сходится", "consistent"),
    "check.verdict.inconsistent": ("не сходится", "inconsistent"),
    "check.verdict.not_checkable": ("нельзя проверить", "not checkable"),
    "check.cases_link": ("список дел", "list the cases"),
    "check.published_share": ("опубликованы тексты приговоров:", "verdict texts published:"),
    "banner.simulated": (
        "ДАННЫЕ СМОДЕЛИРОВАНЫ: это не настоящие дела, а синтетические данные песочницы "
        "kartoteka. Не цитируйте эти цифры.",
        "SIMULATED DATA: these are not real cases but synthetic data from the kartoteka "
        "sandbox. Do not quote these figures.",
    ),
    "banner.stale": (
        "База данных сейчас обновляется; показан последний согласованный снимок от {when}.",
        "The database is being updated; showing the last consistent snapshot from {when}.",
    ),
    "store.empty": (
        "В базе пока нет дел. Запустите «kartoteka update» (или «kartoteka demo»).",
        "The store has no cases yet. Run `kartoteka update` (or `kartoteka demo`).",
    ),
    "filters.title": ("Фильтры", "Filters"),
    "filters.article": ("Статья УК", "Article"),
    "filters.part": ("Часть", "Part"),
    "filters.court": ("Суд (код)", "Court (code)"),
    "filters.district": ("Округ", "District"),
    "filters.region": ("Регион", "Region"),
    "filters.since": ("С даты", "From"),
    "filters.until": ("По дату", "To"),
    "filters.as_of": ("По состоянию на", "As of"),
    "filters.charges": ("Части статей", "Charges (article.part)"),
    "filters.apply": ("Применить", "Apply"),
    "filters.reset": ("Сбросить", "Reset"),
    "filters.any": ("все", "all"),
    "filters.service": ("Статус военнослужащего", "Service status"),
    "filters.service.note": (
        "Статус (мобилизованный, контрактник, призывник) указан в тексте приговора, поэтому "
        "этот фильтр действует только на таблицу наказаний; доля опубликованных остаётся "
        "долей всех приговоров выборки.",
        "The status (mobilised, contract, conscript) is stated in the verdict's text, so this "
        "filter applies to the sentence table only; the published share stays that of all "
        "verdicts in the selection.",
    ),
    "service.mobilised": ("мобилизованные", "mobilised"),
    "service.contract": ("контрактники", "contract soldiers"),
    "service.conscript": ("призывники", "conscripts"),
    "group.refusal": ("отказ воевать", "refusal to fight"),
    "group.chapter33": ("вся глава 33 (военная служба)", "all of Chapter 33 (military service)"),
    "headline.since_mobilisation": ("Дел с начала мобилизации", "Cases since mobilisation"),
    "headline.ytd": ("Дел в этом году", "Cases this year"),
    "headline.last_year": ("Дел за весь прошлый год", "Cases in the whole of last year"),
    "headline.overtaken": ("Этот год обогнал прошлый", "This year overtook last year"),
    "headline.not_overtaken": ("ещё не обогнал", "not yet"),
    "headline.last_month": ("Последний полный месяц", "Last complete month"),
    "headline.verdicts": ("Приговоров", "Verdicts"),
    "headline.median_days": (
        "Медиана дней от поступления до приговора",
        "Median days from receipt to verdict",
    ),
    "headline.suspended": (
        "Приостановлено (как правило, контракт)",
        "Suspended (typically a contract signed)",
    ),
    "headline.removed": ("Снято с сайтов судов", "Removed from the court sites"),
    "headline.as_of": ("по состоянию на {date}", "as of {date}"),
    "chart.monthly": (
        "Поступившие дела по месяцам и статьям",
        "Cases received per month, by article",
    ),
    "chart.monthly.lag": (
        "Заштрихованы месяцы, данные за которые ещё неполны (карточки появляются на сайтах "
        "с задержкой)",
        "Shaded months are still incomplete (cards appear on court sites with a delay)",
    ),
    "chart.verdicts": ("Приговоры по месяцам", "Verdicts per month"),
    "chart.outcomes": ("Исходы дел", "Outcomes"),
    "chart.courts": ("Суды с наибольшим числом дел", "Courts with the most cases"),
    "table.regions": ("Дела по регионам", "Cases by region"),
    "table.sentences": (
        "Наказания по опубликованным приговорам (тексты опубликованы у {share} из {verdicts} "
        "приговоров)",
        "Sentences read from the published verdicts (texts published for {share} of "
        "{verdicts} verdicts)",
    ),
    "table.sentences.service": (
        " — только осуждённые, чей статус в приговоре: {service}",
        " — only defendants whose verdict states them: {service}",
    ),
    "chart.revisions": (
        "Как менялась цифра: дела за выбранный период по состоянию на разные даты",
        "How the figure was revised: cases of the chosen period as counted on different days",
    ),
    "chart.revisions.note": (
        "Карточки появляются на сайтах судов с опозданием, поэтому цифры за прошлые периоды "
        "растут. Период задают фильтры «С даты» и «По дату».",
        "Cards appear on court sites late, so figures for past periods grow. The period is "
        "set by the From and To filters.",
    ),
    "table.cases": ("Дела", "Cases"),
    "col.period": ("Месяц", "Month"),
    "col.article": ("Статья", "Article"),
    "col.cases": ("Дел", "Cases"),
    "col.verdicts": ("Приговоров", "Verdicts"),
    "col.punishment": ("Наказание", "Punishment"),
    "col.sentences": ("Осуждённых", "Sentenced"),
    "col.published_share": ("Доля опубликованных", "Published share"),
    "col.court": ("Суд", "Court"),
    "col.court_code": ("Код суда", "Court code"),
    "col.region": ("Регион", "Region"),
    "col.district": ("Округ", "District"),
    "col.outcome": ("Исход", "Outcome"),
    "col.number": ("Номер дела", "Case number"),
    "col.entry_date": ("Дата поступления", "Received"),
    "col.result": ("Результат", "Result"),
    "col.result_date": ("Дата решения", "Decided"),
    "col.charges": ("Статьи", "Charges"),
    "col.defendants": ("Подсудимые", "Defendants"),
    "col.date": ("Дата", "Date"),
    "col.event": ("Событие", "Event"),
    "col.seen": ("Видели", "Seen"),
    "col.level": ("Уровень", "Level"),
    "col.host": ("Сайт", "Website"),
    "col.completeness": ("Полнота", "Completeness"),
    "download.csv": ("Скачать CSV", "Download CSV"),
    "definition": ("Определение", "Definition"),
    "case.title": ("Дело", "Case"),
    "case.events": ("Движение дела", "Case events"),
    "case.charges": ("Обвинения", "Charges"),
    "case.outcome": ("Исход", "Outcome"),
    "case.versions": ("Версии карточки", "Card versions"),
    "case.evidence": ("Доказательства (архив WARC)", "Evidence (WARC archive)"),
    "case.view_archived": ("Открыть архивную страницу", "View the archived page"),
    "case.removed": (
        "Снята с сайта суда; последний раз видели {date}",
        "Removed from the court's site; last seen {date}",
    ),
    "court.title": ("Суд", "Court"),
    "court.cases": ("Дела этого суда", "Cases of this court"),
    "notes.windows.title": (
        "Неполные данные: у этих судов не все выборки подтверждены",
        "Incomplete data: not every listing of these courts is proven complete",
    ),
    "notes.windows.court": (
        "{court}: неполных окон — {incomplete}, подозрительно пустых — {suspect} (на {date})",
        "{court}: incomplete windows: {incomplete}, suspect-empty: {suspect} (as of {date})",
    ),
    "notes.windows.explain": (
        "Числа этих судов могут быть занижены: строк собрано меньше, чем показал счётчик "
        "сайта, или ответ «Данных по запросу не обнаружено» не подтверждён контрольным "
        "запросом. Следующий сбор запрашивает эти окна снова.",
        "These courts' numbers may be too low: fewer rows were collected than the site's "
        "counter shows, or a \u201cno data\u201d answer is not proven by a control query. The "
        "next harvest lists these windows again.",
    ),
    "evidence.masked": (
        "Архивная копия страницы суда. Имена людей скрыты (инициалы), пока установка не "
        "разрешила их показ.",
        "Archived copy of the court page. Personal names are masked (initials) unless the "
        "installation opted in.",
    ),
    "evidence.fetched": ("Получено {when} с {url}", "Fetched {when} from {url}"),
    "methodology.title": ("Методология", "Methodology"),
    "methodology.intro": (
        "Каждая цифра на этих страницах посчитана одной функцией из модуля kartoteka.stats; "
        "ниже — их определения, взятые прямо из кода.",
        "Every figure on these pages is computed by one function of kartoteka.stats; below are "
        "their definitions, taken straight from the code.",
    ),
    "pager.prev": ("← назад", "← previous"),
    "pager.next": ("вперёд →", "next →"),
    "pager.of": ("{first}–{last} из {total}", "{first}–{last} of {total}"),
    "error.title": ("Ошибка", "Error"),
    "error.not_found": ("Не найдено", "Not found"),
    "report.generated": ("Отчёт создан {when}", "Report generated {when}"),
    "lang.switch": ("English", "Русский"),
    "none": ("—", "—"),
}


def pick_language(query: str | None, accept_language: str | None) -> str:
    """`?lang=` wins, then the first supported language in Accept-Language, else Russian."""
    if query and query.lower() in LANGUAGES:
        return query.lower()
    if accept_language:
        weighted: list[tuple[float, int, str]] = []
        for position, item in enumerate(accept_language.split(",")):
            parts = item.strip().split(";")
            tag = parts[0].strip().lower().split("-")[0]
            quality = 1.0
            for param in parts[1:]:
                name, _, value = param.strip().partition("=")
                if name == "q":
                    try:
                        quality = float(value)
                    except ValueError:
                        quality = 0.0
            if tag in LANGUAGES and quality > 0:
                weighted.append((-quality, position, tag))
        if weighted:
            return min(weighted)[2]
    return DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Translator:
    """`t("key", **fmt)` in one language; templates receive it as `t`."""

    lang: str

    def __call__(self, key: str, **fmt: object) -> str:
        pair = MESSAGES.get(key)
        if pair is None:
            return key
        text = pair[LANGUAGES.index(self.lang)]
        return text.format(**fmt) if fmt else text

    @property
    def other(self) -> str:
        """The language the switch link leads to."""
        return LANGUAGES[1 - LANGUAGES.index(self.lang)]
