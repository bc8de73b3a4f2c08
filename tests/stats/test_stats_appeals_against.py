"""`appeals_against`: appeals against one first-instance court's decisions, found by the UID
the case keeps at appeal (the appeal itself is heard by the district court)."""

from __future__ import annotations

from stats_history import RUN1

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter


def test_the_appeal_follows_the_uid_to_its_first_instance_court(history):
    con = history.connect()
    try:
        garrison = m.appeals_against(con, Filter(), "27GV0008")
        other = m.appeals_against(con, Filter(), "54GV0003")
        at_garrison = m.appeals(con, Filter(court="27GV0008"))
        before = m.appeals_against(con, Filter(as_of=RUN1.date()), "27GV0008")
        by_article = m.appeals_against(con, Filter(article="338"), "27gv0008")
    finally:
        con.close()
    assert garrison == [m.AppealCount("upheld", 1)]
    assert other == [] and at_garrison == []  # heard at 27OV0000, not at the garrison court
    assert before == []  # the appeal card was first seen in the second run
    assert by_article == [m.AppealCount("upheld", 1)]  # charged 337.5 and 338.3
