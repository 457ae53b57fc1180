"""Backups: consistent snapshots beside the file, rolling, and a restore that keeps the current
file, checks the backup first, and records itself in the audit trail."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.details import update_details
from workbench.errors import ReadOnlyError, StorageError, ValidationError
from workbench.storage import TenderFile, audit, backup
from workbench.storage.restore import restore
from workbench.tender_lock import status


def title(path: Path) -> str:
    with TenderFile.open(path, read_only=True) as tf:
        return tf.load().tender.title


def retitle(path: Path, text: str) -> None:
    with TenderFile.open(path) as tf:
        update_details(tf, title=text)


def test_snapshot_is_a_verified_tender_beside_the_file(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        made = backup.before_bulk_change(tf, "before-merge")
        update_details(tf, title="After the merge")  # uncommitted WAL frames are included too
    assert made.parent == demo_tender.parent / "backups"
    [info] = backup.backups(demo_tender)
    assert info.path == made and info.reason == "before merge" and info.size > 0
    with TenderFile.open(made, read_only=True) as copy:
        assert copy.integrity_problem == ""
        assert copy.load().tender.title != "After the merge"


def test_snapshots_roll_at_the_files_own_count(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        backup.set_keep_count(tf, 3)
        made = [backup.before_bulk_change(tf, f"before-import-{n}") for n in range(5)]
        with pytest.raises(ValidationError, match="from 1 to 100"):
            backup.set_keep_count(tf, 0)
    assert backup.list_backups(demo_tender) == made[:1:-1]


def test_other_tenders_backups_in_the_same_folder_are_not_listed(tmp_path: Path,
                                                                 demo_data) -> None:
    a = tmp_path / "a.tender"
    ab = tmp_path / "a.b.tender"
    for path in (a, ab):
        TenderFile.create(path, demo_data).close()
        with TenderFile.open(path) as tf:
            backup.before_bulk_change(tf, "before-merge")
    assert [p.name.split(".20")[0] for p in backup.list_backups(a)] == ["a"]
    assert [p.name.split(".20")[0] for p in backup.list_backups(ab)] == ["a.b"]


def test_bulk_change_backup_is_refused_on_a_read_only_file(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender, read_only=True) as tf, \
            pytest.raises(ReadOnlyError, match="read-only"):
        backup.before_bulk_change(tf, "before-merge")
    assert backup.list_backups(demo_tender) == []


def test_snapshot_into_an_unwritable_place_is_a_one_line_error(demo_tender: Path) -> None:
    (demo_tender.parent / "backups").write_text("a file where the folder should be")
    with TenderFile.open(demo_tender) as tf, \
            pytest.raises(StorageError, match=r"could not back up demo\.tender before merge"):
        backup.before_bulk_change(tf, "before-merge")


def test_restore_brings_the_backup_back_and_keeps_the_current_file(demo_tender: Path) -> None:
    original = title(demo_tender)
    with TenderFile.open(demo_tender) as tf:
        saved = backup.before_bulk_change(tf, "before-merge")
    retitle(demo_tender, "Changed after the backup")
    kept = restore(demo_tender, saved, "Jane Smith (jsmith)")
    assert title(demo_tender) == original
    assert title(kept) == "Changed after the backup"
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem == ""
        last = audit.entries(tf.db)[-1]
    assert last["action"] == f"Restore backup {saved.name}"
    assert last["user"] == "Jane Smith (jsmith)"
    assert kept.name in last["reason"]
    assert main(["check", str(demo_tender)]) == 0


def test_restore_repairs_a_tampered_file(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        saved = backup.before_bulk_change(tf, "before-merge")
    conn = sqlite3.connect(demo_tender)
    conn.execute("UPDATE scores SET score = '0'")
    conn.commit()
    conn.close()
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem
    restore(demo_tender, saved, "tester")
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem == "" and not tf.read_only


def _digest(path: Path) -> str:
    """The file's bytes, but for the header's change counters: opening a tender for writing
    switches its journal mode (WAL while open, a rollback journal at rest), which counts."""
    raw = bytearray(path.read_bytes())
    raw[24:28] = raw[92:96] = bytes(4)
    return hashlib.sha256(raw).hexdigest()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        saved = backup.before_bulk_change(tf, "before-merge")
    conn = sqlite3.connect(saved)
    conn.execute("UPDATE bidders SET price = '1'")
    conn.commit()
    conn.close()
    before = _digest(demo_tender)
    with pytest.raises(StorageError, match="cannot be restored: its audit trail is broken"):
        restore(demo_tender, saved, "tester")
    assert _digest(demo_tender) == before
    assert len(backup.list_backups(demo_tender)) == 1


def test_restore_refuses_a_backup_of_another_tender(demo_tender: Path, small_tender: Path) -> None:
    before = _digest(demo_tender)
    with pytest.raises(StorageError, match="backup of a different tender"):
        restore(demo_tender, small_tender, "tester")
    assert _digest(demo_tender) == before


def test_restore_refuses_while_someone_else_has_the_file(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        saved = backup.before_bulk_change(tf, "before-merge")
        with pytest.raises(StorageError, match="open for writing by"):
            restore(demo_tender, saved, "tester")


def test_restore_refuses_a_locked_tender(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        saved = backup.before_bulk_change(tf, "before-merge")
        with tf.action("Lock (for the test)"):
            tf.update("tender", {"id": 1}, status="locked")
    with pytest.raises(ReadOnlyError, match="unlock it, giving a reason, before restoring"):
        restore(demo_tender, saved, "tester")
    with TenderFile.open(demo_tender, read_only=True) as tf:
        assert status(tf) == "locked"


def test_restoring_the_oldest_backup_survives_the_rolling_count(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        backup.set_keep_count(tf, 2)
        oldest = backup.before_bulk_change(tf, "before-merge")
        backup.before_bulk_change(tf, "before-import")
    retitle(demo_tender, "Later")
    restore(demo_tender, oldest, "tester")  # the snapshot it takes pushes `oldest` out
    assert title(demo_tender) != "Later"
    assert oldest not in backup.list_backups(demo_tender)


def test_restore_replaces_a_file_too_damaged_to_open(demo_tender: Path) -> None:
    with TenderFile.open(demo_tender) as tf:
        saved = backup.before_bulk_change(tf, "before-merge")
        original = tf.load()
    damaged = demo_tender.read_bytes()[:50_000]
    demo_tender.write_bytes(damaged)
    with pytest.raises(StorageError, match="restore a backup"):
        TenderFile.open(demo_tender)
    kept = restore(demo_tender, saved, "tester")
    assert kept.read_bytes() == damaged
    assert "damaged" in kept.name
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem == "" and not tf.read_only
        assert tf.load() == original
        assert audit.entries(tf.db)[-1]["action"] == f"Restore backup {saved.name}"


def test_upgrading_a_file_backs_it_up_first(demo_tender: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulates the next file format: opening an older file snapshots it, then migrates."""
    from workbench.storage import tenderfile
    monkeypatch.setattr(tenderfile, "SCHEMA_VERSION", tenderfile.SCHEMA_VERSION + 1)
    with TenderFile.open(demo_tender) as tf:
        assert tf.integrity_problem == ""
        assert tf.db.execute("PRAGMA user_version").fetchone()[0] == tenderfile.SCHEMA_VERSION
    [info] = backup.backups(demo_tender)
    assert info.reason == "before migration"
    assert tenderfile.check_header(info.path) == tenderfile.SCHEMA_VERSION - 1  # as it was
    with TenderFile.open(info.path, read_only=True) as old:  # read through an upgraded copy
        assert old.integrity_problem == ""
