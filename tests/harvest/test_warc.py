"""The WARC archive: what the store ingests and what evidence rests on."""

from __future__ import annotations

import datetime as dt
import gzip
import os

import pytest

from kartoteka.harvest.warc import (
    ArchiveIndex,
    WarcWriter,
    iter_responses,
    read_response,
    rebuild_index,
    warc_files,
)

URL = "http://bgvs.alt.sudrf.ru/modules.php?name=sud_delo&name_op=r&page=2"
BODY = "<html>Всего по запросу найдено — 3</html>".encode("cp1251")


def _write(
    writer: WarcWriter,
    url: str = URL,
    body: bytes = BODY,
    kind: str = "listing",
    when: dt.datetime | None = None,
) -> tuple[str, int]:
    return writer.write_exchange(
        url,
        {"User-Agent": "kartoteka-test (ops@example.org)"},
        200,
        {"Content-Type": "text/html; charset=windows-1251", "Content-Encoding": "gzip"},
        body,
        court_code="22GV0001",
        page_kind=kind,
        simulated=True,
        run_id="run-1",
        fetched_at=when,
    )


def test_exchange_round_trips_with_contract_headers(tmp_path):
    when = dt.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC)
    with WarcWriter(tmp_path) as w:
        name, offset = _write(w, when=when)
    assert name.startswith("kartoteka-") and name.endswith("-00001.warc.gz")
    [resp] = list(iter_responses(tmp_path))
    assert resp.url == URL
    assert resp.fetched_at == when
    assert resp.court_code == "22GV0001" and resp.page_kind == "listing"
    assert resp.simulated is True and resp.status == 200 and resp.run_id == "run-1"
    assert resp.body == BODY  # raw bytes, not decoded
    assert (resp.warc_file, resp.offset) == (name, offset)
    assert resp.headers["Content-Length"] == str(len(BODY))
    assert "Content-Encoding" not in resp.headers  # the stored body is not gzip
    assert read_response(tmp_path, name, offset) == resp


def test_every_record_is_its_own_gzip_member_with_request_and_response(tmp_path):
    with WarcWriter(tmp_path) as w:
        _write(w)
        _write(w)
    data = (tmp_path / warc_files(tmp_path)[0]).read_bytes()
    assert data.count(b"\x1f\x8b\x08") >= 4  # 2 exchanges x (request + response)
    text = gzip.decompress(data).decode("latin-1")
    assert text.count("WARC-Type: request") == 2 and text.count("WARC-Type: response") == 2
    assert "Kartoteka-Simulated: true" in text and "Kartoteka-Run-Id: run-1" in text


def test_refetch_adds_a_record_and_index_maps_url_and_time(tmp_path):
    t1 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    t2 = dt.datetime(2026, 1, 8, tzinfo=dt.UTC)
    with WarcWriter(tmp_path) as w:
        first = _write(w, body=b"old", when=t1)
        second = _write(w, body=b"new", when=t2)
        entries = w.index.lookup(URL)
    assert [(e.fetched_at, e.warc_file, e.offset) for e in entries] == [(t1, *first), (t2, *second)]
    assert [r.body for r in iter_responses(tmp_path)] == [b"old", b"new"]


def test_files_rotate_and_each_writer_starts_a_new_file(tmp_path):
    with WarcWriter(tmp_path, max_file_bytes=1) as w:
        for i in range(3):
            _write(w, url=f"{URL}&n={i}")
    with WarcWriter(tmp_path) as w:
        _write(w, url=URL + "&n=3")
    names = warc_files(tmp_path)
    assert [n[-14:-8] for n in names] == ["-00001", "-00002", "-00003", "-00004"]
    assert [r.url[-1] for r in iter_responses(tmp_path)] == ["0", "1", "2", "3"]


@pytest.mark.parametrize("where", ["in_request", "request_only", "in_response", "last_bytes"])
def test_torn_last_record_is_dropped_and_truncated_on_open(tmp_path, where):
    with WarcWriter(tmp_path) as w:
        _write(w, url=URL + "&n=1")
        name, response2 = _write(w, url=URL + "&n=2")
    path = tmp_path / name
    whole = path.read_bytes()
    request2 = _offsets(tmp_path, name)[2]
    keep = {
        "in_request": request2 + 7,
        "request_only": response2,
        "in_response": response2 + 40,
        "last_bytes": len(whole) - 1,
    }[where]
    path.write_bytes(whole[:keep])  # what kill -9 during the second write leaves behind
    # Readers never see half a record ...
    assert [r.url for r in iter_responses(tmp_path)] == [URL + "&n=1"]
    # ... and the next writer truncates the tail (an orphan request included).
    with WarcWriter(tmp_path) as w:
        assert w.truncated == [name]
        assert w.index.lookup(URL + "&n=2") == []
        _write(w, url=URL + "&n=3")
    assert path.stat().st_size == request2
    assert [r.url for r in iter_responses(tmp_path)] == [URL + "&n=1", URL + "&n=3"]


def _offsets(archive, name):
    index = ArchiveIndex(archive)
    try:
        return [
            r[0]
            for r in index.db.execute(
                "SELECT offset FROM records WHERE warc_file = ? ORDER BY offset", (name,)
            )
        ]
    finally:
        index.close()


def test_index_catches_up_with_records_written_before_a_crash(tmp_path):
    with WarcWriter(tmp_path) as w:
        _write(w, url=URL + "&n=1")
        _write(w, url=URL + "&n=2")
    # The index lost its last rows (killed between the WARC write and the index commit).
    index = ArchiveIndex(tmp_path)
    index.db.execute("DELETE FROM records WHERE url = ?", (URL + "&n=2",))
    index.close()
    with WarcWriter(tmp_path) as w:
        assert len(w.index.lookup(URL + "&n=2")) == 1
    os.remove(tmp_path / "index.sqlite3")
    assert rebuild_index(tmp_path) == 2


def test_lookup_by_prefix_finds_a_page_fetched_with_extra_parameters(tmp_path):
    with WarcWriter(tmp_path) as w:
        _write(w, url=URL + "&captcha=12345&captchaid=abc")
        _write(w, url=URL + "0")
        assert w.index.lookup(URL) == []
        found = w.index.lookup(URL + "&captcha=", prefix=True)
    assert [e.url for e in found] == [URL + "&captcha=12345&captchaid=abc"]
