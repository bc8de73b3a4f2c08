"""Hypothesis strategies for attribute values that are, or nearly are, the template marks
(DOMAIN.md §2): the class tokens and ids the classifier and the readers ask lexbor about,
spelt in other cases (which only quirks mode matches), with look-alikes, and joined by every
kind of blank a class attribute may hold. Shared by the tests that compare a fast path with
its plain selector definition."""

from __future__ import annotations

from hypothesis import strategies as st

CLASSES = st.sampled_from(
    [
        "casenumber",
        "CaseNumber",
        "case-num",
        "Case-Num",
        "law-case-table",
        "LAW-case-table",
        "lawcase-tab-content",
        "LawCase-Tab-Content",
        "lawcase-count",
        "LawCase-Count",
        "x",
        "case-numx",
        "casenumber2",
    ]
)
IDS = st.sampled_from(
    [
        "cont1",
        "CONT1",
        "cont1 ",
        "cont2",
        "Cont2",
        "cont3",
        "tablcont",
        "TablCont",
        "tablcont2",
        "resultMob",
        "RESULTMOB",
        "resultmob",
        "cont_doc1",
    ]
)
BLANKS = st.sampled_from([" ", "  ", "\t", "\n", "\x0c", "\r\n", "\xa0", "\x0b"])


@st.composite
def class_value(draw: st.DrawFn) -> str:
    """One to three tokens, blanks between them and maybe before them."""
    tokens = draw(st.lists(CLASSES, min_size=1, max_size=3))
    value = tokens[0]
    for token in tokens[1:]:
        value += draw(BLANKS) + token
    return draw(BLANKS) + value if draw(st.booleans()) else value


@st.composite
def element(draw: st.DrawFn, inner: str, tags: st.SearchStrategy[str]) -> str:
    """An element of one of `tags` around `inner`, maybe with a mark-like class, id and
    `name`: an `input` stands before `inner` (it holds nothing), a table holds `inner` in a
    data cell under a header row of either kind."""
    tag = draw(tags)
    attrs = ""
    if draw(st.booleans()):
        attrs += f' class="{draw(class_value())}"'
    if draw(st.booleans()):
        attrs += f' id="{draw(IDS)}"'
    if draw(st.integers(0, 3)) == 0:
        attrs += f' name="{draw(st.sampled_from(["delo_table", "DELO_TABLE", "x"]))}"'
    if tag == "input":
        return f"<input{attrs}>{inner}"
    if tag.lower() == "table":
        head = draw(st.sampled_from(["<thead><tr><td>h</td></tr></thead>", "<tr><th>h</th></tr>"]))
        return f"<{tag}{attrs}>{head}<tr><td>{inner}</td></tr></{tag}>"
    return f"<{tag}{attrs}>{inner}</{tag}>"
