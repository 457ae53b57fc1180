"""The audit trail as people read it: field-level changes, names, and safe CSV/Excel exports."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from workbench import audit_trail
from workbench.cli import main
from workbench.details import update_details
from workbench.storage import TenderFile
from workbench.storage.tenderfile import default_user, who

KEY = {"lot_id": "L1", "evaluator_id": "E1", "bidder_id": "B1", "criterion_id": "Q1"}


def rescore(path: Path, score: str, rationale: str, reason: str = "") -> None:
    with TenderFile.open(path, user=who("Jane Smith")) as tf, \
            tf.action("Change score", reason=reason):
        tf.update("scores", KEY, score=score, rationale=rationale)


def test_who_is_the_given_name_with_the_login() -> None:
    assert who("Jane Smith") == f"Jane Smith ({default_user()})"
    assert who("  ") == default_user()


def test_a_changed_score_reads_field_by_field(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        old = tf.rows("scores", "lot_id = 'L1' AND evaluator_id = 'E1' AND bidder_id = 'B1' "
                      "AND criterion_id = 'Q1'")[0]
    new_score = "1" if old["score"] != "1" else "2"
    rescore(demo_tender, new_score, "Plan lacks staffing detail", "Typo in first entry")
    with TenderFile.open(demo_tender, read_only=True) as tf:
        entry = audit_trail.entries(tf)[-1]
        evaluator = tf.load().evaluators[0].name
    assert entry.kind == "changed" and entry.record == "Score"
    assert entry.which.startswith(f"L1 · {evaluator} (E1) · ")
    assert entry.which.endswith(" (B1) · Q1")
    assert [c.field for c in entry.changes] == ["score", "rationale"]
    assert entry.change_text().startswith(f"score: {old['score']} → {new_score}; rationale: “")
    assert entry.change_text().endswith("→ “Plan lacks staffing detail”")
    assert entry.reason == "Typo in first entry"
    assert entry.user == f"Jane Smith ({default_user()})"
    assert "{" not in entry.change_text()  # no JSON blobs


def test_added_rows_list_their_values_without_internal_columns(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf:
        first = audit_trail.entries(tf)[0]
    assert first.kind == "added" and first.record == "Tender details"
    assert first.change_text().startswith("added: ")
    assert "uid" not in first.change_text()


def test_long_text_is_shortened_on_screen_but_whole_in_exports(demo_tender: Path,
                                                               tmp_path: Path) -> None:
    long = "A thorough answer. " * 10
    rescore(demo_tender, "3", long.strip())
    with TenderFile.open(demo_tender, read_only=True) as tf:
        entry = audit_trail.entries(tf)[-1]
    assert "…" in entry.change_text()
    assert long.strip() in entry.change_text(limit=None)


def test_exports_keep_formulas_as_text(demo_tender: Path, tmp_path: Path) -> None:
    rescore(demo_tender, "2", "=HYPERLINK(\"http://x\",\"click\")", "+1 for clarity")
    with TenderFile.open(demo_tender, read_only=True) as tf:
        found = audit_trail.entries(tf)
        tf_title = tf.load().tender.title
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    audit_trail.export_csv(found, csv_path)
    audit_trail.export_xlsx(found, xlsx_path, tf_title)
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(audit_trail.HEADERS)
    assert len(rows) == len(found) + 1
    assert rows[-1][7] == "'+1 for clarity"
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet.max_row == len(found) + 2  # title, headers, entries
    last = [cell for cell in sheet[sheet.max_row]]
    assert last[7].value == "+1 for clarity" and last[7].data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_cli_exports_the_trail(demo_tender: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "trail.xlsx"
    assert main(["audit", str(demo_tender), "-o", str(out)]) == 0
    assert out.exists()
    assert main(["audit", str(demo_tender), "-o", str(tmp_path / "trail.pdf")]) == 1
    assert "exports to .csv or .xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("value, shown", [(None, "—"), ("", "—"), ("3", "3"),
                                          ("two words", "“two words”"),
                                          ("award_recommended", "award recommended")])
def test_values_read_naturally(value, shown) -> None:
    assert audit_trail.show(value) == shown


def test_check_reports_the_fingerprint(demo_tender: Path, capsys) -> None:
    update_details_path(demo_tender)
    assert main(["check", str(demo_tender)]) == 0
    out = capsys.readouterr().out
    assert "audit trail verified (" in out and "fingerprint " in out


def update_details_path(path: Path) -> None:
    with TenderFile.open(path) as tf:
        update_details(tf, reference="NBC-2026-0147-A")
