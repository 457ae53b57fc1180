"""Fast verification: the same verdicts as hashing row by row in Python, on files written
before it existed too; entries in time order; a locked trail ends with the lock; the anchor
names who came after; a recorded verification that the file cannot fake."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import suppress
from pathlib import Path

import pytest
from sqlite_utils import Database
from tests.core.test_integrity_lock import moderate_everything

from workbench.cli import main
from workbench.errors import StorageError, ValidationError
from workbench.monitoring import commitments_from_bid
from workbench.storage import TenderFile, audit, verification
from workbench.storage.tenderfile import now
from workbench.tender_lock import lock_tender, recommend_award

FIXTURES = Path(__file__).parent.parent / "fixtures"
HOSTILE = ('Quotes " and \\ backslash, tab\t newline\n CR\r bell\x07 esc\x1b[31m del\x7f '
           "é 中文 😀 \u2028\u2029 </script> 1e999")


def check(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["check", str(path), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected error" not in err, err
    return code, out, err


def outside(path: Path) -> sqlite3.Connection:
    """Someone with an SQLite tool, who has read the code."""
    return sqlite3.connect(path, isolation_level=None)


def forge(path: Path, changes: list[dict[str, object]], *, at: str, user: str = "forger",
          action: str = "Change score") -> None:
    """An entry with a correct hash, link and recorded head: only time and order betray it."""
    conn = outside(path)
    db = Database(conn)
    with db.atomic():
        seq = audit.last_hash(db)[0]
        prev_at = conn.execute("SELECT at FROM audit WHERE seq = ?", [seq]).fetchone()[0]
        # Written as the code does, but bypassing append's own clock check.
        fields = {"seq": seq + 1, "action_id": seq + 1, "at": at, "user": user,
                  "action": action, "reason": "", **changes[0]}
        prev = audit.last_hash(db)[1]
        digest = audit.row_hash(prev, fields)
        conn.execute("INSERT INTO audit (seq, action_id, at, user, action, entity, entity_key, "
                      "before, after, reason, prev_hash, hash) VALUES "
                      "(?,?,?,?,?,?,?,?,?,?,?,?)",
                      [*(fields[n] for n in audit._HASHED), prev, digest])
        conn.execute("UPDATE meta SET value = ? WHERE key = ?",
                     [f"{seq + 1}:{digest}", audit.HEAD_KEY])
        assert prev_at  # the entry it follows
    conn.close()


def _score_change(path: Path) -> tuple[dict[str, object], dict[str, object]]:
    with TenderFile.open(path, read_only=True) as tf:
        score = tf.rows("scores")[0]
    changed = {**score, "score": "0" if score["score"] != "0" else "1"}
    return score, {"entity": "scores", "entity_key": audit.key_text("scores", score),
                   "before": audit.content(score), "after": audit.content(changed)}


# -- the same bytes ---------------------------------------------------------------------------

def test_sqlite_builds_exactly_the_text_the_writer_hashed(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, user=f"Zoë {HOSTILE}") as tf:
        with tf.action(f"Retitle {HOSTILE}", reason=HOSTILE):
            tf.update("tender", {"id": 1}, title=HOSTILE, authority=HOSTILE)
    payload = f"CAST(json_array(prev_hash, json_array({', '.join(audit._HASHED)})) AS BLOB)"
    with sqlite3.connect(demo_tender) as conn:
        rows = conn.execute(f"SELECT hash, {payload} FROM audit").fetchall()
    assert rows and all(hashlib.sha256(text).hexdigest() == digest for digest, text in rows)


def test_a_file_written_before_fast_verification_still_verifies(tmp_path: Path,
                                                                capsys) -> None:
    path = tmp_path / "old.tender"
    shutil.copy(FIXTURES / "before-fast-verify.tender", path)
    code, out, _ = check(path, capsys)
    assert code == 0 and "audit trail verified" in out
    with TenderFile.open(path) as tf:
        assert not tf.read_only and HOSTILE[:20] in tf.load().tender.title


def test_a_value_sqlite_writes_differently_is_rechecked_not_reported(demo_tender: Path,
                                                                     capsys) -> None:
    """A REAL is written '1e+20' by Python, '1.0e+20' by SQLite: slow path, same verdict."""
    with TenderFile.open(demo_tender) as tf, tf.action("Move lot"):
        lot = tf.rows("lots")[0]
        tf.put("lots", {**lot, "position": 1e20})
    assert check(demo_tender, capsys)[0] == 0


def test_changed_content_found_by_the_set_based_comparison(demo_tender: Path, capsys) -> None:
    with outside(demo_tender) as conn:
        conn.execute("UPDATE scores SET rationale = rationale || '.' "
                     "WHERE rowid = (SELECT max(rowid) FROM scores)")
    code, _, err = check(demo_tender, capsys)
    assert code == 1 and "table 'scores'" in err and "was changed outside" in err


def test_a_blob_planted_in_the_trail_is_named(demo_tender: Path, capsys) -> None:
    with outside(demo_tender) as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET reason = x'00ff' WHERE seq = 5")
    code, _, err = check(demo_tender, capsys)
    assert code == 1 and "audit_no_update" in err


# -- time order -------------------------------------------------------------------------------

def test_an_entry_dated_before_the_last_is_refused_on_write(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        with pytest.raises(StorageError, match="clock says 2020-01-01"):
            audit.append(tf.db, [{"entity": "tender", "entity_key": "[1]", "before": None,
                                  "after": None}], action_id=1, at="2020-01-01T00:00:00+00:00",
                         user="x", action="x", reason="")


def test_a_back_dated_entry_is_reported(demo_tender: Path, capsys) -> None:
    _score, change = _score_change(demo_tender)
    with outside(demo_tender) as conn:
        conn.execute("UPDATE scores SET score = ? WHERE rowid = (SELECT min(rowid) FROM scores)",
                     [Database(conn).execute("SELECT json_extract(?, '$.score')",
                                             [change["after"]]).fetchone()[0]])
    forge(demo_tender, [change], at="2026-01-01T09:00:00+00:00")
    code, _, err = check(demo_tender, capsys)
    assert code == 1 and "is dated before the entry it follows" in err
    with TenderFile.open(demo_tender) as tf:
        assert tf.read_only and "dated before" in tf.integrity_problem


# -- a locked tender's trail ends with the lock -----------------------------------------------

@pytest.fixture
def locked(demo_tender: Path) -> Path:
    with TenderFile.open(demo_tender, user="lead") as tf:
        moderate_everything(tf)
        recommend_award(tf, "Panel agreed the ranking")
        lock_tender(tf)
    return demo_tender


def test_an_entry_after_the_lock_is_reported_with_its_author(locked: Path, capsys) -> None:
    _score, change = _score_change(locked)
    with outside(locked) as conn:
        after = Database(conn).execute("SELECT json_extract(?, '$.score')",
                                       [change["after"]]).fetchone()[0]
        conn.execute("UPDATE scores SET score = ? WHERE rowid = (SELECT min(rowid) FROM scores)",
                     [after])
    forge(locked, [change], at=now(), user="Mallory (mal)")
    code, _, err = check(locked, capsys)
    assert code == 1
    assert "('Change score' by Mallory (mal)) was added after the tender was locked" in err


def test_monitoring_after_the_lock_is_part_of_the_trail(locked: Path, capsys) -> None:
    with TenderFile.open(locked, user="officer") as tf:
        lot = tf.rows("lots")[0]["id"]
        for bidder in tf.rows("bidders", "lot_id = ?", [lot]):
            with suppress(ValidationError):  # only the winner is monitored
                assert commitments_from_bid(tf, lot, bidder["id"])
    assert check(locked, capsys)[0] == 0


# -- the anchor -------------------------------------------------------------------------------

def test_anchor_reports_how_many_entries_follow_and_who_made_them(demo_tender: Path,
                                                                  capsys) -> None:
    code, out, _ = check(demo_tender, capsys)
    fingerprint = out.split("fingerprint ")[1].split(")")[0]
    with TenderFile.open(demo_tender, user="Priya Raman") as tf:
        for title in ("One", "Two"):
            with tf.action("Retitle"):
                tf.update("tender", {"id": 1}, title=title)
    code, out, _ = check(demo_tender, capsys, "--anchor", fingerprint)
    assert code == 0
    assert "entries follow it, made by: 2 by Priya Raman (" in out


def test_anchor_with_nothing_after_it(demo_tender: Path, capsys) -> None:
    out = check(demo_tender, capsys)[1]
    fingerprint = out.split("fingerprint ")[1].split(")")[0]
    assert "no entries follow it" in check(demo_tender, capsys, "--anchor", fingerprint)[1]


# -- a verification recorded outside the file -------------------------------------------------

@pytest.fixture
def settle_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verification, "SETTLED_NS", 0)


def test_a_recorded_verification_is_used_for_the_same_file(demo_tender: Path, settle_at_once,
                                                           capsys) -> None:
    assert check(demo_tender, capsys)[0] == 0
    with TenderFile.open(demo_tender, read_only=True, verify="later") as tf:
        assert not tf.verification_pending  # trusted: nothing left to check


def test_a_change_after_recording_is_found_even_with_the_time_put_back(
        demo_tender: Path, settle_at_once, capsys) -> None:
    assert check(demo_tender, capsys)[0] == 0
    before = demo_tender.stat()
    with outside(demo_tender) as conn:
        conn.execute("UPDATE scores SET score = '0' WHERE rowid = (SELECT min(rowid) FROM scores)")
    os.utime(demo_tender, ns=(before.st_atime_ns, before.st_mtime_ns))
    with TenderFile.open(demo_tender, read_only=True) as tf:  # the default trusts a record
        assert "table 'scores'" in tf.integrity_problem
    code, _out, err = check(demo_tender, capsys)
    assert code == 1 and "table 'scores'" in err
    main(["results", str(demo_tender)])
    assert "was changed outside the workbench" in capsys.readouterr().err


def test_a_file_changed_moments_ago_is_not_recorded(demo_tender: Path, capsys) -> None:
    assert check(demo_tender, capsys)[0] == 0  # created just now: could change in the same tick
    with TenderFile.open(demo_tender, read_only=True, verify="later") as tf:
        assert tf.verification_pending
