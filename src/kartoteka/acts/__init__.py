"""Judicial act texts → sentences, and the masking of the names in them. Pure, no I/O.

Entry points (eyecite-style: clean → extract → annotate, one call for all):

- `read_act(text, title=None) -> ActReading`: clean the text, find the document type, date,
  publication state and operative part, and read one `Sentence` per defendant, every value
  with its span in `ActReading.text`.
- `clean_text(text) -> str`: the cleaning step alone.
- `mask_text(text) -> str`: persons replaced by initials or the court's own marks.
- `annotate(reading) -> str`: the cleaned text with the extracted values marked.
"""

from kartoteka.acts.annotate import annotate
from kartoteka.acts.articles import ArticleRef
from kartoteka.acts.clean import clean_text
from kartoteka.acts.mask import mask_text
from kartoteka.acts.models import ActReading, Sentence
from kartoteka.acts.reader import read_act

__all__ = [
    "ActReading",
    "ArticleRef",
    "Sentence",
    "annotate",
    "clean_text",
    "mask_text",
    "read_act",
]
