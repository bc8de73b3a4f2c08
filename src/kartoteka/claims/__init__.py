"""Checking a published figure: numeric claims read from a news text (pure: `read_claims`,
`annotate`) and tested against the store's metrics (`check_text`, in `kartoteka.claims.check`).

The reading is eyecite-shaped: a cleaning step that keeps offsets (`text`), extraction over
patterns kept as data (`lexicon`, `periods`, `mentions`), typed results with spans (`model`),
and an annotate function the dashboard reuses to mark the claims in the text.
"""

from kartoteka.claims.annotate import annotate
from kartoteka.claims.model import Claim, Comparison, Reading, Side, Unmapped
from kartoteka.claims.reader import publication_date, read_claims

__all__ = [
    "Claim",
    "Comparison",
    "Reading",
    "Side",
    "Unmapped",
    "annotate",
    "publication_date",
    "read_claims",
]
