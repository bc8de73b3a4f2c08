"""The closing summary of `kartoteka harvest` tells the operator what was fetched, per court
and in total, including the linked act pages and those that failed (retried next run)."""

from rich.console import Console

from kartoteka.cli.harvest_cmd import summary_table
from kartoteka.harvest.harvester import CourtReport, CourtStatus, HarvestReport


def _render(report: HarvestReport) -> str:
    console = Console(record=True, width=200)
    console.print(summary_table(report))
    return console.export_text()


def test_the_summary_counts_linked_acts_and_their_failures() -> None:
    courts = [
        CourtReport("11GV0001", "a.test", acts=4, act_texts=3, acts_failed=0),
        CourtReport("11GV0002", "b.test", status=CourtStatus.INCOMPLETE, acts=2, acts_failed=1),
    ]
    text = _render(HarvestReport("run-1", False, courts, elapsed=1.0, requests=10))
    header = next(line for line in text.splitlines() if "court" in line)
    assert "acts" in header
    lines = {line.split("│")[1].strip(): line for line in text.splitlines() if "│" in line}
    assert " 4 " in lines["11GV0001"] and "failed" not in lines["11GV0001"]
    assert "2 (1 failed)" in lines["11GV0002"]
    assert "6 (1 failed)" in lines["total"]
