"""Judicial act texts → sentences, and the masking of the names in them. Pure, no I/O.

Entry points (eyecite-style: clean → extract → annotate, one call for all):

- `read_act(text, title=None) -> ActReading`: clean the text, find the document type, date,
  publication state and operative part, and read one `Sentence` per defendant, every value
  with its span in `ActReading.text`.
- `clean_text(text) -> str`: the cleaning step alone.
- `mask_text(text, names=()) -> str`: persons replaced by initials, the court's marks kept.
- `annotate(reading) -> str`: the cleaned text with the extracted values marked.

Imports are lazy: `kartoteka.sudrf` uses the cleaning step on every card, and must not pay
for loading the grammar and the NER model it does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kartoteka.acts.annotation import annotate
    from kartoteka.acts.articles import ArticleRef
    from kartoteka.acts.clean import clean_text
    from kartoteka.acts.mask import mask_text
    from kartoteka.acts.models import ActReading, Sentence
    from kartoteka.acts.reader import read_act

_WHERE = {
    "ActReading": "kartoteka.acts.models",
    "ArticleRef": "kartoteka.acts.articles",
    "Sentence": "kartoteka.acts.models",
    "annotate": "kartoteka.acts.annotation",
    "clean_text": "kartoteka.acts.clean",
    "mask_text": "kartoteka.acts.mask",
    "read_act": "kartoteka.acts.reader",
}

__all__ = [
    "ActReading",
    "ArticleRef",
    "Sentence",
    "annotate",
    "clean_text",
    "mask_text",
    "read_act",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(name)
