"""A case's UID is the one its card prints, even when a listing version is newer: a listing
prints no UID, only the card link's `case_uid` (the site's GUID). Were the GUID taken for the
UID, an appeal whose listing changed after its card was read would drop out of
`appeals_against`, which finds appeals by the first-instance court code inside the UID: a
silent undercount."""

import datetime as dt

import duckdb

from kartoteka.stats import metrics as m
from kartoteka.stats.metrics import Filter
from kartoteka.store.ingest import ingest
from kartoteka.store.synthetic import card, defendant, row
from kartoteka.sudrf.urls import Instance

HOST = "27ovs.sudrf.ru"
COURT = "27OV0001"
UID = "27GV0008-01-2024-000123-45"
GUID = "6f1c2b9e-1d3a-4c5e-9a7b-0e2f4d6c8a10"
T1 = dt.datetime(2024, 6, 1, 10)
RECEIVED = dt.date(2024, 5, 20)


def test_the_card_uid_wins_over_a_newer_listing_s_link_guid(data_dir, archive) -> None:
    accused = [defendant("Сидоров Иван Ильич")]
    listed = row("501", "22-15/2024", RECEIVED, accused, uid=GUID, delo_id="4")
    archive.write_listing(HOST, COURT, [listed], RECEIVED, RECEIVED, T1, instance=Instance.APPEAL)
    archive.write_card(
        HOST,
        COURT,
        "501",
        card("22-15/2024", RECEIVED, accused, uid=UID),
        T1 + dt.timedelta(hours=1),
        instance=Instance.APPEAL,
    )
    archive.close()
    decided = row(
        "501",
        "22-15/2024",
        RECEIVED,
        accused,
        uid=GUID,
        delo_id="4",
        result="Приговор оставлен без изменения",
        result_date=dt.date(2024, 6, 20),
    )
    archive.write_listing(
        HOST,
        COURT,
        [decided],
        RECEIVED,
        RECEIVED,
        T1 + dt.timedelta(days=30),
        instance=Instance.APPEAL,
    )
    archive.close()
    ingest(data_dir, archive=data_dir.archive, reader=archive.book)
    con = duckdb.connect(str(data_dir.store), read_only=True)
    try:
        (uid, versions, latest) = con.execute(
            "SELECT c.uid, count(*), max_by(v.source, v.version) FROM cases c "
            "JOIN case_versions v USING (case_key) GROUP BY c.uid"
        ).fetchone()
        counts = m.appeals_against(con, Filter(instance="appeal"), "27GV0008")
    finally:
        con.close()
    assert latest == "listing" and versions == 3  # the newest version is the listing's
    assert uid == UID
    assert sum(c.cases for c in counts) == 1
