from pathlib import Path

from kartoteka.stats import metrics
from kartoteka.stats.docs import metrics_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_committed_metric_definitions_are_current():
    assert DOC.read_text(encoding="utf-8") == metrics_markdown(), (
        "docs/metrics.md is stale: run `python -m kartoteka.stats.docs > docs/metrics.md`"
    )


def test_every_metric_has_a_definition():
    for fn in metrics.METRICS:
        assert fn.__doc__ and len(fn.__doc__.split()) >= 15, fn.__name__
        assert f"## `{fn.__name__}`" in metrics_markdown()
