"""Edits made outside the workbench (with plain sqlite3) are caught by `workbench-cli check`.

Every protected table is edited three ways — a value changed, a row added, a row deleted —
and so is the audit trail itself. `check` must exit 1 naming the table; opening the file in
the app must report the same problem and refuse changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlite_utils import Database

from workbench.cli import main
from workbench.errors import ReadOnlyError
from workbench.storage import TenderFile, audit
from workbench.storage.schema import PROTECTED
from workbench.storage.tenderfile import now

#: A column of each table to change (one the schema lets take another value).
CHANGED_COLUMN = {
    "tender": "title", "scales": "name", "scale_levels": "label", "evaluators": "name",
    "lots": "title", "criteria": "weight", "bidders": "price", "bidder_values": "value",
    "assignments": "criterion_id", "scores": "score", "moderated": "score",
    "gateways": "rationale", "lot_conflicts": "mitigation", "packs": "checksum",
    "meetings": "chair", "parked": "note", "commitments": "target",
    "deliveries": "evidence", "monitoring_rules": "good_at", "monitoring_returns": "period",
    "low_bid_reviews": "reason", "award_record": "summaries_sent_on",
}
STAMP = "2026-11-20T10:00:00+00:00"


@pytest.fixture
def full_tender(demo_tender: Path) -> Path:
    """The demo tender with at least one row in every protected table, all written by the app."""
    with TenderFile.open(demo_tender) as tf, tf.action("Fill the remaining tables"):
        tf.put("lot_conflicts", {"lot_id": "L1", "evaluator_id": "E1", "status": "declared",
                                 "declared_on": "2026-11-02", "nature": "former colleague",
                                 "mitigation": "does not score B2"})
        tf.put("packs", {"id": "P1", "evaluator_id": "E1", "format": "tender",
                         "issued_at": STAMP})
        tf.put("meetings", {"id": "M1", "lot_id": "L1", "started_at": STAMP})
        score = tf.rows("scores")[0]
        tf.put("parked", {"lot_id": score["lot_id"], "bidder_id": score["bidder_id"],
                          "criterion_id": score["criterion_id"], "note": "ask finance",
                          "parked_at": STAMP})
        tf.put("commitments", {"lot_id": "L1", "bidder_id": "B4", "id": "SV2.1",
                               "criterion_id": "SV2", "measure": "Local jobs", "target": "5"})
        tf.put("deliveries", {"lot_id": "L1", "bidder_id": "B4", "commitment_id": "SV2.1",
                              "period": "2027-Q1", "delivered": "5", "evidence": "payroll",
                              "recorded_on": "2027-04-10"})
        tf.put("low_bid_reviews", {"lot_id": "L1", "bidder_id": "B4", "price": "1",
                                   "question": "how?", "response": "thus",
                                   "decision": "accept", "reason": "evidence seen"})
        tf.put("award_record", {"id": "award", "summaries_sent_on": "2026-12-01"})
        tf.put("monitoring_rules", {"id": 1, "method": "target"})
        tf.put("monitoring_returns", {"id": "R1", "lot_id": "L1", "bidder_id": "B4",
                                      "period": "2027-Q1", "issued_at": STAMP})
    assert all(_count(demo_tender, table) for table in PROTECTED)
    return demo_tender


@contextmanager
def outside(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 session, as someone with a database tool would have."""
    conn = sqlite3.connect(path)
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def _count(path: Path, table: str) -> int:
    with outside(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])


def check(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["check", str(path), *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "unexpected error" not in err
    return code, err


def test_untouched_file_passes(full_tender: Path, capsys) -> None:
    assert main(["check", str(full_tender)]) == 0
    assert "audit trail verified" in capsys.readouterr().out


@pytest.mark.parametrize("table", list(PROTECTED))
def test_changed_value_is_caught(full_tender: Path, table: str, capsys) -> None:
    column = CHANGED_COLUMN[table]
    with outside(full_tender) as conn:
        conn.execute(f"UPDATE [{table}] SET [{column}] = [{column}] || '9' "
                     f"WHERE rowid = (SELECT min(rowid) FROM [{table}])")
    code, err = check(full_tender, capsys)
    assert code == 1
    assert f"table '{table}'" in err
    with TenderFile.open(full_tender) as tf:
        assert f"table '{table}'" in tf.integrity_problem
        with pytest.raises(ReadOnlyError, match="audit trail is broken"), tf.action("Edit"):
            pass


@pytest.mark.parametrize("table", [t for t in PROTECTED if t not in ("tender", "monitoring_rules")])
def test_added_row_is_caught(full_tender: Path, table: str, capsys) -> None:
    key = PROTECTED[table][-1]
    with outside(full_tender) as conn:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info([{table}])")]
        values = ", ".join(f"[{c}] || '-new'" if c == key else f"[{c}]" for c in columns)
        conn.execute(f"INSERT INTO [{table}] SELECT {values} FROM [{table}] "
                     f"WHERE rowid = (SELECT min(rowid) FROM [{table}])")
    code, err = check(full_tender, capsys)
    assert code == 1
    assert f"table '{table}'" in err
    assert "added outside the workbench" in err


def test_second_tender_row_cannot_even_be_added(full_tender: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError), outside(full_tender) as conn:
        conn.execute("INSERT INTO tender (id, uid, title) VALUES (2, 'x', 'Forged')")


@pytest.mark.parametrize("table", list(PROTECTED))
def test_deleted_row_is_caught(full_tender: Path, table: str, capsys) -> None:
    with outside(full_tender) as conn:
        conn.execute(f"DELETE FROM [{table}] WHERE rowid = (SELECT max(rowid) FROM [{table}])")
    code, err = check(full_tender, capsys)
    assert code == 1
    assert f"table '{table}'" in err
    assert "deleted outside the workbench" in err


def test_every_tampered_table_is_listed(full_tender: Path, capsys) -> None:
    with outside(full_tender) as conn:
        conn.execute("UPDATE scores SET score = '5'")
        conn.execute("DELETE FROM moderated")
    code, err = check(full_tender, capsys)
    assert code == 1
    assert "table 'scores'" in err and "table 'moderated'" in err


# -- the audit trail itself --------------------------------------------------------------------

def _drop_guards(conn: sqlite3.Connection) -> None:
    """The append-only triggers stop casual edits; someone determined drops them first."""
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")


def test_audit_triggers_refuse_casual_edits(full_tender: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), \
            outside(full_tender) as conn:
        conn.execute("UPDATE audit SET user = 'someone else' WHERE seq = 5")


def test_edited_audit_row_is_caught(full_tender: Path, capsys) -> None:
    with outside(full_tender) as conn:
        _drop_guards(conn)
        conn.execute("UPDATE audit SET user = 'someone else' WHERE seq = 5")
    code, err = check(full_tender, capsys)
    assert code == 1
    assert "table 'audit': entry 5 was altered" in err


def test_deleted_middle_audit_row_is_caught(full_tender: Path, capsys) -> None:
    with outside(full_tender) as conn:
        _drop_guards(conn)
        conn.execute("DELETE FROM audit WHERE seq = 40")
    code, err = check(full_tender, capsys)
    assert code == 1
    assert "table 'audit': entry 40 was deleted" in err


def _score_and_head(path: Path) -> tuple[str, int]:
    with outside(path) as conn:
        score = conn.execute("SELECT score FROM scores WHERE lot_id='L1' AND evaluator_id='E1' "
                             "AND bidder_id='B1' AND criterion_id='Q1'").fetchone()[0]
        head = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    return str(score), int(head)


def _rescore(path: Path, value: str) -> None:
    with TenderFile.open(path, user="evaluator") as tf, tf.action("Change score"):
        tf.update("scores", {"lot_id": "L1", "evaluator_id": "E1", "bidder_id": "B1",
                             "criterion_id": "Q1"}, score=value)


def test_deleting_the_last_entries_and_reverting_the_data_is_caught(full_tender: Path,
                                                                     capsys) -> None:
    original, head = _score_and_head(full_tender)
    _rescore(full_tender, "0" if original != "0" else "1")
    with outside(full_tender) as conn:  # undo the change and erase its trace
        _drop_guards(conn)
        conn.execute("DELETE FROM audit WHERE seq > ?", [head])
        conn.execute("UPDATE scores SET score = ? WHERE lot_id='L1' AND evaluator_id='E1' "
                     "AND bidder_id='B1' AND criterion_id='Q1'", [original])
    code, err = check(full_tender, capsys)
    assert code == 1
    assert "table 'audit': the last 1 entry was deleted" in err


def test_removed_head_record_is_caught(full_tender: Path, capsys) -> None:
    with outside(full_tender) as conn:
        conn.execute("DELETE FROM meta WHERE key = ?", [audit.HEAD_KEY])
    code, err = check(full_tender, capsys)
    assert code == 1
    assert "table 'meta'" in err


def test_forged_entry_with_a_valid_hash_is_caught_by_the_head(full_tender: Path,
                                                             capsys) -> None:
    with TenderFile.open(full_tender, read_only=True) as tf:
        score = tf.rows("scores")[0]
    changed = {**score, "score": "0" if score["score"] != "0" else "1"}
    with outside(full_tender) as conn:
        db = Database(conn)
        conn.execute("UPDATE scores SET score = ? WHERE rowid = (SELECT min(rowid) FROM scores)",
                     [changed["score"]])
        head_before = conn.execute("SELECT value FROM meta WHERE key = ?",
                                   [audit.HEAD_KEY]).fetchone()[0]
        audit.append(db, [{"entity": "scores", "entity_key": audit.key_text("scores", score),
                           "before": audit.content(score), "after": audit.content(changed)}],
                     action_id=999, at=now(), user="forger", action="Change score", reason="")
        conn.execute("UPDATE meta SET value = ? WHERE key = ?", [head_before, audit.HEAD_KEY])
    code, err = check(full_tender, capsys)
    assert code == 1
    assert "table 'audit': entries after" in err


def test_a_full_rewrite_is_caught_only_against_a_noted_fingerprint(full_tender: Path,
                                                                  capsys) -> None:
    """The documented limit: a forger who rebuilds the chain and the head passes `check`;
    the fingerprint noted outside the file (e.g. in the award report) still catches it."""
    assert check(full_tender, capsys)[0] == 0
    with TenderFile.open(full_tender, read_only=True) as tf:
        seq, digest = audit.last_hash(tf.db)
        first = tf.rows("scores")[0]
    with outside(full_tender) as conn:
        guards = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE "
                                                 "type = 'trigger' AND tbl_name = 'audit'")]
        _drop_guards(conn)
        db = Database(conn)
        rows = [dict(zip([d[0] for d in cur.description], r, strict=True))
                for cur in [conn.execute("SELECT * FROM audit ORDER BY seq")] for r in cur]
        conn.execute("DELETE FROM audit")
        forged = {**first, "score": "0" if first["score"] != "0" else "1"}
        conn.execute("UPDATE scores SET score = ? WHERE rowid = (SELECT min(rowid) FROM scores)",
                     [forged["score"]])
        target = audit.key_text("scores", first)
        for row in rows:
            if row["entity"] == "scores" and row["entity_key"] == target:
                row["after"] = audit.content(forged)
            audit.append(db, [row], action_id=row["action_id"], at=row["at"], user=row["user"],
                         action=row["action"], reason=row["reason"])
        for guard in guards:  # put back exactly as they were: the schema check passes too
            conn.execute(guard)
    assert check(full_tender, capsys)[0] == 0  # not detectable from inside the file
    code, err = check(full_tender, capsys, "--anchor", f"{seq}:{digest[:16]}")
    assert code == 1
    assert f"entry {seq} does not match the fingerprint" in err


def test_anchor_of_an_untouched_file_passes_and_bad_anchor_is_a_one_line_error(
        full_tender: Path, capsys) -> None:
    with TenderFile.open(full_tender, read_only=True) as tf:
        seq, digest = audit.last_hash(tf.db)
    _rescore(full_tender, "2")  # later, legitimate entries do not disturb the anchor
    assert check(full_tender, capsys, "--anchor", f"{seq}:{digest[:16]}")[0] == 0
    code, err = check(full_tender, capsys, "--anchor", "nonsense")
    assert code == 1
    assert err.count("\n") == 1 and "ENTRY:HASH" in err

