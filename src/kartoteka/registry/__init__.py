"""Courts (imported from a CSV or the public sudrf directory; none bundled), the Chapter 33
article catalogue, and charge strings."""

from kartoteka.registry.articles import (
    ARTICLES,
    REFUSAL_TO_FIGHT,
    article_name,
    is_mobilisation_part,
    is_watched,
    principal_article,
)
from kartoteka.registry.charges import format_charge, format_charges, parse_charges

__all__ = [
    "ARTICLES",
    "REFUSAL_TO_FIGHT",
    "article_name",
    "format_charge",
    "format_charges",
    "is_mobilisation_part",
    "is_watched",
    "parse_charges",
    "principal_article",
]
