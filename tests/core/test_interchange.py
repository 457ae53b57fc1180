"""Interchange JSON: identical round trip, all-or-nothing import, errors that name the place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import InterchangeError
from workbench.exchange import interchange


def test_export_import_export_is_identical(small_data) -> None:
    once = interchange.dumps(small_data)
    assert interchange.dumps(interchange.loads(once)) == once


def test_cli_round_trip_through_files(tmp_path: Path, small_json: str) -> None:
    src = tmp_path / "in.json"
    src.write_text(small_json, encoding="utf-8")
    assert main(["import", str(src), str(tmp_path / "a.tender")]) == 0
    assert main(["export-json", str(tmp_path / "a.tender"), "-o", str(tmp_path / "a.json")]) == 0
    assert main(["import", str(tmp_path / "a.json"), str(tmp_path / "b.tender")]) == 0
    assert main(["export-json", str(tmp_path / "b.tender"), "-o", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


def mutate(small_json: str, change) -> str:
    doc = json.loads(small_json)
    change(doc)
    return json.dumps(doc)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["tender"].update(wieght=1), "tender: unknown key 'wieght'"),
    (lambda d: d["lots"][0]["criteria"][0]["children"][0].update(colour="red"),
     r"lots\[L1\]\.criteria\[Q\]\.children\[Q1\]: unknown key 'colour'"),
    (lambda d: d["lots"][0]["criteria"][1].update(weight=35),
     "weights in the top level add up to 105%"),
    (lambda d: d["lots"][0]["criteria"][1].update(weight="thirty"),
     "'weight' must be a number"),
    (lambda d: d["lots"][0]["criteria"][0]["children"][0].pop("scale"),
     "a scored criterion needs a scale"),
    (lambda d: d["lots"][0]["scores"][0].update(score=7), "score 7 is not on scale"),
    (lambda d: d["lots"][0]["scores"].append(dict(d["lots"][0]["scores"][0])), "scored twice"),
    (lambda d: d["lots"][0]["scores"][0].update(bidder="B9"), "unknown bidder 'B9'"),
    (lambda d: d.update(format="workbench-tender/2"), "'format' must be"),
    (lambda d: d["lots"][0]["criteria"][1].update(children=[{"id": "X", "title": "x",
                                                              "weight": 100, "type": "scored",
                                                              "scale": "0-5"}]),
     "cannot contain other criteria"),
])
def test_bad_imports_are_refused_with_a_message(small_json: str, change, message: str) -> None:
    with pytest.raises(InterchangeError, match=message):
        interchange.loads(mutate(small_json, change))


def test_failed_cli_import_writes_no_file(tmp_path: Path, small_json: str, capsys) -> None:
    src = tmp_path / "bad.json"
    src.write_text(mutate(small_json, lambda d: d["tender"].update(oops=1)), encoding="utf-8")
    assert main(["import", str(src), str(tmp_path / "out.tender")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown key 'oops'" in err
    assert not (tmp_path / "out.tender").exists()
    assert list(tmp_path.iterdir()) == [src]


def test_cli_errors_are_one_line_without_traceback(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path / "missing.tender")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(SystemExit) as usage:
        main(["no-such-command"])
    assert usage.value.code == 2


def test_bidder_outputs_round_trip_and_bad_values_name_the_place(small_json: str) -> None:
    doc = json.loads(small_json)
    doc["tender"].update(criteria_published="ITT Part 3", cpv="85320000-8")
    doc["award"] = {"summaries_sent_on": "2026-12-01", "award_notice_on": "2026-12-03"}
    bidder = doc["lots"][0]["bidders"][0]
    bidder.update(address="1 High St, Leeds, LS1 1AA", email="bids@example.org",
                  identifier="GB-COH 01234567", received_on="2026-10-30T11:45:00Z")
    text = json.dumps(doc)
    data = interchange.loads(text)
    assert data.award.award_notice_on == "2026-12-03" and data.tender.cpv == "85320000-8"
    assert data.lots[0].bidders[0].received_on == "2026-10-30T11:45:00Z"
    again = interchange.dumps(data)
    assert interchange.dumps(interchange.loads(again)) == again
    for where, key, bad, message in (
            (bidder, "email", "nope", "'nope' is not an email address"),
            (bidder, "received_on", "30/10/2026", "'30/10/2026' is not a date"),
            (doc["tender"], "cpv", "8532", "'cpv' must be a CPV code"),
            (doc["award"], "award_notice_on", "3 Dec", "'3 Dec' is not a date")):
        saved = where[key]
        where[key] = bad
        with pytest.raises(InterchangeError, match=message):
            interchange.loads(json.dumps(doc))
        where[key] = saved
