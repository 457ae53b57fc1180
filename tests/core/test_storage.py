"""The tender file: creation, refusal of bad files (unchanged), versions, the single writer."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import ReadOnlyError, StorageError
from workbench.storage import TenderFile
from workbench.storage.schema import SCHEMA_VERSION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_created_file_loads_what_was_written(small_tender: Path, small_data) -> None:
    with TenderFile.open(small_tender) as tf:
        assert tf.load() == small_data
        assert tf.integrity_problem == ""


def test_file_is_wal_once_written_with_foreign_keys(small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        with tf.action("Rename"):
            tf.update("tender", {"id": 1}, title="Renamed")
        assert tf.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert tf.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert tf.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_create_refuses_to_overwrite(small_tender: Path, small_data) -> None:
    before = digest(small_tender)
    with pytest.raises(StorageError, match="already exists"):
        TenderFile.create(small_tender, small_data)
    assert digest(small_tender) == before


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01random bytes" * 300, "not a tender file"),
    (b"SQLite format 3\x00", "not a tender file"),
])
def test_non_tender_files_are_refused_unchanged(tmp_path: Path, content: bytes,
                                                message: str) -> None:
    path = tmp_path / "x.tender"
    path.write_bytes(content)
    with pytest.raises(StorageError, match=message):
        TenderFile.open(path)
    assert path.read_bytes() == content


def test_another_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StorageError, match="SQLite database but not a tender file"):
        TenderFile.open(path)
    assert digest(path) == before


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_truncated_files_are_refused_unchanged(small_tender: Path, fraction: float) -> None:
    data = small_tender.read_bytes()
    cut = small_tender.with_name("cut.tender")
    cut.write_bytes(data[: int(len(data) * fraction)])
    before = cut.read_bytes()
    with pytest.raises(StorageError):
        with TenderFile.open(cut) as tf:
            tf.load()
    assert cut.read_bytes() == before


def test_newer_file_format_is_refused(small_tender: Path) -> None:
    conn = sqlite3.connect(small_tender)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(small_tender)
    with pytest.raises(StorageError, match="newer version of the workbench"):
        TenderFile.open(small_tender)
    assert digest(small_tender) == before


def test_second_opener_in_this_process_gets_read_only(small_tender: Path) -> None:
    with TenderFile.open(small_tender, user="first") as first:
        with TenderFile.open(small_tender, user="second") as second:
            assert not first.read_only
            assert second.read_only
            assert "first" in second.read_only_reason
            with pytest.raises(ReadOnlyError, match="open for writing by first"):
                with second.action("Edit"):
                    pass


def test_second_process_gets_read_only_and_is_told_who(small_tender: Path) -> None:
    code = ("import sys; from workbench.storage import TenderFile;"
            "tf = TenderFile.open(sys.argv[1], user='other');"
            "print(tf.read_only, tf.read_only_reason)")
    with TenderFile.open(small_tender, user="lead officer"):
        out = subprocess.run([sys.executable, "-c", code, str(small_tender)],
                             capture_output=True, text=True, check=True).stdout
    assert out.startswith("True")
    assert "lead officer" in out
    # once closed, the next opener may write
    with TenderFile.open(small_tender) as tf:
        assert not tf.read_only


def test_failed_action_writes_nothing(small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        before = tf.load()
        with pytest.raises(RuntimeError):
            with tf.action("Half an edit"):
                tf.update("tender", {"id": 1}, title="Changed")
                raise RuntimeError("power cut")
        assert tf.load() == before
        assert tf.integrity_problem == ""


def test_unchanged_put_adds_no_audit_row(small_tender: Path) -> None:
    with TenderFile.open(small_tender) as tf:
        count = tf.db.execute("SELECT count(*) FROM audit").fetchone()[0]
        with tf.action("No-op"):
            tf.update("tender", {"id": 1}, title=tf.load().tender.title)
        assert tf.db.execute("SELECT count(*) FROM audit").fetchone()[0] == count

